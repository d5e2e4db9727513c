using System.Diagnostics;
using System.Threading.Channels;

namespace Learn2PD.Serve;

/// <summary>The decode of one request's row, as its batch saw it.</summary>
/// <param name="AnswerIds">Everything the row generated (end-of-text tail included, shorter after an EoTP cut).</param>
/// <param name="BatchSize">Rows decoded together in its <c>BlockDecoder.Decode</c> call.</param>
internal sealed record DecodedRow(long[] AnswerIds, int Nfe, int BatchSize, TimeSpan Queued, TimeSpan Decoding);

/// <summary>
/// One request between its endpoint and the decode worker: the prompt and settings in, the decoded row
/// out, and for a streaming request each growth of its committed prefix (<see cref="CommittedPrefix"/>).
/// A request whose client went away is dropped, in the queue or from its running batch.
/// </summary>
internal sealed class DecodeJob(int[] prompt, DecodeSettings settings, bool streams, CancellationToken clientGone)
{
    private readonly TaskCompletionSource<DecodedRow> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int[] Prompt { get; } = prompt;
    public DecodeSettings Settings { get; } = settings;
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>Snapshots of the committed prefix, for a streaming request; completed when the job ends.</summary>
    public Channel<long[]>? Prefixes { get; } = streams ? Channel.CreateUnbounded<long[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }) : null;

    public bool IsDropped => clientGone.IsCancellationRequested;

    public Task<DecodedRow> Result => done.Task;

    public void Publish(long[] prefix) => Prefixes?.Writer.TryWrite(prefix);

    public void Complete(DecodedRow row)
    {
        Prefixes?.Writer.TryComplete();
        done.TrySetResult(row);
    }

    public void Fail(Exception error)
    {
        Prefixes?.Writer.TryComplete();
        done.TrySetException(error);
    }

    public void Drop()
    {
        Prefixes?.Writer.TryComplete();
        done.TrySetCanceled();
    }
}
