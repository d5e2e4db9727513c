using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// LLaDA as a TorchSharp module tree whose parameter names are the checkpoint keys
/// (<c>model.transformer.wte.weight</c>, <c>model.transformer.blocks.N.q_proj.weight</c>, ...,
/// <c>model.transformer.ff_out.weight</c>), so state dicts load without translation.
/// </summary>
public sealed class LLaDAModelLM : DiffusionModel
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    public LLaDAModel model;
#pragma warning restore IDE1006

    /// <summary>Builds the module; on the meta device nothing is allocated (weights come from a checkpoint).</summary>
    public LLaDAModelLM(ModelConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(LLaDAModelLM), config)
    {
        model = new LLaDAModel(config, device, dtype);
        RegisterComponents();
    }

    public override ScalarType DType => model.transformer.wte.weight.dtype;
    public override Device Device => model.transformer.wte.weight.device;

    /// <summary>Logits [B, T, embedding_size] for token ids [B, T] (plain bidirectional forward).</summary>
    public override Tensor Forward(Tensor inputIds, Tensor? keyMask = null) =>
        model.transformer.Forward(inputIds, 0, AttentionMask(keyMask), null);

    public override Tensor Forward(Tensor inputIds, long start, KvCache cache, Tensor? keyMask = null) =>
        model.transformer.Forward(inputIds, start, AttentionMask(keyMask), cache);

    internal override void PlaceOn(Device device) => model.transformer.PlaceRotaryTables(device);
}

/// <summary>The <c>model</c> level of the checkpoint hierarchy (LLaDAModel in the reference).</summary>
public sealed class LLaDAModel : nn.Module
{
#pragma warning disable IDE1006
    public Transformer transformer;
#pragma warning restore IDE1006

    public LLaDAModel(ModelConfig config, Device? device, ScalarType? dtype) : base(nameof(LLaDAModel))
    {
        transformer = new Transformer(config, device, dtype);
        RegisterComponents();
    }
}

/// <summary>Embedding, blocks, final norm and LM head: <c>model.transformer.*</c>.</summary>
public sealed class Transformer : nn.Module
{
    private readonly ModelConfig config;
    private readonly RotaryEmbedding rope;

#pragma warning disable IDE1006
    public TokenEmbedding wte;
    public ModuleList<LLaDABlock> blocks;
    public RmsNorm ln_f;
    public Linear? ff_out;
#pragma warning restore IDE1006

    public Transformer(ModelConfig config, Device? device, ScalarType? dtype) : base(nameof(Transformer))
    {
        this.config = config;
        rope = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.MaxSequenceLength, device);
        wte = new TokenEmbedding(config.EmbeddingSize, config.DModel, device, dtype);
        blocks = new ModuleList<LLaDABlock>(
            Enumerable.Range(0, config.NLayers).Select(_ => new LLaDABlock(config, rope, device, dtype)).ToArray());
        ln_f = new RmsNorm(config.DModel, config.RmsNormEps, device, dtype);
        ff_out = config.WeightTying ? null : nn.Linear(config.DModel, config.EmbeddingSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>The RoPE tables follow the weights when a checkpoint is loaded onto a device.</summary>
    internal void PlaceRotaryTables(Device device) => rope.MoveTo(device);

    /// <param name="mask">[B, 1, 1, T_keys] bool, or null for every key.</param>
    internal Tensor Forward(Tensor inputIds, long start, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var x = wte.forward(inputIds);                                     // [B, t, d]
        for (int i = 0; i < blocks.Count; i++) x = blocks[i].Forward(x, start, mask, cache, i);
        x = ln_f.forward(x);
        var logits = Autocast.Linear(x, ff_out?.weight ?? wte.weight); // [B, t, V]; a tied head reuses wte
        return logits.MoveToOuterDisposeScope();
    }
}
