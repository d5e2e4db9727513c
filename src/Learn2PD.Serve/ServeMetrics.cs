using Prometheus;

namespace Learn2PD.Serve;

/// <summary>
/// The server's Prometheus metrics, on a registry of its own (several servers in one process, as in the
/// tests, do not mix their counts). <c>GET /metrics</c> exports them as text.
/// </summary>
internal sealed class ServeMetrics
{
    public ServeMetrics(int maxBatchSize)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("l2pd_requests_total", "HTTP requests answered, by endpoint and status code.", "endpoint", "status");
        RequestSeconds = factory.CreateHistogram("l2pd_request_duration_seconds", "Time from a request's arrival to its last byte, by endpoint.",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        QueueLength = factory.CreateGauge("l2pd_queue_length", "Requests waiting for the decoder.");
        QueueSeconds = factory.CreateHistogram("l2pd_queue_wait_seconds", "Time a request waited before its batch started.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        // One bucket per size (up to 64) so that the sizes seen can be read back exactly.
        BatchSize = factory.CreateHistogram("l2pd_batch_size", "Requests decoded together in one batch.",
            new HistogramConfiguration { Buckets = maxBatchSize <= 64 ? Histogram.LinearBuckets(1, 1, maxBatchSize) : Histogram.ExponentialBuckets(1, 2, 1 + (int)Math.Ceiling(Math.Log2(maxBatchSize))) });
        BatchSeconds = factory.CreateHistogram("l2pd_batch_duration_seconds", "Wall time of one batch's decode.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        PromptTokens = factory.CreateCounter("l2pd_prompt_tokens_total", "Prompt tokens of decoded requests.");
        CompletionTokens = factory.CreateCounter("l2pd_completion_tokens_total", "Answer tokens returned (end-of-text excluded).");
        Nfe = factory.CreateCounter("l2pd_nfe_total", "Model forwards spent on requests, counted per request (NFE).");
        Forwards = factory.CreateCounter("l2pd_forwards_total", "Model calls (one batch forward counts once).");
        Dropped = factory.CreateCounter("l2pd_dropped_requests_total", "Requests dropped from the queue or their batch because the client went away.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public Counter Requests { get; }
    public Histogram RequestSeconds { get; }
    public Gauge QueueLength { get; }
    public Histogram QueueSeconds { get; }
    public Histogram BatchSize { get; }
    public Histogram BatchSeconds { get; }
    public Counter PromptTokens { get; }
    public Counter CompletionTokens { get; }
    public Counter Nfe { get; }
    public Counter Forwards { get; }
    public Counter Dropped { get; }
}
