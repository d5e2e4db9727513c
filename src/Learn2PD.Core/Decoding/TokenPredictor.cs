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
    /// <summary>What one forward predicts over a window, each array flattened row-major to B * W.</summary>
    public sealed record Window(long[] Predictions, double[] Confidences, double[]? SecondConfidences, double[]? Entropies);

    /// <summary>
    /// logits [B, W, V] → x0 and confidence on the CPU; with distribution features also the runner-up's
    /// probability and the entropy of the softmax (what richer commit rules read besides the confidence).
    /// </summary>
    public Window Predict(Tensor logits)
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
        if (!distribution) return new Window(predictions, confidences, null, null);
        var second = probabilities!.topk(2, -1).values.select(-1, 1);
        var entropy = -(probabilities * probabilities.clamp_min(1e-30).log()).sum(-1); // [B, W] nats
        return new Window(predictions, confidences,
            second.to(ScalarType.Float64).cpu().data<double>().ToArray(), entropy.to(ScalarType.Float64).cpu().data<double>().ToArray());
    }
}
