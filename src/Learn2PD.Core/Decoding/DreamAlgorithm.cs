namespace Learn2PD.Core.Decoding;

/// <summary>
/// Dream's own <c>diffusion_generate</c> algorithms (its <c>alg</c> setting) as parts of the one decode
/// loop: a policy and a confidence on Dream's timestep schedule. Dream runs them over the whole answer
/// at once; here they run over blocks, the whole answer when <c>block_length = gen_length</c>.
/// </summary>
public sealed record DreamAlgorithm(string Name, PolicyKind Policy, ConfidenceKind Confidence, string Description)
{
    public static IReadOnlyList<DreamAlgorithm> All { get; } =
    [
        new("maskgit_plus", PolicyKind.Fixed, ConfidenceKind.Probability, "the most probable masked positions"),
        new("topk_margin", PolicyKind.Fixed, ConfidenceKind.Margin, "the masked positions with the widest top-1/top-2 margin"),
        new("entropy", PolicyKind.Fixed, ConfidenceKind.NegativeEntropy, "the masked positions with the lowest entropy"),
        new("origin", PolicyKind.Origin, ConfidenceKind.Probability, "each masked position at random, with probability 1 − s/t"),
    ];

    /// <summary>The algorithm named <paramref name="name"/> (as Dream spells it), or null.</summary>
    public static DreamAlgorithm? Find(string name) => All.FirstOrDefault(a => a.Name == name.Trim().ToLowerInvariant());

    /// <summary>The shared settings with this algorithm's confidence and Dream's timestep schedule.</summary>
    public DecodeOptions Configure(DecodeOptions options) => options with { Confidence = Confidence, Schedule = ScheduleKind.Timesteps };
}
