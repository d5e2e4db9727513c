using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Turns a window of logits into LLaDA's per-position prediction x0 and its confidence.
/// x0 = argmax (with temperature &gt; 0: Gumbel-max in float64, <c>exp(l) / (-log U)^T</c>);
/// confidence = softmax probability of x0, in float64 for fp32/fp64 models as Fast-dLLM does and
/// in fp32 for bf16 models (a float64 copy of a 126k-wide vocabulary buys nothing there), or a
/// uniform random number for <see cref="Remasking.Random"/>.
/// </summary>
internal sealed class TokenPredictor(double temperature, Remasking remasking, Generator? generator)
{
    /// <summary>logits [B, W, V] → x0 and confidence, each flattened row-major to B * W on the CPU.</summary>
    public (long[] Predictions, double[] Confidences) Predict(Tensor logits)
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
        Tensor confidence = remasking == Remasking.Random
            ? rand(x0.shape, dtype: ScalarType.Float64, device: x0.device, generator: generator)
            : scores.softmax(-1).gather(-1, x0.unsqueeze(-1)).squeeze(-1);
        var predictions = x0.to(ScalarType.Int64).cpu().data<long>().ToArray();
        var confidences = confidence.to(ScalarType.Float64).cpu().data<double>().ToArray();
        return (predictions, confidences);
    }
}
