using Learn2PD.Core.Model;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Train.ModelTraining;

/// <summary>Everything that defines a small arithmetic model's training run (the `train-model` command's settings).</summary>
public sealed record SmallModelRecipe
{
    /// <summary>The module tree and its conventions: LLaDA (the embedded model) or Dream (biased q/k/v, shifted logits).</summary>
    public ModelFamily Architecture { get; init; } = ModelFamily.LLaDA;
    public int DModel { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 8;
    public int MlpHidden { get; init; } = 512;
    public int MaxSequenceLength { get; init; } = 2048;
    public ArithmeticTaskOptions Task { get; init; } = new();
    /// <summary>Each problem carries one drawn wording, so more problems show each question shape in more wordings.</summary>
    public int TrainProblems { get; init; } = 300_000;
    public int ValidationProblems { get; init; } = 32;
    /// <summary>The probe's canvas: 64 holds every answer (≤ 46 tokens) in two blocks at a quarter of gen 128's cost.</summary>
    public int ValidationGenLength { get; init; } = 64;
    public int EvalEvery { get; init; } = 1000;
    public int CheckpointEvery { get; init; } = 250;
    public TrainModelOptions Training { get; init; } = new();
}
