using Learn2PD.Core.Model;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// How each family's reference samplers read a forward where LLaDA's and Dream's differ, so that every
/// method (baseline, threshold, l2p, +eotp, caches) decodes a model the way its family's reference does,
/// and label recording and filters agree with it. Explicit <see cref="DecodeOptions"/> settings win.
/// </summary>
/// <param name="Confidence">What ranks positions and what a filter reads (LLaDA: the probability; Dream: the Learn2PD authors' σ(negative entropy)).</param>
/// <param name="Schedule">How many positions a step commits (LLaDA: linear; Dream: timesteps).</param>
/// <param name="BlockStartCommitsFirstPosition">
/// With a cache, the block-start forward commits the block's first position and nothing else: later
/// forwards over the block cannot predict it, since a Dream position reads its left neighbour's output.
/// </param>
/// <param name="FirstEndOfTextEnds">
/// End-of-text prediction as the authors' Dream sampler does it, after the commit: the answer ends after
/// its first end-of-text token, else after the most confident masked block position predicting one
/// (<see cref="DreamEndOfTextPredictor"/>); LLaDA's is <see cref="EndOfTextPredictor"/>.
/// </param>
public sealed record SamplingConventions(ConfidenceKind Confidence, ScheduleKind Schedule, bool BlockStartCommitsFirstPosition, bool FirstEndOfTextEnds)
{
    public static SamplingConventions LLaDA { get; } = new(ConfidenceKind.Probability, ScheduleKind.Linear, false, false);
    public static SamplingConventions Dream { get; } = new(ConfidenceKind.SigmoidNegativeEntropy, ScheduleKind.Timesteps, true, true);

    public static SamplingConventions For(ModelFamily family) => family == ModelFamily.Dream ? Dream : LLaDA;
}
