using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Learn2PD.Cli.Commands;

namespace Learn2PD.Cli;

/// <summary>The `l2pd` command tree; Program.cs runs it, tests invoke it in-process with their own writers.</summary>
public static partial class CliApp
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
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; a command line that does not parse gets two lines on <paramref name="error"/>, not the help page.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            // An unknown word explains more than the missing subcommand it causes.
            var first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            error.WriteLine($"error: {Explain(first)}{Suggestion(parse, command)}");
            error.WriteLine($"see: {CommandPath(parse)} --help");
            return CommandAction.UserError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>
    /// One line for a parse error, in the user's terms: "--cache: 'paged' is not one of none, prefix, dual"
    /// instead of System.CommandLine's .NET type names and multi-line lists.
    /// </summary>
    private static string Explain(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        string? value = option?.Tokens.LastOrDefault()?.Value;
        if (option is null || value is null) return string.Join(' ', error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
        int list = error.Message.IndexOf("Must be one of", StringComparison.Ordinal);
        var allowed = list < 0 ? [] : QuotedValue().Matches(error.Message[list..]).Select(m => m.Groups[1].Value).ToArray();
        string expected = type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
            : allowed.Length > 0 ? "one of " + string.Join(", ", allowed)
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(ulong) ? "a whole number of 0 or more"
            : type == typeof(double) ? "a number"
            : "a valid value";
        return $"{option.Option.Name}: '{value}' is not {expected}";
    }

    /// <summary>" (did you mean --gen-length?)" for an unknown option or command close to a real one.</summary>
    private static string Suggestion(ParseResult parse, Command command)
    {
        string? unknown = parse.UnmatchedTokens.FirstOrDefault();
        if (unknown is null) return "";
        string name = unknown.Split('=')[0];
        var candidates = name.StartsWith("--", StringComparison.Ordinal)
            ? command.Options.Select(o => o.Name).Where(o => o.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Select(c => c.Name);
        var best = candidates.Select(o => (Name: o, Distance: Distance(name, o))).OrderBy(p => p.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, name.Length / 4) ? $" (did you mean {best.Name}?)" : "";
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command is RootCommand ? "l2pd" : result.Command.Name);
        return string.Join(' ', names);
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex(@"'([^'\s]+)'")]
    private static partial Regex QuotedValue();
}
