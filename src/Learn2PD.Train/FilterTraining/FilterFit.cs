using System.Diagnostics;
using Learn2PD.Core;
using Learn2PD.Core.Filter;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>The fit's settings: the authors' recipe (BCE-with-logits, AdamW lr 3e-3, full batch) with fewer iterations by default.</summary>
public sealed record FilterFitOptions
{
    /// <summary>
    /// The authors ran 40,000 full-batch iterations. On this project's label sets the validation loss
    /// has settled well before 3,000 (see the README), and 3,000 keeps the fit under a minute on two cores.
    /// </summary>
    public const int DefaultIterations = 3000;

    public int Iterations { get; init; } = DefaultIterations;
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>PyTorch's AdamW default, which the authors kept.</summary>
    public double WeightDecay { get; init; } = 0.01;
    public ulong Seed { get; init; }
    /// <summary>
    /// Iterations between validation-loss measurements (the candidates for the kept weights) and
    /// progress reports; a validation pass costs about a third of an iteration.
    /// </summary>
    public int ReportEvery { get; init; } = 25;
    /// <summary>Position filters: how much more a wrong prediction's loss weighs than a right one's.</summary>
    public double FalseAcceptWeight { get; init; } = 1;
    /// <summary>Position filters: hidden width.</summary>
    public int Hidden { get; init; } = PositionFilter.DefaultHidden;
    /// <summary>Position filters: how many of the <see cref="PositionFeatures"/> they read.</summary>
    public int Features { get; init; } = PositionFeatures.Count;

    public FilterFitOptions Validate()
    {
        if (Iterations <= 0) throw new Learn2PdException($"--iterations must be positive (got {Iterations})");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new Learn2PdException($"--lr must be positive (got {LearningRate})");
        if (!(WeightDecay >= 0)) throw new Learn2PdException($"weight decay must be 0 or more (got {WeightDecay})");
        if (ReportEvery <= 0) throw new Learn2PdException($"report interval must be positive (got {ReportEvery})");
        if (!(FalseAcceptWeight > 0)) throw new Learn2PdException($"--false-accept-weight must be positive (got {FalseAcceptWeight})");
        if (Hidden <= 0) throw new Learn2PdException($"--hidden must be positive (got {Hidden})");
        if (!PositionFeatures.IsWidth(Features))
            throw new Learn2PdException($"--features must be {PositionFeatures.Widths} ({PositionFeatures.Count}: every feature; the others: the sets of filters fitted before the later features; got {Features})");
        return this;
    }
}

/// <summary>A progress report of the fit; <see cref="ValidationLoss"/> is null when there are no validation records.</summary>
public sealed record FitProgress(int Iteration, double TrainLoss, double? ValidationLoss);

/// <summary>
/// The fitted filter (eval mode, CPU): the weights of the report with the lowest validation loss
/// (<see cref="BestIteration"/>; the last iteration when there is no validation set), with its
/// losses, and the training loss before the first step.
/// </summary>
public sealed record FilterFitResult(Learn2PdFilter Filter, double InitialTrainLoss, double TrainLoss, double? ValidationLoss,
    int BestIteration, TimeSpan Elapsed);

/// <summary>
/// Fits a <see cref="Learn2PdFilter"/> to oracle labels as the authors' <c>train.ipynb</c> does: every
/// record and every position (committed ones included), BCE-with-logits, AdamW, the whole training
/// set in each step. One addition: it keeps the weights with the lowest validation loss, because
/// with a few hundred prompts (the authors had 2,640) the filter starts to overfit within hundreds
/// of iterations. Deterministic for a seed: the initial weights come from a seeded generator, not
/// the global one.
/// </summary>
public static class FilterFit
{
    public static FilterFitResult Run(LabelTensors train, LabelTensors? validation, FilterFitOptions options,
        Action<FitProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (train.Count == 0) throw new Learn2PdException("no training records to fit the filter on");
        var clock = Stopwatch.StartNew();
        int width = (int)train.Confidences.shape[1];
        var filter = new Learn2PdFilter(width);
        Initialize(filter, options.Seed);
        bool validate = validation is { Count: > 0 };
        double initial = Loss(filter, train);
        int bestIteration = BestValidationFit.Run(filter,
            _ => nn.functional.binary_cross_entropy_with_logits(filter.forward(train.Confidences), train.Correct),
            validate ? () => Loss(filter, validation!) : null, options, progress, cancel);
        return new FilterFitResult(filter, initial, Loss(filter, train), validate ? Loss(filter, validation!) : null, bestIteration, clock.Elapsed);
    }

    /// <summary>Mean BCE-with-logits of the filter on every position of the records.</summary>
    public static double Loss(Learn2PdFilter filter, LabelTensors data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.binary_cross_entropy_with_logits(filter.forward(data.Confidences), data.Correct).item<float>();
    }

    /// <summary>PyTorch's nn.Linear initialisation, U(-1/√fan_in, 1/√fan_in) for weights and biases, from a seeded generator.</summary>
    private static void Initialize(Learn2PdFilter filter, ulong seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(seed);
        foreach (var (_, p) in filter.named_parameters())
        {
            double bound = 1.0 / Math.Sqrt(filter.BlockLength);
            p.uniform_(-bound, bound, generator);
        }
    }
}
