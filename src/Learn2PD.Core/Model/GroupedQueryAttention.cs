using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Core.Model;

/// <summary>
/// The attention both families compute, up to the output projection: q, k and v projections (with
/// biases when the layers have them), RoPE on q and k at absolute positions, the KV cache's update,
/// each key/value head shared by <c>heads / kv_heads</c> consecutive query heads (<c>repeat_interleave</c>,
/// as the references' <c>repeat_kv</c>), and bidirectional SDPA with scale 1/√d.
/// </summary>
internal sealed class GroupedQueryAttention(int heads, int kvHeads, int headDim, RotaryEmbedding rope)
{
    /// <param name="h">[B, t, d] normed hidden states of positions start..start+t-1.</param>
    /// <param name="keyMask">[B, 1, 1, T_keys] bool, true where a key may be attended; null for all.</param>
    /// <returns>[B, t, heads · head_dim], before the output projection.</returns>
    public Tensor Forward(Tensor h, Linear q_proj, Linear k_proj, Linear v_proj, long start, Tensor? keyMask, KvCache? cache, int layer)
    {
        long b = h.shape[0], t = h.shape[1];
        var qkv = Autocast.Linears(h, q_proj, k_proj, v_proj);
        var q = rope.Apply(qkv[0].view(b, t, heads, headDim).transpose(1, 2), start);   // [B, H, t, D]
        var k = rope.Apply(qkv[1].view(b, t, kvHeads, headDim).transpose(1, 2), start); // [B, Hkv, t, D]
        var v = qkv[2].view(b, t, kvHeads, headDim).transpose(1, 2);                    // [B, Hkv, t, D]

        if (cache is not null) (k, v) = cache.Update(layer, start, k, v);

        if (kvHeads != heads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        var att = F.scaled_dot_product_attention(q, k, v, attn_mask: keyMask);      // [B, H, t, D]
        return att.transpose(1, 2).reshape(b, t, heads * headDim);
    }
}
