using Learn2PD.Train.Oracle;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// Label records as the fit reads them: one row per record, n = block length columns.
/// Created outside any dispose scope; dispose it when done.
/// </summary>
public sealed class LabelTensors : IDisposable
{
    private LabelTensors(Tensor confidences, Tensor correct, Tensor masked)
    {
        Confidences = confidences;
        Correct = correct;
        Masked = masked;
    }

    /// <summary>[N, n] fp32: the filter's input.</summary>
    public Tensor Confidences { get; }
    /// <summary>[N, n] fp32, 1 where the prediction equals the reference: the target.</summary>
    public Tensor Correct { get; }
    /// <summary>[N, n] bool, true where the position was still masked (what a filter decides at decode time).</summary>
    public Tensor Masked { get; }

    public long Count => Confidences.shape[0];

    public static LabelTensors From(IEnumerable<PromptLabels> prompts, int blockLength) =>
        From(prompts.SelectMany(p => p.Records), blockLength);

    public static LabelTensors From(IEnumerable<LabelRecord> records, int blockLength)
    {
        var list = records as IReadOnlyList<LabelRecord> ?? records.ToArray();
        var x = new float[list.Count * blockLength];
        var y = new float[list.Count * blockLength];
        var m = new bool[list.Count * blockLength];
        for (int i = 0; i < list.Count; i++)
        {
            var r = list[i];
            if (r.Confidences.Length != blockLength)
                throw new ArgumentException($"record {i} has {r.Confidences.Length} positions, expected {blockLength}", nameof(records));
            for (int j = 0; j < blockLength; j++)
            {
                x[i * blockLength + j] = r.Confidences[j];
                y[i * blockLength + j] = r.Correct[j] ? 1f : 0f;
                m[i * blockLength + j] = r.Masked[j];
            }
        }
        long[] shape = [list.Count, blockLength];
        return new LabelTensors(tensor(x, shape).DetachFromDisposeScope(), tensor(y, shape).DetachFromDisposeScope(),
            tensor(m, shape).DetachFromDisposeScope());
    }

    /// <summary>The authors' filter on these records: its probabilities, the labels and the raw confidences, at the masked positions only.</summary>
    public (float[] Probabilities, bool[] Labels, float[] Confidences) MaskedScores(Core.Filter.Learn2PdFilter filter)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probabilities = filter.forward(Confidences).sigmoid().masked_select(Masked).data<float>().ToArray();
        var labels = Correct.masked_select(Masked).data<float>().Select(v => v > 0.5f).ToArray();
        var confidences = Confidences.masked_select(Masked).data<float>().ToArray();
        return (probabilities, labels, confidences);
    }

    public void Dispose()
    {
        Confidences.Dispose();
        Correct.Dispose();
        Masked.Dispose();
    }
}
