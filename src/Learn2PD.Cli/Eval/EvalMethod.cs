using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;

namespace Learn2PD.Cli.Eval;

/// <summary>What a method's policy may need besides the sampler settings.</summary>
/// <param name="Filter">The Learn2PD filter (null when no method of the run uses it).</param>
/// <param name="AcceptThreshold">τ_f: the filter's acceptance threshold.</param>
/// <param name="Reference">The baseline's answer ids for this sample (the oracle's reference); null for other methods.</param>
/// <param name="EndOfText">The model's end-of-text id.</param>
internal sealed record MethodInputs(Learn2PdFilter? Filter, double AcceptThreshold, long[]? Reference, long EndOfText);

/// <summary>
/// One decoding method of the benchmark: a stable name, the commit policy it uses and how it changes
/// the shared sampler settings (end-of-text prediction, KV cache). Every method keeps the fixed
/// schedule's <c>Steps = GenLength</c>; the baseline is that schedule alone, one token per step.
/// </summary>
internal sealed record EvalMethod(
    string Name,
    string Description,
    Func<MethodInputs, ICommitPolicy> CreatePolicy,
    Func<DecodeOptions, DecodeOptions> Configure,
    bool UsesFilter = false,
    bool UsesReference = false)
{
    /// <summary>Fast-dLLM's confidence threshold τ.</summary>
    public const double FastDllmThreshold = 0.9;

    public const string BaselineName = "baseline";

    private static DecodeOptions Same(DecodeOptions o) => o;

    private static FilterPolicy Learn2Pd(MethodInputs inputs) =>
        new(inputs.Filter ?? throw new InvalidOperationException("the l2p methods need a filter"), inputs.AcceptThreshold);

    /// <summary>Every method, in the order the benchmark runs and reports them.</summary>
    public static IReadOnlyList<EvalMethod> All { get; } =
    [
        new(BaselineName, "LLaDA's fixed schedule, one token per step (the reference for speed-up and agreement)",
            _ => new FixedSchedulePolicy(), Same),
        new("eotp", "fixed schedule + end-of-text prediction",
            _ => new FixedSchedulePolicy(), o => o with { EndOfTextPrediction = true }),
        new("threshold", $"Fast-dLLM parallel decoding, confidence ≥ {FastDllmThreshold}",
            _ => new ThresholdPolicy(FastDllmThreshold), Same),
        new("threshold+prefix", "Fast-dLLM threshold with the prefix KV cache",
            _ => new ThresholdPolicy(FastDllmThreshold), o => o with { Cache = CacheKind.Prefix }),
        new("threshold+dual", "Fast-dLLM threshold with the dual KV cache",
            _ => new ThresholdPolicy(FastDllmThreshold), o => o with { Cache = CacheKind.Dual }),
        new("l2p", "Learn2PD filter (sigmoid > τ_f) OR-ed with the fixed schedule",
            Learn2Pd, Same, UsesFilter: true),
        new("l2p+eotp", "Learn2PD filter + end-of-text prediction",
            Learn2Pd, o => o with { EndOfTextPrediction = true }, UsesFilter: true),
        new("l2p+eotp+prefix", "Learn2PD filter + end-of-text prediction + prefix KV cache",
            Learn2Pd, o => o with { EndOfTextPrediction = true, Cache = CacheKind.Prefix }, UsesFilter: true),
        new("l2p+eotp+dual", "Learn2PD filter + end-of-text prediction + dual KV cache",
            Learn2Pd, o => o with { EndOfTextPrediction = true, Cache = CacheKind.Dual }, UsesFilter: true),
        new("oracle", "upper bound: commits every prediction that equals the baseline's answer, and decodes only the blocks up to its end of text",
            i => new OraclePolicy([i.Reference ?? throw new InvalidOperationException("the oracle needs the baseline's answer")], i.EndOfText),
            Same, UsesReference: true),
    ];

    public static string ValidNames => string.Join(", ", All.Select(m => m.Name));

    public bool IsBaseline => Name == BaselineName;

    public static EvalMethod Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new Learn2PdException($"--methods: unknown method '{name.Trim()}'; valid methods are {ValidNames} (or 'all')");

    /// <summary>
    /// Parses a comma-separated list (or "all") into methods in run order, without duplicates. The
    /// baseline is always included: speed-up, agreement and the oracle are measured against it.
    /// </summary>
    public static IReadOnlyList<EvalMethod> ParseList(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new Learn2PdException($"--methods is empty; valid methods are {ValidNames} (or 'all')");
        if (names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase))) return All;
        var chosen = names.Select(Find).Append(All[0]).ToHashSet();
        return All.Where(chosen.Contains).ToArray();
    }

    /// <summary>
    /// The oracle's perfect end-of-text prediction: the answer length that covers the reference up to
    /// its first end-of-text, rounded up to whole blocks (blocks past it cost nothing, as after an
    /// end-of-text cut). EoTP itself is off for the oracle: its masked-position rule could cut the
    /// answer short of the reference.
    /// </summary>
    public static int ReferenceLength(long[] reference, long endOfText, int blockLength, int genLength)
    {
        int end = Array.IndexOf(reference, endOfText);
        int used = end < 0 ? reference.Length : end + 1;
        return Math.Clamp((used + blockLength - 1) / blockLength * blockLength, blockLength, genLength);
    }

    /// <summary>The sampler settings of this method at one generation length.</summary>
    public DecodeOptions Options(int genLength, int blockLength, ulong seed) =>
        Configure(new DecodeOptions { GenLength = genLength, BlockLength = blockLength, Steps = genLength, Seed = seed }).Validate();
}
