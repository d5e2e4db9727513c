using System.Globalization;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Text;

namespace Learn2PD.Eval;

/// <summary>What <c>l2pd eval</c> was asked to do, typed; <see cref="EvalPipeline"/> checks the rest against the model and data.</summary>
public sealed record EvalRequest
{
    /// <summary>Samples per generation length when no limit is given: a few dozen at gen ≤ 256, fewer above.</summary>
    public const int DefaultShortLimit = 40, DefaultLongLimit = 6;
    /// <summary>A bare <c>l2pd eval</c>'s length: one-token-per-step baselines at 1024 cost ~40 s each on 2 CPU cores, too slow for a first run.</summary>
    public const int DefaultGenLength = 256;

    public required string ModelDirectory { get; init; }
    /// <summary>The embedded model: its missing directory is a broken install, not a typo.</summary>
    public bool EmbeddedModel { get; init; }
    /// <summary>The filter; null = filter.safetensors in the model directory.</summary>
    public string? FilterPath { get; init; }
    /// <summary>τ_f of methods without @; null = the filter's suggested value.</summary>
    public double? AcceptThreshold { get; init; }
    public required IReadOnlyList<DecodingMethod> Methods { get; init; }
    /// <summary>Families to sweep over their parameter grid (<see cref="ThresholdGrid"/>, the filter's τ_f grid); empty = no sweep.</summary>
    public IReadOnlyList<DecodingMethod> Sweep { get; init; } = [];
    public required IReadOnlyList<LengthPlan> Lengths { get; init; }
    public int BlockLength { get; init; } = 32;
    /// <summary>The end-of-text rule of every method with end-of-text prediction (<c>--eotp-rule</c>, <c>--eotp-confidence</c>).</summary>
    public EndOfTextRule EndOfTextRule { get; init; } = EndOfTextRule.Confident;
    public double EndOfTextConfidence { get; init; } = DecodeOptions.DefaultEndOfTextConfidence;
    public EvalDataOptions Data { get; init; } = new();
    public EvalMetric Metric { get; init; } = EvalMetric.Strict;
    public string OutDirectory { get; init; } = Path.Combine("runs", "eval");
    public bool Fresh { get; init; }
    public string Device { get; init; } = "cpu";
    public string DType { get; init; } = "fp32";
    public ulong Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Decode only every N-th sample from I (<c>--shard I/N</c>); <c>l2pd eval merge</c> joins the shards' outputs.</summary>
    public Shard? Shard { get; init; }
    public string CommandLine { get; init; } = "";

    /// <summary>The τ grid every threshold family is swept over.</summary>
    public static IReadOnlyList<double> ThresholdGrid { get; } = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];

    /// <summary>What a bare --sweep covers: every family with a parameter, the prefix-cache variants left out.</summary>
    public static IReadOnlyList<DecodingMethod> DefaultSweep =>
        DecodingMethods.All.Where(m => m.HasParameter && m.Cache != Core.Model.CacheKind.Prefix).ToArray();

    /// <summary>"--sweep" (every family) or "--sweep threshold,l2p+eotp".</summary>
    public static IReadOnlyList<DecodingMethod> ParseSweep(string? families)
    {
        if (string.IsNullOrWhiteSpace(families)) return DefaultSweep;
        var chosen = families.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => DecodingMethods.Parse(name, "--sweep"))
            .Select(m => m.HasParameter && m.Parameter is null ? m
                : throw new Learn2PdException($"--sweep: '{m.Id}' is not a family with a parameter to sweep (threshold…, l2p…)"))
            .DistinctBy(m => m.Name).ToArray();
        return chosen;
    }

    public string FilterFile => FilterPath ?? Path.Combine(ModelDirectory, "filter.safetensors");

    public static int DefaultLimit(int genLength) => genLength <= 256 ? DefaultShortLimit : DefaultLongLimit;

    /// <summary>
    /// A comma-separated list of methods (each optionally <c>@parameter</c>) or "all", in registry order and
    /// without duplicates. The baseline always runs: speed-up, agreement and the oracle are measured against it.
    /// </summary>
    public static IReadOnlyList<DecodingMethod> ParseMethods(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new Learn2PdException($"--methods is empty; valid methods are {DecodingMethods.ValidNames} (or 'all')");
        if (names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase))) return DefaultMethods;
        var chosen = names.Select(n => DecodingMethods.Parse(n)).Append(DecodingMethods.Baseline).DistinctBy(m => m.Id).ToArray();
        return Ordered(chosen);
    }

    /// <summary>What "all" runs: every registered family at its default parameter.</summary>
    public static IReadOnlyList<DecodingMethod> DefaultMethods => DecodingMethods.All;

    /// <summary>Registry order, then parameter order within a family.</summary>
    public static IReadOnlyList<DecodingMethod> Ordered(IEnumerable<DecodingMethod> methods) =>
        methods.OrderBy(m => DecodingMethods.All.ToList().FindIndex(f => f.Name == m.Name)).ThenBy(m => m.Parameter ?? double.MinValue).ToArray();

    /// <summary>
    /// "--gen-length 256,1024" with "--limit N" (all lengths) or one count per length; null limits = the defaults.
    /// Each length is checked with the block length by the decoder's own rules.
    /// </summary>
    public static IReadOnlyList<LengthPlan> ParseLengths(string genLengths, string? limits, int blockLength)
    {
        int[] lengths = ParseInts(genLengths, "--gen-length");
        if (lengths.Distinct().Count() != lengths.Length) throw new Learn2PdException($"--gen-length lists a length twice ({genLengths})");
        foreach (int length in lengths) DecodeOptions.Baseline(length, blockLength);
        int[] counts = limits is null ? lengths.Select(DefaultLimit).ToArray() : ParseInts(limits, "--limit");
        if (counts.Length == 1 && lengths.Length > 1) counts = Enumerable.Repeat(counts[0], lengths.Length).ToArray();
        if (counts.Length != lengths.Length)
            throw new Learn2PdException($"--limit gives {counts.Length} counts for {lengths.Length} generation lengths: give one for all, or one per length");
        return lengths.Select((l, i) => new LengthPlan(l, counts[i])).ToArray();
    }

    private static int[] ParseInts(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new Learn2PdException($"{option} is empty");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new Learn2PdException($"{option}: '{p}' is not a positive whole number")).ToArray();
    }
}
