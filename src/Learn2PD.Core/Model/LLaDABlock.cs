using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Core.Model;

/// <summary>
/// One LLaDA "llama" block: pre-norm bidirectional attention, then a SwiGLU feed-forward.
/// <c>h = attn_norm(x); x += attn_out(SDPA(rope(q_proj h), rope(k_proj h), v_proj h))</c>;
/// <c>h = ff_norm(x); x += ff_out(silu(ff_proj h) * up_proj h)</c>. Field names are checkpoint keys.
/// </summary>
#pragma warning disable IDE1006 // field names are checkpoint keys
public sealed class LLaDABlock : nn.Module
{
    private readonly GroupedQueryAttention attention;

    public RmsNorm attn_norm;
    public Linear q_proj;
    public Linear k_proj;
    public Linear v_proj;
    public Linear attn_out;
    public RmsNorm ff_norm;
    public Linear ff_proj;
    public Linear up_proj;
    public Linear ff_out;

    public LLaDABlock(ModelConfig config, RotaryEmbedding rope, Device? device, ScalarType? dtype) : base(nameof(LLaDABlock))
    {
        attention = new GroupedQueryAttention(config.NHeads, config.NKvHeads, config.HeadDim, rope);
        int d = config.DModel, kvDim = config.NKvHeads * config.HeadDim, hidden = config.MlpHiddenSize;
        attn_norm = new RmsNorm(d, config.RmsNormEps, device, dtype);
        q_proj = nn.Linear(d, d, hasBias: false, device: device, dtype: dtype);
        k_proj = nn.Linear(d, kvDim, hasBias: false, device: device, dtype: dtype);
        v_proj = nn.Linear(d, kvDim, hasBias: false, device: device, dtype: dtype);
        attn_out = nn.Linear(d, d, hasBias: false, device: device, dtype: dtype);
        ff_norm = new RmsNorm(d, config.RmsNormEps, device, dtype);
        ff_proj = nn.Linear(d, hidden, hasBias: false, device: device, dtype: dtype);
        up_proj = nn.Linear(d, hidden, hasBias: false, device: device, dtype: dtype);
        ff_out = nn.Linear(hidden, d, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <param name="x">[B, t, d] hidden states of positions start..start+t-1.</param>
    /// <param name="keyMask">[B, 1, 1, T_keys] bool, true where a key may be attended; null for all.</param>
    public Tensor Forward(Tensor x, long start, Tensor? keyMask, KvCache? cache, int layer)
    {
        var h = attn_norm.forward(x);
        x = x + Autocast.Linear(attn_out, attention.Forward(h, q_proj, k_proj, v_proj, start, keyMask, cache, layer));

        h = ff_norm.forward(x);
        var gateUp = Autocast.Linears(h, ff_proj, up_proj);
        var gated = F.silu(gateUp[0]) * gateUp[1];
        return x + Autocast.Linear(ff_out, gated);
    }
}
#pragma warning restore IDE1006
