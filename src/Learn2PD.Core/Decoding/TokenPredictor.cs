using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Turns a window of logits into the per-position prediction x0 and its confidence.
/// x0 = argmax (with temperature &gt; 0: Gumbel-max in float64, <c>exp(l) / (-log U)^T</c>);
/// confidence (<see cref="ConfidenceKind"/>) from the softmax, in float64 for fp32/fp64 models as Fast-dLLM
/// does and in fp32 for bf16 models (a float64 copy of a 126k-wide vocabulary buys nothing there), or a
/// uniform random number for <see cref="Remasking.Random"/>. Dream's top-p and top-k set the dropped
/// logits to fp32's lowest value first, so they change the softmax (and the confidence), not the argmax.
/// </summary>
internal sealed class TokenPredictor(double temperature, Remasking remasking, Generator? generator, bool distribution,
    ConfidenceKind confidenceKind = ConfidenceKind.Probability, double? topP = null, int? topK = null)
{
    /// <summary>
    /// What one forward predicts over a window: predictions and confidences flattened row-major to B * W,
    /// the distribution features to B * <see cref="DistributionWidth"/> (the window's first positions).
    /// </summary>
    public sealed record Window(long[] Predictions, double[] Confidences, double[]? SecondConfidences, double[]? Entropies, int DistributionWidth);

    /// <summary>
    /// logits [B, W, V] → x0 and confidence on the CPU; with distribution features also the runner-up's
    /// probability and the entropy of the softmax (what richer commit rules read besides the confidence),
    /// for the first <paramref name="distributionWidth"/> positions only: the block a policy reads, while
    /// end-of-text prediction reads x0 and confidence over the rest of a cache-free window (the entropy's
    /// log over a 256-position window cost ~0.7 ms a step, more than the rest of the step's bookkeeping).
    /// </summary>
    public Window Predict(Tensor logits, int distributionWidth)
    {
        using var scope = NewDisposeScope();
        var probabilityType = logits.dtype is ScalarType.Float32 or ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        bool filtered = topP is < 1 || topK is not null;
        var scores = filtered ? Filter(logits.to(probabilityType)) : logits.to(probabilityType);
        Tensor x0;
        if (temperature > 0)
        {
            var wide = (filtered ? scores : logits).to(ScalarType.Float64);
            var uniform = rand(wide.shape, dtype: ScalarType.Float64, device: wide.device, generator: generator);
            x0 = (wide.exp() / (-uniform.log()).pow(temperature)).argmax(-1);
        }
        else
        {
            x0 = logits.argmax(-1);
        }
        var probabilities = remasking == Remasking.LowConfidence || distribution ? scores.softmax(-1) : null;
        Tensor confidence = remasking == Remasking.Random
            ? rand(x0.shape, dtype: ScalarType.Float64, device: x0.device, generator: generator)
            : Confidence(probabilities!, x0);
        var predictions = x0.to(ScalarType.Int64).cpu().data<long>().ToArray();
        var confidences = confidence.to(ScalarType.Float64).cpu().data<double>().ToArray();
        if (!distribution) return new Window(predictions, confidences, null, null, 0);
        int width = (int)Math.Min(distributionWidth, logits.shape[1]);
        var block = probabilities!.narrow(1, 0, width);
        var second = block.topk(2, -1).values.select(-1, 1);
        var entropy = -(block * block.clamp_min(1e-30).log()).sum(-1); // [B, width] nats
        return new Window(predictions, confidences,
            second.to(ScalarType.Float64).cpu().data<double>().ToArray(), entropy.to(ScalarType.Float64).cpu().data<double>().ToArray(), width);
    }

    /// <summary>[B, W, V] probabilities and [B, W] x0 → [B, W] confidences of <see cref="ConfidenceKind"/>.</summary>
    private Tensor Confidence(Tensor probabilities, Tensor x0)
    {
        switch (confidenceKind)
        {
            case ConfidenceKind.Margin:
                var top = probabilities.topk(2, -1).values;
                return top.select(-1, 0) - top.select(-1, 1);
            case ConfidenceKind.NegativeEntropy:
                return NegativeEntropy(probabilities);
            case ConfidenceKind.SigmoidNegativeEntropy:
                return NegativeEntropy(probabilities).sigmoid();
            default:
                return probabilities.gather(-1, x0.unsqueeze(-1)).squeeze(-1);
        }
    }

    /// <summary>Dream's <c>Σ p·log(p + 1e−10)</c> (its epsilon, not a clamp, so the values are the reference's).</summary>
    private static Tensor NegativeEntropy(Tensor probabilities) => (probabilities * (probabilities + 1e-10).log()).sum(-1);

    /// <summary>Dream's <c>top_p_logits</c> then <c>top_k_logits</c>: dropped entries become fp32's lowest value.</summary>
    private Tensor Filter(Tensor scores)
    {
        if (topP is double p && p < 1)
        {
            var (sorted, order) = scores.sort(-1, descending: true);
            var outside = sorted.softmax(-1).cumsum(-1).gt(p);
            // Shifted right by one: the token that crosses p stays, and so does the most likely one.
            long v = outside.shape[^1];
            outside = cat([zeros_like(outside.narrow(-1, 0, 1)), outside.narrow(-1, 0, v - 1)], -1);
            scores = scores.masked_fill(zeros_like(outside).scatter(-1, order, outside), float.MinValue);
        }
        if (topK is int k)
        {
            var kth = scores.topk(Math.Min(k, (int)scores.shape[^1]), -1).values.narrow(-1, Math.Min(k, (int)scores.shape[^1]) - 1, 1);
            scores = scores.masked_fill(scores.lt(kth), float.MinValue);
        }
        return scores;
    }
}
