using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Turns a window of logits into LLaDA's per-position prediction x0 and its confidence.
/// x0 = argmax (with temperature &gt; 0: Gumbel-max in float64, <c>exp(l) / (-log U)^T</c>);
/// confidence = softmax probability of x0, in float64 for fp32/fp64 models as Fast-dLLM does and
/// in fp32 for bf16 models (a float64 copy of a 126k-wide vocabulary buys nothing there), or a
/// uniform random number for <see cref="Remasking.Random"/>.
/// </summary>
internal sealed class TokenPredictor(double temperature, Remasking remasking, Generator? generator, bool distribution)
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
        var scores = logits.to(probabilityType);
        Tensor x0;
        if (temperature > 0)
        {
            var wide = logits.to(ScalarType.Float64);
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
            : probabilities!.gather(-1, x0.unsqueeze(-1)).squeeze(-1);
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
}
