using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// Dream (Qwen2 blocks trained as a masked diffusion LM) as a TorchSharp module tree whose parameter
/// names are the checkpoint keys (<c>model.embed_tokens.weight</c>, <c>model.layers.N.self_attn.q_proj.weight</c>,
/// ..., <c>model.norm.weight</c>, <c>lm_head.weight</c>). Dream was adapted from an autoregressive model,
/// so the output at position i − 1 predicts token i: both forwards return
/// <c>cat(logits[:, :1], logits[:, :-1])</c> over the positions they are fed, and this is the only place
/// that shift happens (decoding, training and evaluation all read aligned logits).
/// </summary>
public sealed class DreamModel : DiffusionModel
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    public DreamBaseModel model;
    public Linear? lm_head;
#pragma warning restore IDE1006

    /// <summary>Builds the module; on the meta device nothing is allocated (weights come from a checkpoint).</summary>
    public DreamModel(ModelConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(DreamModel), config)
    {
        model = new DreamBaseModel(config, device, dtype);
        lm_head = config.WeightTying ? null : nn.Linear(config.DModel, config.EmbeddingSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override ScalarType DType => model.embed_tokens.weight.dtype;
    public override Device Device => model.embed_tokens.weight.device;

    public override Tensor Forward(Tensor inputIds, Tensor? keyMask = null) => Logits(inputIds, 0, keyMask, null);

    public override Tensor Forward(Tensor inputIds, long start, KvCache cache, Tensor? keyMask = null) => Logits(inputIds, start, keyMask, cache);

    internal override void PlaceOn(Device device) => model.PlaceRotaryTables(device);

    private Tensor Logits(Tensor inputIds, long start, Tensor? keyMask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Forward(inputIds, start, AttentionMask(keyMask), cache);       // [B, t, d]
        var logits = Autocast.Linear(hidden, lm_head?.weight ?? model.embed_tokens.weight); // [B, t, V]
        // Position i reads the output at i − 1; the chunk's first position keeps its own.
        var shifted = logits.shape[1] == 1 ? logits : cat([logits.narrow(1, 0, 1), logits.narrow(1, 0, logits.shape[1] - 1)], 1);
        return shifted.MoveToOuterDisposeScope();
    }
}

/// <summary>Embedding, decoder layers and final norm: <c>model.*</c> (DreamBaseModel in the reference).</summary>
public sealed class DreamBaseModel : nn.Module
{
    private readonly RotaryEmbedding rope;

#pragma warning disable IDE1006
    public TokenEmbedding embed_tokens;
    public ModuleList<DreamDecoderLayer> layers;
    public RmsNorm norm;
#pragma warning restore IDE1006

    public DreamBaseModel(ModelConfig config, Device? device, ScalarType? dtype) : base(nameof(DreamBaseModel))
    {
        rope = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.MaxSequenceLength, device);
        embed_tokens = new TokenEmbedding(config.EmbeddingSize, config.DModel, device, dtype);
        layers = new ModuleList<DreamDecoderLayer>(
            Enumerable.Range(0, config.NLayers).Select(_ => new DreamDecoderLayer(config, rope, device, dtype)).ToArray());
        norm = new RmsNorm(config.DModel, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    internal void PlaceRotaryTables(Device device) => rope.MoveTo(device);

    /// <param name="mask">[B, 1, 1, T_keys] bool, or null for every key.</param>
    /// <returns>[B, t, d] final hidden states of positions start..start+t-1.</returns>
    internal Tensor Forward(Tensor inputIds, long start, Tensor? mask, KvCache? cache)
    {
        var x = embed_tokens.forward(inputIds);
        for (int i = 0; i < layers.Count; i++) x = layers[i].Forward(x, start, mask, cache, i);
        return norm.forward(x);
    }
}
