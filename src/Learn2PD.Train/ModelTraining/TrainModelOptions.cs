namespace Learn2PD.Train.ModelTraining;

/// <summary>Settings of a from-scratch training run of a small model (validated by the CLI).</summary>
public sealed record TrainModelOptions
{
    public int Steps { get; init; } = 6500;
    public double LearningRate { get; init; } = 1.5e-3;
    public double MinLearningRate { get; init; } = 1e-4;
    public int WarmupSteps { get; init; } = 300;
    public double WeightDecay { get; init; } = 0.01;
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Tokens per batch; rows = this / sequence length, so long-padding batches hold fewer rows.</summary>
    public int TokensPerBatch { get; init; } = 8192;
    /// <summary>Short batches pad answers with up to this many end-of-text tokens past the longest answer.</summary>
    public int ShortSlack { get; init; } = 32;
    /// <summary>Short batches hold rows of neighbouring lengths, padded 0..<see cref="ShortSlack"/> past their own longest row.</summary>
    public bool GroupByLength { get; init; }
    /// <summary>The longest generation length a long-padding batch uses.</summary>
    public int LongGenLength { get; init; } = 1024;
    /// <summary>Share of batches padded to a long generation length (log-uniform up to <see cref="LongGenLength"/>).</summary>
    public double LongFraction { get; init; } = 0.3;
    /// <summary>Share of batches whose canvas ends 0..<see cref="TightSlack"/> tokens after the answer (what an EoTP cut leaves).</summary>
    public double TightFraction { get; init; } = 0.2;
    public int TightSlack { get; init; } = 8;
    /// <summary>Share of rows laid out as a block-by-block decode sees them: earlier blocks clean, later ones masked.</summary>
    public double BlockwiseFraction { get; init; } = 0.5;
    /// <summary>The block length of that layout (the decoders' default).</summary>
    public int BlockLength { get; init; } = 32;
    public int Seed { get; init; } = 0;
    /// <summary>
    /// Linear layers multiply in bf16 (fp32 weights, optimizer and loss; see <see cref="Learn2PD.Core.Model.Autocast"/>):
    /// the embedded recipe's full run took 20% less user CPU time than in fp32 on the dev machine's 2 cores,
    /// though only ~4% less wall time there (59 min 39 s against 61 min 46 s).
    /// </summary>
    public bool MixedPrecision { get; init; } = true;
    /// <summary>Stop after this step although the schedule runs to <see cref="Steps"/> (a curriculum stage).</summary>
    public int? StopAt { get; init; }

    /// <summary>The step this run ends at.</summary>
    public int LastStep => Math.Min(Steps, StopAt ?? Steps);

    /// <summary>Learning rate at a step: linear warm-up, then cosine decay to the minimum.</summary>
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = Math.Min(1.0, (step - WarmupSteps) / (double)Math.Max(1, Steps - WarmupSteps));
        return MinLearningRate + 0.5 * (LearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}
