using Learn2PD.Cli;

namespace Learn2PD.Tests.Support;

/// <summary>Runs `l2pd` in-process with its output and error writers captured (tests using it share one non-parallel collection: libtorch's thread count is global).</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
