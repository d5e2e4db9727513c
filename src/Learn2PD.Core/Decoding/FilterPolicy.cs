using Learn2PD.Core.Filter;
using static TorchSharp.torch;

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
        Array.Clear(input);
        for (int j = 0; j < step.Length; j++) input[j] = (float)step.Confidences[j];
        float[] probabilities = Accept(input);
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Masked[j] && probabilities[j] > AcceptThreshold) step.Commit[j] = step.Accepted[j] = true;
        }
        step.CommitTopK(step.ScheduledCount);
    }

    /// <summary>sigmoid(filter(confidences)) for one zero-padded block.</summary>
    private float[] Accept(float[] confidences)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(confidences, [1, confidences.Length]);
        return filter.forward(x).sigmoid().data<float>().ToArray();
    }
}
