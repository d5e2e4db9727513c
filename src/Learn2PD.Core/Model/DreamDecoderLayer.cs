using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Core.Model;

/// <summary>
/// One Dream (Qwen2) decoder layer: <c>x += o_proj(attn(input_layernorm(x)))</c>, then
/// <c>x += mlp(post_attention_layernorm(x))</c>; attention is bidirectional, q/k/v have biases.
/// Field names are checkpoint keys (<c>model.layers.N.self_attn.q_proj</c>, <c>model.layers.N.mlp.gate_proj</c>, ...).
/// </summary>
#pragma warning disable IDE1006 // field names are checkpoint keys
public sealed class DreamDecoderLayer : nn.Module
{
    public DreamAttention self_attn;
    public DreamMlp mlp;
    public RmsNorm input_layernorm;
    public RmsNorm post_attention_layernorm;

    public DreamDecoderLayer(ModelConfig config, RotaryEmbedding rope, Device? device, ScalarType? dtype) : base(nameof(DreamDecoderLayer))
    {
        self_attn = new DreamAttention(config, rope, device, dtype);
        mlp = new DreamMlp(config, device, dtype);
        input_layernorm = new RmsNorm(config.DModel, config.RmsNormEps, device, dtype);
        post_attention_layernorm = new RmsNorm(config.DModel, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <param name="x">[B, t, d] hidden states of positions start..start+t-1.</param>
    /// <param name="mask">[B, 1, 1, T_keys] bool, true where a key may be attended; null for all.</param>
    public Tensor Forward(Tensor x, long start, Tensor? mask, KvCache? cache, int layer)
    {
        x = x + self_attn.Forward(input_layernorm.forward(x), start, mask, cache, layer);
        return x + mlp.forward(post_attention_layernorm.forward(x));
    }
}

/// <summary>Qwen2 attention: biased q/k/v, unbiased o_proj (<c>self_attn.*</c>).</summary>
public sealed class DreamAttention : nn.Module
{
    private readonly GroupedQueryAttention attention;

    public Linear q_proj;
    public Linear k_proj;
    public Linear v_proj;
    public Linear o_proj;

    public DreamAttention(ModelConfig config, RotaryEmbedding rope, Device? device, ScalarType? dtype) : base(nameof(DreamAttention))
    {
        attention = new GroupedQueryAttention(config.NHeads, config.NKvHeads, config.HeadDim, rope);
        int d = config.DModel, kvDim = config.NKvHeads * config.HeadDim;
        q_proj = nn.Linear(d, d, hasBias: config.QkvBias, device: device, dtype: dtype);
        k_proj = nn.Linear(d, kvDim, hasBias: config.QkvBias, device: device, dtype: dtype);
        v_proj = nn.Linear(d, kvDim, hasBias: config.QkvBias, device: device, dtype: dtype);
        o_proj = nn.Linear(d, d, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public Tensor Forward(Tensor h, long start, Tensor? mask, KvCache? cache, int layer) =>
        Autocast.Linear(o_proj, attention.Forward(h, q_proj, k_proj, v_proj, start, mask, cache, layer));
}

/// <summary>SwiGLU feed-forward: <c>down_proj(silu(gate_proj x) · up_proj x)</c> (<c>mlp.*</c>).</summary>
public sealed class DreamMlp : nn.Module<Tensor, Tensor>
{
    public Linear gate_proj;
    public Linear up_proj;
    public Linear down_proj;

    public DreamMlp(ModelConfig config, Device? device, ScalarType? dtype) : base(nameof(DreamMlp))
    {
        gate_proj = nn.Linear(config.DModel, config.MlpHiddenSize, hasBias: false, device: device, dtype: dtype);
        up_proj = nn.Linear(config.DModel, config.MlpHiddenSize, hasBias: false, device: device, dtype: dtype);
        down_proj = nn.Linear(config.MlpHiddenSize, config.DModel, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var gateUp = Autocast.Linears(x, gate_proj, up_proj);
        return Autocast.Linear(down_proj, F.silu(gateUp[0]) * gateUp[1]);
    }
}
#pragma warning restore IDE1006
