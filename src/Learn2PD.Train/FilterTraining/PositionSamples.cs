using Learn2PD.Core.Filter;
using Learn2PD.Train.Oracle;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// Label records as a <see cref="PositionFilter"/> learns from them: one row per still-masked position
/// (the only positions a filter decides), its <see cref="PositionFeatures"/>, its label and its raw
/// confidence (what thresholding would read). Created outside any dispose scope; dispose it when done.
/// </summary>
public sealed class PositionSamples : IDisposable
{
    private PositionSamples(Tensor features, Tensor correct, float[] confidences, bool[] labels)
    {
        Features = features;
        Correct = correct;
        Confidences = confidences;
        Labels = labels;
    }

    /// <summary>[M, F] fp32.</summary>
    public Tensor Features { get; }
    /// <summary>[M] fp32, 1 where the prediction equals the reference.</summary>
    public Tensor Correct { get; }
    public float[] Confidences { get; }
    public bool[] Labels { get; }
    public long Count => Labels.Length;

    /// <summary>The masked positions of records that carry the position features (label files written since version 2).</summary>
    /// <param name="endOfText">The label file's end-of-text id (what the text features look for).</param>
    /// <param name="width">How many of the <see cref="PositionFeatures"/> to compute.</param>
    public static PositionSamples From(IEnumerable<LabelRecord> records, long endOfText, int width = PositionFeatures.Count)
    {
        var features = new List<float>();
        var labels = new List<bool>();
        var confidences = new List<float>();
        foreach (var r in records)
        {
            if (r.SecondConfidences is null || r.Entropies is null || r.Stable is null || r.PredictsEndOfText is null)
                throw new Core.Learn2PdException("the label file has no position features (it predates them); record the labels again");
            if (width > PositionFeatures.LeftContextCount && r.Text is null)
                throw new Core.Learn2PdException($"the label file has no block text (recorded before the {PositionFeatures.Count}-feature set); record the labels again, or fit with --features {PositionFeatures.LeftContextCount}");
            int n = r.Confidences.Length;
            var block = new float[n * width];
            PositionFeatures.Compute(new StepView(r.Step, r.PredictsEndOfText, r.Confidences, r.SecondConfidences, r.Entropies, r.Masked, r.Stable, r.Text, endOfText), block, width);
            for (int j = 0; j < n; j++)
            {
                if (!r.Masked[j]) continue;
                features.AddRange(block.AsSpan(j * width, width));
                labels.Add(r.Correct[j]);
                confidences.Add(r.Confidences[j]);
            }
        }
        var x = tensor(features.ToArray(), [labels.Count, width]).DetachFromDisposeScope();
        var y = tensor(labels.Select(l => l ? 1f : 0f).ToArray(), [labels.Count]).DetachFromDisposeScope();
        return new PositionSamples(x, y, confidences.ToArray(), labels.ToArray());
    }

    public void Dispose()
    {
        Features.Dispose();
        Correct.Dispose();
    }
}
