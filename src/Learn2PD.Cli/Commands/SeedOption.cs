using System.CommandLine;

namespace Learn2PD.Cli.Commands;

/// <summary>--seed: every random choice of a command (sampling, data order, initialisation) follows it.</summary>
internal static class SeedOption
{
    public static Option<ulong> Create(string what = "sampling with --temperature, random remasking, data order") => new("--seed")
    {
        Description = $"Random seed ({what})",
        DefaultValueFactory = _ => 0UL,
    };
}
