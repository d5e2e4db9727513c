using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Learn2PD.Core.Filter;

/// <summary>
/// The Learn2PD filter: <c>Linear(n, n) → ReLU → Linear(n, n)</c> over the n confidences of a block
/// (committed positions included), one logit per position; n is the block length it was trained
/// for (32 in the paper, 2,112 parameters). Field names follow the authors' state dict.
/// </summary>
public sealed class Learn2PdFilter : nn.Module<Tensor, Tensor>, ICommitFilter
{
#pragma warning disable IDE1006 // field names are the authors' state-dict keys
    public Linear linear1;
    public Linear linear2;
#pragma warning restore IDE1006

    public Learn2PdFilter(int blockLength, Device? device = null) : base(nameof(Learn2PdFilter))
    {
        BlockLength = blockLength;
        linear1 = nn.Linear(blockLength, blockLength, device: device);
        linear2 = nn.Linear(blockLength, blockLength, device: device);
        RegisterComponents();
    }

    public const string KindName = "learn2pd";

    /// <summary>The number of confidences the filter reads (its input width).</summary>
    public int BlockLength { get; }

    public string Kind => KindName;
    int? ICommitFilter.BlockLength => BlockLength;
    public bool ReadsDistribution => false;

    /// <summary>The step's confidences, committed positions included, as the authors' filter reads them.</summary>
    public float[] Logits(Decoding.BlockStep step)
    {
        var confidences = new float[step.Length];
        for (int j = 0; j < step.Length; j++) confidences[j] = (float)step.Confidences[j];
        return Logits(confidences);
    }

    /// <summary>[..., n] fp32 confidences → [..., n] logits.</summary>
    public override Tensor forward(Tensor confidences) =>
        linear2.forward(nn.functional.relu(linear1.forward(confidences)));

    /// <summary>
    /// Logits for one block of up to n confidences. A shorter block (cut by end-of-text) is
    /// zero-padded on the right and the output sliced back, as in the authors' code.
    /// </summary>
    public float[] Logits(ReadOnlySpan<float> confidences)
    {
        if (confidences.Length > BlockLength)
            throw new ArgumentException($"{confidences.Length} confidences for a filter of width {BlockLength}", nameof(confidences));
        var padded = new float[BlockLength];
        confidences.CopyTo(padded);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = forward(tensor(padded, [1, BlockLength]).to(linear1.weight!.device));
        return logits.cpu().data<float>().ToArray()[..confidences.Length];
    }
}
