using System.Globalization;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;

namespace Learn2PD.Core.Decoding;

/// <summary>The commit policies a method can use.</summary>
public enum PolicyKind
{
    /// <summary>LLaDA's fixed schedule (<see cref="FixedSchedulePolicy"/>).</summary>
    Fixed,
    /// <summary>Fast-dLLM's confidence threshold τ (<see cref="ThresholdPolicy"/>).</summary>
    Threshold,
    /// <summary>The Learn2PD filter with τ_f (<see cref="FilterPolicy"/>).</summary>
    Filter,
    /// <summary>The oracle that reads the reference answer (<see cref="OraclePolicy"/>).</summary>
    Oracle,
    /// <summary>Dream's <c>origin</c>: each masked position commits with the schedule's probability (<see cref="OriginPolicy"/>).</summary>
    Origin,
}

/// <summary>What a method's policy may need besides its own parameter.</summary>
/// <param name="Filter">The Learn2PD filter and its τ_f (for <see cref="PolicyKind.Filter"/>).</param>
/// <param name="References">Per batch row, the reference answer ids (for <see cref="PolicyKind.Oracle"/>).</param>
/// <param name="EndOfText">The model's end-of-text id (the oracle's padding past a short reference).</param>
/// <param name="Seed">Seeds the draws of a policy that draws (<see cref="PolicyKind.Origin"/>).</param>
public sealed record PolicyInputs(LoadedFilter? Filter = null, IReadOnlyList<long[]>? References = null, long EndOfText = 0, ulong Seed = 0);

/// <summary>
/// A decoding method: a commit policy with its parameter (τ for the threshold, τ_f for the filter;
/// null for the default), end-of-text prediction and a KV cache. <see cref="Name"/> is the family
/// (<c>l2p+eotp+dual</c>), <see cref="Id"/> adds the parameter (<c>l2p+eotp+dual@0.99</c>). Every method
/// keeps the fixed schedule's <c>Steps = GenLength</c> (the filter ORs its top-k in).
/// </summary>
public sealed record DecodingMethod(string Name, string Description, PolicyKind Policy, bool EndOfTextPrediction = false,
    CacheKind Cache = CacheKind.None, double? Parameter = null)
{
    public bool NeedsFilter => Policy == PolicyKind.Filter;
    public bool NeedsReference => Policy == PolicyKind.Oracle;
    /// <summary>Whether the method takes an <c>@</c> parameter (τ or τ_f).</summary>
    public bool HasParameter => Policy is PolicyKind.Threshold or PolicyKind.Filter;

    public string Id => Parameter is { } p ? $"{Name}@{p.ToString(CultureInfo.InvariantCulture)}" : Name;

    /// <summary>The same family with another parameter.</summary>
    public DecodingMethod At(double? parameter) => this with { Parameter = parameter };

    /// <summary>The shared sampler settings with this method's end-of-text prediction and cache.</summary>
    public DecodeOptions Configure(DecodeOptions options) =>
        (options with { EndOfTextPrediction = EndOfTextPrediction, Cache = Cache }).Validate();

    /// <summary>A fresh policy for one decode call.</summary>
    public ICommitPolicy CreatePolicy(PolicyInputs inputs) => Policy switch
    {
        PolicyKind.Threshold => new ThresholdPolicy(Parameter ?? ThresholdPolicy.FastDllmThreshold),
        PolicyKind.Filter => inputs.Filter is { } f
            ? new FilterPolicy(f.Filter, Parameter ?? f.AcceptThreshold)
            : throw new InvalidOperationException($"{Name} needs a filter"),
        PolicyKind.Oracle => new OraclePolicy(inputs.References ?? throw new InvalidOperationException($"{Name} needs reference answers"), inputs.EndOfText),
        PolicyKind.Origin => new OriginPolicy(new SeededUniform(inputs.Seed)),
        _ => new FixedSchedulePolicy(),
    };
}
