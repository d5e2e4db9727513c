using System.Diagnostics;
using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// The one decode loop: the prompt followed by gen_length masks, decoded block by block from left to
/// right. Each step runs one forward (how depends on the cache), predicts every visible position,
/// asks the commit policy which masked block positions to commit, applies end-of-text prediction,
/// and commits. Rows of a batch are left-padded and share block boundaries; each stops spending
/// forwards (NFE) as soon as its block is done or its sequence has ended.
/// </summary>
public sealed class BlockDecoder(DiffusionModel model)
{
    private readonly DiffusionModel model = model;

    public DiffusionModel Model => model;

    /// <param name="prompts">Token ids of each prompt (no padding).</param>
    /// <param name="trace">Called after every step of every row, if given.</param>
    /// <param name="dropped">
    /// Asked between steps whether a row is no longer wanted (a server's client went away); a dropped row
    /// ends where it is, with an empty answer, and spends no more NFE.
    /// </param>
    public DecodeResult Decode(IReadOnlyList<int[]> prompts, DecodeOptions options, ICommitPolicy policy,
        Action<StepTrace>? trace = null, CancellationToken cancel = default, Func<int, bool>? dropped = null)
    {
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        using var generator = new Generator(options.Seed, model.Device);
        var conventions = SamplingConventions.For(model.Config.Family);
        options = options with
        {
            Confidence = options.Confidence ?? policy.Confidence ?? conventions.Confidence,
            Schedule = options.Schedule ?? conventions.Schedule,
        };
        var run = new DecodeRun(model, prompts, options, policy, trace,
            // Distribution features cost a pass over the vocabulary: only for policies that read them, and traces.
            new TokenPredictor(options.Temperature, options.Remasking, generator, distribution: policy.ReadsDistribution || trace is not null,
                options.Confidence.Value, options.TopP, options.TopK),
            dropped);
        for (int block = 0; block < options.BlockCount; block++)
        {
            cancel.ThrowIfCancellationRequested();
            run.DecodeBlock(block, cancel);
        }
        return new DecodeResult(run.Results(), run.Forwards, clock.Elapsed);
    }
}
