using Learn2PD.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Support;

#pragma warning disable IDE1006 // field names are checkpoint keys

/// <summary>
/// The parameter tree of the golden tiny LLaDA (d 64, 2 layers, MLP 176, vocab 256), without forward
/// code, built on the meta device. It exercises the three ways a parameter is swapped: Linear setters,
/// <see cref="IReplaceableParameters"/> (norms), and reflection (the embedding table).
/// </summary>
internal sealed class TinyLladaSkeleton : nn.Module
{
    public static readonly Device Meta = torch.device("meta");

    public readonly Level model;

    public TinyLladaSkeleton() : base("LLaDAModelLM")
    {
        model = new Level();
        RegisterComponents();
    }

    internal sealed class Level : nn.Module
    {
        public readonly Transformer transformer = new();

        public Level() : base("LLaDAModel") => RegisterComponents();
    }

    internal sealed class Transformer : nn.Module
    {
        public readonly Table wte = new(256, 64);
        public readonly ModuleList<Block> blocks = new(new Block(), new Block());
        public readonly Norm ln_f = new(64);
        public readonly Linear ff_out = nn.Linear(64, 256, hasBias: false, device: Meta);

        public Transformer() : base("Transformer") => RegisterComponents();
    }

    internal sealed class Block : nn.Module
    {
        public readonly Norm attn_norm = new(64);
        public readonly Linear q_proj = nn.Linear(64, 64, hasBias: false, device: Meta);
        public readonly Linear k_proj = nn.Linear(64, 64, hasBias: false, device: Meta);
        public readonly Linear v_proj = nn.Linear(64, 64, hasBias: false, device: Meta);
        public readonly Linear attn_out = nn.Linear(64, 64, hasBias: false, device: Meta);
        public readonly Norm ff_norm = new(64);
        public readonly Linear ff_proj = nn.Linear(64, 176, hasBias: false, device: Meta);
        public readonly Linear up_proj = nn.Linear(64, 176, hasBias: false, device: Meta);
        public readonly Linear ff_out = nn.Linear(176, 64, hasBias: false, device: Meta);

        public Block() : base("Block") => RegisterComponents();
    }

    /// <summary>A plain parameter field: the loader swaps it by reflection.</summary>
    internal sealed class Table : nn.Module
    {
        public Parameter weight;

        public Table(long count, long dim) : base("Table")
        {
            weight = new Parameter(torch.empty(count, dim, device: Meta));
            RegisterComponents();
        }
    }

    /// <summary>Swaps its own parameter, no reflection needed.</summary>
    internal sealed class Norm : nn.Module, IReplaceableParameters
    {
        public Parameter weight;

        public Norm(long size) : base("Norm")
        {
            weight = new Parameter(torch.empty(size, device: Meta));
            RegisterComponents();
        }

        public void ReplaceParameter(string name, Parameter value)
        {
            if (name != nameof(weight)) throw new ArgumentException($"Norm has no parameter '{name}'", nameof(name));
            weight = value;
            ConditionallyRegisterParameter(name, value);
        }
    }
}
