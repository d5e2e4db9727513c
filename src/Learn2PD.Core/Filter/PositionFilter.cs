using Learn2PD.Core.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Learn2PD.Core.Filter;

/// <summary>
/// A per-position filter: <c>Linear(F, H) → ReLU → Linear(H, H) → ReLU → Linear(H, 1)</c> over each block
/// position's <see cref="PositionFeatures"/>, the same weights at every position, so it works at any
/// block length (the authors' filter reads one fixed-width vector of confidences). Kind "position".
/// </summary>
public sealed class PositionFilter : nn.Module<Tensor, Tensor>, ICommitFilter
{
    public const string KindName = "position";
    public const int DefaultHidden = 32;

#pragma warning disable IDE1006 // field names are the state-dict keys
    public Linear fc1;
    public Linear fc2;
    public Linear @out;
#pragma warning restore IDE1006

    /// <param name="features">How many of the <see cref="PositionFeatures"/> it reads (<see cref="PositionFeatures.IsWidth"/>).</param>
    public PositionFilter(int hidden = DefaultHidden, int features = PositionFeatures.Count, Device? device = null) : base(nameof(PositionFilter))
    {
        if (!PositionFeatures.IsWidth(features)) throw new ArgumentOutOfRangeException(nameof(features), features, "not a position feature set");
        Features = features;
        fc1 = nn.Linear(features, hidden, device: device);
        fc2 = nn.Linear(hidden, hidden, device: device);
        @out = nn.Linear(hidden, 1, device: device);
        RegisterComponents();
    }

    public string Kind => KindName;
    public int? BlockLength => null;
    public bool ReadsDistribution => true;
    public bool GuardsCommits => true;
    public int Hidden => (int)fc1.weight!.shape[0];
    public int Features { get; }

    /// <summary>[..., F] features → [...] logits.</summary>
    public override Tensor forward(Tensor features) =>
        @out.forward(nn.functional.relu(fc2.forward(nn.functional.relu(fc1.forward(features))))).squeeze(-1);

    public float[] Logits(BlockStep step)
    {
        int n = step.Length;
        var eot = new bool[n];
        var text = PositionFeatures.BlockText(step.Predictions.AsSpan(0, n), step.Masked.AsSpan(0, n), step.Tokens.AsSpan(0, n));
        var (confidences, second, entropies) = (new float[n], new float[n], new float[n]);
        for (int j = 0; j < n; j++)
        {
            eot[j] = step.Predictions[j] == step.EndOfText;
            (confidences[j], second[j], entropies[j]) = ((float)step.Confidences[j], (float)step.SecondConfidences[j], (float)step.Entropies[j]);
        }
        var features = new float[n * Features];
        PositionFeatures.Compute(new StepView(step.Step, eot, confidences, second, entropies, step.Masked.AsSpan(0, n), step.Stable.AsSpan(0, n), text, step.EndOfText), features, Features);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return forward(tensor(features, [n, Features])).data<float>().ToArray();
    }
}
