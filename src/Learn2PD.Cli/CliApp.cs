using System.CommandLine;
using Learn2PD.Cli.Commands;

namespace Learn2PD.Cli;

/// <summary>The `l2pd` command tree; Program.cs runs it, tests invoke it in-process.</summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("l2pd: fast decoding for LLaDA-class diffusion language models (Learn2PD filter and end-of-text prediction, Fast-dLLM threshold and KV caches, LLaDA's sampler). Every command runs on the embedded arithmetic model unless --model is given.");
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(Bench.BenchCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(TrainModelCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(TrainFilterCommand.Create());
        root.Subcommands.Add(ExportTaskCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        return root;
    }

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
