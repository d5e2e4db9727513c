using System.Diagnostics;
using Learn2PD.Core.Decoding;
using Microsoft.Extensions.Logging;

namespace Learn2PD.Serve;

/// <summary>
/// Dynamic batching on the one thread that owns the model (a TorchSharp model is not for several
/// threads at once). Requests wait in a bounded queue; whenever the worker is free it takes the oldest
/// and every queued request with the same <see cref="DecodeSettings"/>, up to the batch size, and decodes
/// them in one <see cref="BlockDecoder.Decode"/> call: rows are left-padded, and each stops at its own end
/// of text. Requests that arrive meanwhile queue up for the next batch. A request whose client went away
/// is skipped in the queue and dropped from its running batch (no more NFE on it).
/// </summary>
internal sealed class DecodeScheduler : IDisposable
{
    private readonly ServedModel model;
    private readonly int maxBatchSize;
    private readonly int maxQueue;
    private readonly ServeMetrics metrics;
    private readonly ILogger logger;
    private readonly LinkedList<DecodeJob> queue = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread worker;
    private bool stopped;

    public DecodeScheduler(ServedModel model, int maxBatchSize, int maxQueue, ServeMetrics metrics, ILogger logger)
    {
        this.model = model;
        this.maxBatchSize = maxBatchSize;
        this.maxQueue = maxQueue;
        this.metrics = metrics;
        this.logger = logger;
        worker = new Thread(Run) { Name = "l2pd decode", IsBackground = true };
        worker.Start();
    }

    /// <summary>Queues a job; false when the queue is full (the endpoint answers 429).</summary>
    public bool TryEnqueue(DecodeJob job)
    {
        lock (queue)
        {
            if (stopped) throw ApiError.ShuttingDown();
            if (queue.Count >= maxQueue) return false;
            queue.AddLast(job);
            metrics.QueueLength.Set(queue.Count);
            Monitor.Pulse(queue);
            return true;
        }
    }

    /// <summary>Stops taking work: queued jobs and the running batch end with 503, and the worker exits.</summary>
    public void Stop()
    {
        List<DecodeJob> waiting;
        lock (queue)
        {
            if (stopped) return;
            stopped = true;
            waiting = [.. queue];
            queue.Clear();
            metrics.QueueLength.Set(0);
            Monitor.Pulse(queue);
        }
        stopping.Cancel();
        foreach (var job in waiting) job.Fail(ApiError.ShuttingDown());
        worker.Join();
    }

    public void Dispose()
    {
        Stop();
        stopping.Dispose();
    }

    private void Run()
    {
        while (NextBatch() is { } batch) Decode(batch);
    }

    /// <summary>The oldest live job and the queued jobs that can share its batch; null once stopped.</summary>
    private List<DecodeJob>? NextBatch()
    {
        lock (queue)
        {
            while (true)
            {
                if (stopped) return null;
                for (var node = queue.First; node is not null;)
                {
                    var next = node.Next;
                    if (node.Value.IsDropped)
                    {
                        queue.Remove(node);
                        node.Value.Drop();
                        metrics.Dropped.Inc();
                    }
                    node = next;
                }
                if (queue.Count > 0) break;
                metrics.QueueLength.Set(0);
                Monitor.Wait(queue);
            }
            var batch = new List<DecodeJob>();
            var key = queue.First!.Value.Settings;
            for (var node = queue.First; node is not null && batch.Count < maxBatchSize;)
            {
                var next = node.Next;
                if (node.Value.Settings == key)
                {
                    batch.Add(node.Value);
                    queue.Remove(node);
                }
                node = next;
            }
            metrics.QueueLength.Set(queue.Count);
            return batch;
        }
    }

    private void Decode(List<DecodeJob> batch)
    {
        long started = Stopwatch.GetTimestamp();
        foreach (var job in batch) metrics.QueueSeconds.Observe(Stopwatch.GetElapsedTime(job.EnqueuedAt, started).TotalSeconds);
        metrics.BatchSize.Observe(batch.Count);
        var settings = batch[0].Settings;
        try
        {
            var policy = settings.Method.CreatePolicy(new PolicyInputs(model.Filter, null, model.Config.EosTokenId));
            var result = new BlockDecoder(model.Model).Decode(batch.Select(j => j.Prompt).ToArray(), settings.Options, policy,
                StreamingTrace(batch, settings.Options.GenLength), stopping.Token, row => batch[row].IsDropped);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.BatchSeconds.Observe(elapsed.TotalSeconds);
            metrics.Forwards.Inc(result.Forwards);
            for (int i = 0; i < batch.Count; i++)
            {
                var row = result.Rows[i];
                metrics.Nfe.Inc(row.Nfe);
                if (batch[i].IsDropped)
                {
                    metrics.Dropped.Inc();
                    batch[i].Drop();
                    continue;
                }
                metrics.PromptTokens.Inc(batch[i].Prompt.Length);
                batch[i].Complete(new DecodedRow(row.AnswerIds, row.Nfe, batch.Count, Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, started), elapsed));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            foreach (var job in batch) job.Fail(ApiError.ShuttingDown());
        }
        catch (Exception e)
        {
            logger.LogError(e, "decoding a batch of {Count} requests ({Method}, gen {GenLength}) failed", batch.Count, settings.Method.Id, settings.Options.GenLength);
            foreach (var job in batch) job.Fail(ApiError.Internal());
        }
    }

    /// <summary>Publishes each streaming row's committed prefix as it grows; null when no row streams (no trace, no cost).</summary>
    private static Action<StepTrace>? StreamingTrace(List<DecodeJob> batch, int genLength)
    {
        if (batch.All(j => j.Prefixes is null)) return null;
        var prefixes = batch.Select(j => j.Prefixes is null ? null : new CommittedPrefix(genLength)).ToArray();
        return step =>
        {
            if (prefixes[step.Row] is { } prefix && prefix.Apply(step)) batch[step.Row].Publish(prefix.Snapshot());
        };
    }
}
