using System.CommandLine;
using Learn2PD.Core;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd export-task</c>: writes a split of the built-in arithmetic task as GSM8K JSONL
/// (<c>{"question", "answer"}</c>), the same problems <c>train-filter</c> and <c>eval</c> draw with
/// <c>--task arith</c>, so they can be inspected, shared or fed back through <c>--data</c>.
/// </summary>
internal static class ExportTaskCommand
{
    public static Command Create()
    {
        var split = new Option<TaskSplit>("--split") { Description = "train, validation or test (the split eval scores on)", DefaultValueFactory = _ => TaskSplit.Test };
        var count = new Option<int>("--count") { Description = "Problems to write: the first N of the split, so a smaller count gives a prefix", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Stream of the train split (validation and test have fixed streams)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "JSONL file to write (written whole, then renamed into place)", Required = true };
        var command = new Command("export-task", "Write a split of the embedded model's arithmetic task as GSM8K JSONL ({\"question\", \"answer\"})");
        command.Options.Add(split);
        command.Options.Add(count);
        command.Options.Add(seed);
        command.Options.Add(output);
        CommandAction.Set(command, (parse, io) =>
            Run(parse.GetValue(split), parse.GetValue(count), parse.GetValue(seed), parse.GetValue(output)!, io.Out));
        return command;
    }

    internal static int Run(TaskSplit split, int count, int seed, string path, TextWriter output)
    {
        if (count < 1) throw new Learn2PdException($"--count must be at least 1 (got {count})");
        var task = ArithmeticTask.Default;
        var problems = split switch
        {
            TaskSplit.Train => task.Train(count, (ulong)seed),
            TaskSplit.Validation => task.Validation(count),
            _ => task.Test(count),
        };
        GsmJsonl.Write(path, problems);
        output.WriteLine($"wrote {problems.Count} {split.ToString().ToLowerInvariant()} problems to {path}");
        return 0;
    }
}
