using Learn2PD.Core.Filter;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Learn2PD: masked positions where sigmoid(filter(block confidences)) &gt; τ_f (strict), OR-ed with the
/// fixed schedule's top-k so a step is never slower than the baseline. The filter reads the fp32
/// confidences of all block positions, committed ones included; a block cut short by end-of-text is
/// zero-padded on the right and the output sliced back, as in the authors' code.
/// </summary>
public sealed class FilterPolicy : ICommitPolicy
{
    private readonly Learn2PdFilter filter;
    private readonly float[] input;

    public FilterPolicy(Learn2PdFilter filter, double acceptThreshold)
    {
        this.filter = filter;
        AcceptThreshold = acceptThreshold;
        input = new float[filter.BlockLength];
    }

    public double AcceptThreshold { get; }

    public void Select(BlockStep step)
    {
        for (int j = 0; j < step.Length; j++) input[j] = (float)step.Confidences[j];
        float[] logits = filter.Logits(input.AsSpan(0, step.Length));
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Masked[j] && Sigmoid(logits[j]) > AcceptThreshold) step.Commit[j] = step.Accepted[j] = true;
        }
        step.CommitTopK(step.ScheduledCount);
    }

    // The reference compares torch.sigmoid of fp32 logits; float arithmetic here keeps that precision.
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
