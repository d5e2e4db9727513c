using System.Diagnostics;
using Learn2PD.Core.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Train.ModelTraining;

/// <summary>What the trainer reports after each optimizer step.</summary>
public sealed record TrainStepReport(int Step, double Loss, double LearningRate, long Tokens, double TokensPerSecond);

/// <summary>
/// The training loop for a small model of either family: AdamW on the masked-diffusion loss, warm-up + cosine
/// schedule, gradient clipping, bf16 linear layers unless <see cref="TrainModelOptions.MixedPrecision"/> is
/// off. Every step runs inside a dispose scope, so memory stays flat.
/// Checkpointing and validation belong to the caller (see <see cref="Run"/>'s callbacks).
/// </summary>
public sealed class ModelTrainer : IDisposable
{
    private readonly DiffusionModel model;
    private readonly DiffusionBatchSampler sampler;
    private readonly TrainModelOptions options;
    private readonly TorchSharp.Modules.AdamW optimizer;
    private readonly Generator maskGenerator;

    public ModelTrainer(DiffusionModel model, DiffusionBatchSampler sampler, TrainModelOptions options)
    {
        this.model = model;
        this.sampler = sampler;
        this.options = options;
        optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, beta1: 0.9, beta2: 0.95,
            weight_decay: options.WeightDecay);
        maskGenerator = new Generator((ulong)options.Seed + 1, model.Device);
    }

    /// <summary>
    /// Trains from <paramref name="startStep"/> to <see cref="TrainModelOptions.LastStep"/>. After each
    /// step <paramref name="afterStep"/> runs (outside the step's scope): it may save or validate.
    /// </summary>
    public void Run(int startStep, Action<TrainStepReport> afterStep, CancellationToken cancel)
    {
        model.train();
        var device = model.Device;
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        for (int step = startStep; step < options.LastStep; step++)
        {
            cancel.ThrowIfCancellationRequested();
            double lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            double loss;
            using (NewDisposeScope())
            {
                var batch = sampler.Next();
                var ids = batch.Ids.to(device);
                optimizer.zero_grad();
                Tensor lossTensor;
                using (options.MixedPrecision ? Autocast.Enable() : null)
                    lossTensor = MaskedDiffusionLoss.Compute(x => model.Forward(x), ids, batch.AnswerMask.to(device), model.Config.MaskTokenId, maskGenerator,
                        batch.Clean.to(device), batch.Hidden.to(device));
                lossTensor.backward(); // autograd replays the recorded bf16 casts, so the backward mixes precision too
                nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
                optimizer.step();
                loss = lossTensor.item<float>();
                tokens += ids.numel();
            }
            afterStep(new TrainStepReport(step + 1, loss, lr, tokens, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
    }

    /// <summary>Saves optimizer moments and step so a run can resume (TorchSharp's own format, written atomically).</summary>
    public void SaveState(string path)
    {
        string temp = path + ".tmp";
        optimizer.save_state_dict(temp);
        File.Move(temp, path, overwrite: true);
    }

    public void LoadState(string path) => optimizer.load_state_dict(path);

    public void Dispose()
    {
        optimizer.Dispose();
        maskGenerator.Dispose();
    }
}
