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
        torch.manual_seed((long)options.Seed);
        var filter = new PositionFilter(options.Hidden);
        Initialize(filter, options.Seed);
        bool validate = validation is { Count: > 0 };
        using var trainWeight = Weights(train, options.FalseAcceptWeight);
        using var validationWeight = validate ? Weights(validation!, options.FalseAcceptWeight) : null;
        using var optimizer = optim.AdamW(filter.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        using var batches = new Generator(options.Seed + 1);
        long n = train.Count;
        double initial = Loss(filter, train, trainWeight);
        double best = validate ? Loss(filter, validation!, validationWeight!) : double.PositiveInfinity;
        int bestIteration = 0;
        var snapshot = Snapshot(filter);
        try
        {
            filter.train();
            for (int iteration = 1; iteration <= options.Iterations; iteration++)
            {
                cancel.ThrowIfCancellationRequested();
                bool report = iteration % options.ReportEvery == 0 || iteration == options.Iterations;
                double trainLoss = double.NaN;
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var rows = n <= BatchSize ? arange(n) : randint(0, n, [BatchSize], generator: batches);
                    var loss = nn.functional.binary_cross_entropy_with_logits(filter.forward(train.Features.index_select(0, rows)),
                        train.Correct.index_select(0, rows), weight: trainWeight.index_select(0, rows));
                    loss.backward();
                    optimizer.step();
                    if (report) trainLoss = loss.item<float>();
                }
                if (!report) continue;
                double? validationLoss = validate ? Loss(filter, validation!, validationWeight!) : null;
                if (!validate || validationLoss < best)
                {
                    best = validationLoss ?? double.PositiveInfinity;
                    bestIteration = iteration;
                    foreach (var t in snapshot) t.Dispose();
                    snapshot = Snapshot(filter);
                }
                progress?.Invoke(new FitProgress(iteration, trainLoss, validationLoss));
            }
            using (no_grad())
            {
                foreach (var (p, w) in filter.parameters().Zip(snapshot)) p.copy_(w);
            }
        }
        finally
        {
            foreach (var t in snapshot) t.Dispose();
        }
        filter.eval();
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

    private static Tensor[] Snapshot(PositionFilter filter) =>
        filter.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();

    /// <summary>PyTorch's nn.Linear initialisation from a seeded generator.</summary>
    private static void Initialize(PositionFilter filter, ulong seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(seed);
        foreach (var (name, p) in filter.named_parameters())
        {
            long fanIn = name.StartsWith("fc1", StringComparison.Ordinal) ? PositionFeatures.Count : filter.Hidden;
            double bound = 1.0 / Math.Sqrt(fanIn);
            p.uniform_(-bound, bound, generator);
        }
    }
}
