using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// The loop both filter kinds are fitted with: AdamW steps on a training loss, the validation loss
/// every <see cref="FilterFitOptions.ReportEvery"/> steps, and at the end the weights of the report
/// with the lowest validation loss (the last ones when there is no validation set): with a few hundred
/// prompts a filter starts to overfit within hundreds of iterations.
/// </summary>
internal static class BestValidationFit
{
    /// <param name="trainLoss">The loss of one step (its argument is the 1-based iteration), with gradients.</param>
    /// <param name="validationLoss">The validation loss without gradients; null without a validation set.</param>
    /// <returns>The iteration whose weights the module now holds.</returns>
    public static int Run(nn.Module module, Func<int, Tensor> trainLoss, Func<double>? validationLoss, FilterFitOptions options,
        Action<FitProgress>? progress, CancellationToken cancel)
    {
        using var optimizer = TorchSharp.torch.optim.AdamW(module.parameters(), lr: options.LearningRate, beta1: 0.9, beta2: 0.999,
            eps: 1e-8, weight_decay: options.WeightDecay);
        double bestLoss = validationLoss?.Invoke() ?? double.PositiveInfinity;
        int bestIteration = 0;
        var best = Snapshot(module);
        try
        {
            module.train();
            for (int iteration = 1; iteration <= options.Iterations; iteration++)
            {
                cancel.ThrowIfCancellationRequested();
                bool report = iteration % options.ReportEvery == 0 || iteration == options.Iterations;
                double loss = double.NaN;
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var value = trainLoss(iteration);
                    value.backward();
                    optimizer.step();
                    if (report) loss = value.item<float>();
                }
                if (!report) continue;
                double? validation = validationLoss?.Invoke();
                if (validation is null || validation < bestLoss)
                {
                    bestLoss = validation ?? double.PositiveInfinity;
                    bestIteration = iteration;
                    foreach (var t in best) t.Dispose();
                    best = Snapshot(module);
                }
                progress?.Invoke(new FitProgress(iteration, loss, validation));
            }
            using (no_grad())
            {
                foreach (var (p, w) in module.parameters().Zip(best)) p.copy_(w);
            }
        }
        finally
        {
            foreach (var t in best) t.Dispose();
        }
        module.eval();
        return bestIteration;
    }

    private static Tensor[] Snapshot(nn.Module module) =>
        module.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
}
