using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// Initial weights for training from scratch: N(0, 0.02) everywhere, with the two projections that
/// write into the residual stream scaled by 1/√(2L) (GPT-2 style) so deep stacks start stable; norms at 1,
/// biases at 0. Names are either family's checkpoint keys.
/// </summary>
public static class ModelInit
{
    public static void Initialize(DiffusionModel model, int seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        double residualStd = 0.02 / Math.Sqrt(2.0 * model.Config.NLayers);
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("ln_f.weight", StringComparison.Ordinal))
                p.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                p.zero_();
            else if (WritesResidual(name))
                p.normal_(0, residualStd, generator);
            else
                p.normal_(0, 0.02, generator);
        }
    }

    /// <summary>A layer's attention output or feed-forward down projection (LLaDA: attn_out, ff_out; Dream: o_proj, down_proj).</summary>
    private static bool WritesResidual(string name) =>
        (name.Contains(".blocks.", StringComparison.Ordinal) && (name.EndsWith("attn_out.weight", StringComparison.Ordinal) || name.EndsWith("ff_out.weight", StringComparison.Ordinal)))
        || (name.Contains(".layers.", StringComparison.Ordinal) && (name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal)));
}
