using System.Diagnostics;
using Learn2PD.Core;
using Learn2PD.Core.Filter;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// Fits a <see cref="PositionFilter"/> on the masked positions of the label records: BCE-with-logits in
/// which a wrong prediction weighs <see cref="FilterFitOptions.FalseAcceptWeight"/> times a right one
/// (a false accept can cost the answer, a late accept costs a forward), AdamW on seeded minibatches of
/// <see cref="BatchSize"/> positions (a few hundred thousand positions make full-batch steps slow),
/// keeping the weights with the lowest validation loss. Deterministic for a seed.
/// </summary>
public static class PositionFilterFit
{
    public const int BatchSize = 8192;

    public static (PositionFilter Filter, double InitialTrainLoss, double TrainLoss, double? ValidationLoss, int BestIteration, TimeSpan Elapsed) Run(
        PositionSamples train, PositionSamples? validation, FilterFitOptions options, Action<FitProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (train.Count == 0) throw new Learn2PdException("no masked positions to fit the filter on");
        var clock = Stopwatch.StartNew();
        var filter = new PositionFilter(options.Hidden, (int)train.Features.shape[1]);
        Initialize(filter, options.Seed);
        bool validate = validation is { Count: > 0 };
        using var trainWeight = Weights(train, options.FalseAcceptWeight);
        using var validationWeight = validate ? Weights(validation!, options.FalseAcceptWeight) : null;
        using var batches = new Generator(options.Seed + 1);
        long n = train.Count;
        double initial = Loss(filter, train, trainWeight);
        int bestIteration = BestValidationFit.Run(filter, _ =>
        {
            var rows = n <= BatchSize ? arange(n) : randint(0, n, [BatchSize], generator: batches);
            return nn.functional.binary_cross_entropy_with_logits(filter.forward(train.Features.index_select(0, rows)),
                train.Correct.index_select(0, rows), weight: trainWeight.index_select(0, rows));
        }, validate ? () => Loss(filter, validation!, validationWeight!) : null, options, progress, cancel);
        return (filter, initial, Loss(filter, train, trainWeight), validate ? Loss(filter, validation!, validationWeight!) : null, bestIteration, clock.Elapsed);
    }

    /// <summary>sigmoid(logit) of every sample: the filter's probability that the prediction is right.</summary>
    public static float[] Probabilities(PositionFilter filter, PositionSamples data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return filter.forward(data.Features).sigmoid().data<float>().ToArray();
    }

    private static Tensor Weights(PositionSamples data, double falseAcceptWeight) =>
        (1 + (falseAcceptWeight - 1) * (1 - data.Correct)).DetachFromDisposeScope();

    private static double Loss(PositionFilter filter, PositionSamples data, Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.binary_cross_entropy_with_logits(filter.forward(data.Features), data.Correct, weight: weight).item<float>();
    }

    /// <summary>PyTorch's nn.Linear initialisation from a seeded generator.</summary>
    private static void Initialize(PositionFilter filter, ulong seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(seed);
        foreach (var (name, p) in filter.named_parameters())
        {
            long fanIn = name.StartsWith("fc1", StringComparison.Ordinal) ? filter.Features : filter.Hidden;
            double bound = 1.0 / Math.Sqrt(fanIn);
            p.uniform_(-bound, bound, generator);
        }
    }
}
