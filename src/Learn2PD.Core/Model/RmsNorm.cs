using TorchSharp;
using TorchSharp.Modules;
using Learn2PD.Core.Checkpoints;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// RMSNorm as LLaDA's RMSLayerNorm and Dream's DreamRMSNorm compute it: statistics in fp32 whatever the model dtype, cast back to the input dtype,
/// then scaled by <c>weight</c> (the reference multiplies after the cast, so bf16 rounding matches).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>, IReplaceableParameters
{
    private readonly double eps;
#pragma warning disable IDE1006 // the field name is the checkpoint key
    public Parameter weight;
#pragma warning restore IDE1006

    public RmsNorm(long size, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(RmsNorm))
    {
        this.eps = eps;
        weight = new Parameter(ones(size, dtype: dtype, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var variance = x32.pow(2).mean([-1], keepdim: true);
        var normed = (x32 * rsqrt(variance + eps)).to(x.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }

    /// <summary>Lets the checkpoint loader swap the meta placeholder for the loaded weight.</summary>
    public void ReplaceParameter(string name, Parameter value)
    {
        if (name != nameof(weight)) throw new ArgumentException($"{nameof(RmsNorm)} has no parameter '{name}'", nameof(name));
        weight = value;
        ConditionallyRegisterParameter(name, value);
    }
}
