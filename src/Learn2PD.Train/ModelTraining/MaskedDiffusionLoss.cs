using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// LLaDA's supervised masked-diffusion objective. The prompt is never masked; each answer token
/// (end-of-text padding included) is masked with probability t, t ~ U(ε, 1] per sample; the loss is
/// the cross-entropy on masked answer tokens weighted by 1/t, averaged over each sample's answer
/// length and then over the batch (LLaDA's SFT normalisation). Positions a batch marks clean are never
/// masked; positions it marks hidden are always masked and weigh as if t were 1.
/// </summary>
public static class MaskedDiffusionLoss
{
    private const double Eps = 1e-3;

    /// <param name="ids">[B, T] clean token ids.</param>
    /// <param name="answerMask">[B, T] bool, true on answer positions (after the prompt).</param>
    /// <param name="clean">[B, T] bool, answer positions never masked; null for none.</param>
    /// <param name="hidden">[B, T] bool, answer positions always masked; null for none.</param>
    public static Tensor Compute(Func<Tensor, Tensor> model, Tensor ids, Tensor answerMask, int maskTokenId, Generator? generator = null,
        Tensor? clean = null, Tensor? hidden = null)
    {
        long b = ids.shape[0], t = ids.shape[1];
        var device = ids.device;
        var pMask = (1 - Eps) * rand([b, 1], generator: generator, device: device) + Eps;          // [B, 1]
        var noised = rand([b, t], generator: generator, device: device).lt(pMask).logical_and(answerMask); // [B, T]
        if (clean is not null) noised = noised.logical_and(clean.logical_not());
        if (hidden is not null) noised = noised.logical_and(hidden.logical_not());
        var masked = hidden is null ? noised : noised.logical_or(hidden);
        var noisy = where(masked, full_like(ids, maskTokenId), ids);

        var logits = model(noisy);                                                             // [B, T, V]
        var tokenLoss = F.cross_entropy(logits[masked], ids[masked], reduction: nn.Reduction.None); // [M]
        var answerLength = answerMask.sum(1, keepdim: true, type: ScalarType.Float32).expand(b, t);   // [B, T]
        var rate = hidden is null ? pMask.expand(b, t) : where(hidden, ones_like(answerLength), pMask.expand(b, t));
        var weight = (1.0 / (rate * answerLength))[masked];
        return (tokenLoss.to(ScalarType.Float32) * weight).sum() / b;
    }
}
