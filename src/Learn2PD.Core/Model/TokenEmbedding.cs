using TorchSharp;
using TorchSharp.Modules;
using Learn2PD.Core.Checkpoints;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// The token embedding table (<c>wte.weight</c>, [V, d]). TorchSharp's nn.Embedding initialises its
/// weight on the CPU even when asked for the meta device (18 s for LLaDA-8B's 126464 x 4096 table),
/// so this module allocates directly on the requested device and initialises only real storage.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>, IReplaceableParameters
{
#pragma warning disable IDE1006 // the field name is the checkpoint key
    public Parameter weight;
#pragma warning restore IDE1006

    public TokenEmbedding(long count, long dim, Device? device = null, ScalarType? dtype = null) : base(nameof(TokenEmbedding))
    {
        var table = empty([count, dim], dtype: dtype, device: device);
        if (table.device_type != DeviceType.META)
        {
            using var noGrad = no_grad();
            nn.init.normal_(table);
        }
        weight = new Parameter(table);
        RegisterComponents();
    }

    /// <summary>[B, T] ids → [B, T, d].</summary>
    public override Tensor forward(Tensor ids)
    {
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return weight.index_select(0, ids.reshape(-1)).view(shape);
    }

    /// <summary>Lets the checkpoint loader swap the meta placeholder for the loaded weight.</summary>
    public void ReplaceParameter(string name, Parameter value)
    {
        if (name != nameof(weight)) throw new ArgumentException($"{nameof(TokenEmbedding)} has no parameter '{name}'", nameof(name));
        weight = value;
        ConditionallyRegisterParameter(name, value);
    }
}
