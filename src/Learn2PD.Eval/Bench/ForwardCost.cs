using Learn2PD.Core.Model;

namespace Learn2PD.Eval.Bench;

/// <summary>Floating-point work of one LLaDA forward: matmuls (2 per weight per token) plus attention.</summary>
public static class ForwardCost
{
    /// <summary>FLOPs for a forward over <paramref name="tokens"/> tokens of a batch-1 sequence.</summary>
    public static double Flops(ModelConfig c, long tokens)
    {
        long d = c.DModel, kv = (long)c.NKvHeads * c.HeadDim, h = c.MlpHiddenSize;
        long perLayer = d * d * 2 + d * kv * 2 + 3 * d * h; // q, attn_out, k, v, ff_proj, up_proj, ff_out
        long weights = perLayer * c.NLayers + d * c.EmbeddingSize; // the LM head; the embedding is a lookup
        double attention = 4.0 * tokens * tokens * d * c.NLayers; // QKᵀ and AV, 2 FLOPs per multiply-add
        return 2.0 * weights * tokens + attention;
    }
}
