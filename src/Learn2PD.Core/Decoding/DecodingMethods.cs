using System.Globalization;
using Learn2PD.Core.Model;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// The registry of decoding methods by name: what <c>decode</c>, <c>eval</c>, <c>bench</c> and the tests
/// mean by <c>threshold+dual</c> or <c>l2p+eotp</c>. Adding a method is one line here.
/// </summary>
public static class DecodingMethods
{
    public const string BaselineName = "baseline";

    /// <summary>Every method family, in the order benchmarks run and report them.</summary>
    public static IReadOnlyList<DecodingMethod> All { get; } =
    [
        new(BaselineName, "LLaDA's fixed schedule, one token per step (the reference for speed-up and agreement)", PolicyKind.Fixed),
        new("eotp", "fixed schedule + end-of-text prediction", PolicyKind.Fixed, EndOfTextPrediction: true),
        new("threshold", $"Fast-dLLM parallel decoding, confidence ≥ τ (default {ThresholdPolicy.FastDllmThreshold})", PolicyKind.Threshold),
        new("threshold+eotp", "Fast-dLLM threshold + end-of-text prediction", PolicyKind.Threshold, EndOfTextPrediction: true),
        new("threshold+prefix", "Fast-dLLM threshold with the prefix KV cache", PolicyKind.Threshold, Cache: CacheKind.Prefix),
        new("threshold+dual", "Fast-dLLM threshold with the dual KV cache", PolicyKind.Threshold, Cache: CacheKind.Dual),
        new("threshold+eotp+dual", "Fast-dLLM threshold + end-of-text prediction + dual KV cache", PolicyKind.Threshold, EndOfTextPrediction: true, Cache: CacheKind.Dual),
        new("l2p", "Learn2PD filter (sigmoid > τ_f) OR-ed with the fixed schedule", PolicyKind.Filter),
        new("l2p+eotp", "Learn2PD filter + end-of-text prediction", PolicyKind.Filter, EndOfTextPrediction: true),
        new("l2p+eotp+prefix", "Learn2PD filter + end-of-text prediction + prefix KV cache", PolicyKind.Filter, EndOfTextPrediction: true, Cache: CacheKind.Prefix),
        new("l2p+eotp+dual", "Learn2PD filter + end-of-text prediction + dual KV cache", PolicyKind.Filter, EndOfTextPrediction: true, Cache: CacheKind.Dual),
        new("oracle", "upper bound: commits every prediction that equals the baseline's answer", PolicyKind.Oracle),
    ];

    public static DecodingMethod Baseline => All[0];

    public static string ValidNames => string.Join(", ", All.Select(m => m.Name));

    /// <summary>The family named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static DecodingMethod? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>A method as written on a command line: a family name, optionally with <c>@τ</c> (threshold) or <c>@τ_f</c> (filter).</summary>
    public static DecodingMethod Parse(string text, string option = "--methods")
    {
        string[] parts = text.Trim().Split('@');
        var method = Find(parts[0]) ?? throw new Learn2PdException($"{option}: unknown method '{parts[0].Trim()}'; valid methods are {ValidNames}");
        if (parts.Length == 1) return method;
        if (parts.Length > 2 || !method.HasParameter)
            throw new Learn2PdException($"{option}: '{text.Trim()}': {(method.HasParameter ? "one @ parameter at most" : $"method {method.Name} takes no @ parameter")}");
        if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !IsParameter(value))
            throw new Learn2PdException($"{option}: '{text.Trim()}': the parameter after @ must be a number in (0, 1]");
        return method.At(value);
    }

    /// <summary>
    /// A method's parameter (τ or τ_f) lies in (0, 1]: a confidence or filter probability above it commits,
    /// so 1 commits nothing beyond the schedule's top-k and 0 would commit everything.
    /// </summary>
    public static double CheckParameter(double value, string where) =>
        IsParameter(value) ? value
            : throw new Learn2PdException($"{where} must be in (0, 1] (got {value.ToString(CultureInfo.InvariantCulture)})");

    /// <summary>The (0, 1] rule itself; NaN fails it.</summary>
    private static bool IsParameter(double value) => value is > 0 and <= 1;

    /// <summary>
    /// The method of a policy with end-of-text prediction and a cache, as <c>decode</c>'s flags combine them:
    /// the registered family when there is one, otherwise one named after its parts (e.g. <c>fixed+dual</c>).
    /// </summary>
    public static DecodingMethod Compose(PolicyKind policy, bool endOfTextPrediction, CacheKind cache, double? parameter = null)
    {
        var known = All.FirstOrDefault(m => m.Policy == policy && m.EndOfTextPrediction == endOfTextPrediction && m.Cache == cache);
        if (known is not null) return known.At(policy is PolicyKind.Threshold or PolicyKind.Filter ? parameter : null);
        string name = PolicyName(policy) + (endOfTextPrediction ? "+eotp" : "") + (cache == CacheKind.None ? "" : "+" + cache.ToString().ToLowerInvariant());
        return new DecodingMethod(name, name, policy, endOfTextPrediction, cache, policy is PolicyKind.Threshold or PolicyKind.Filter ? parameter : null);
    }

    /// <summary>The policy's name on the command line (<c>decode --policy</c>).</summary>
    public static string PolicyName(PolicyKind policy) => policy switch
    {
        PolicyKind.Threshold => "threshold",
        PolicyKind.Filter => "l2p",
        PolicyKind.Oracle => "oracle",
        PolicyKind.Origin => "origin",
        _ => "fixed",
    };
}
