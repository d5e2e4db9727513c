using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Learn2PD.Serve;

/// <summary>
/// The OpenAI-compatible server on Kestrel: <c>POST /v1/completions</c>, <c>POST /v1/chat/completions</c>,
/// <c>GET /v1/models</c>, <c>GET /health</c> and <c>GET /metrics</c> (Prometheus text), over one
/// <see cref="DecodeScheduler"/>. Stops on Ctrl+C or SIGTERM (the host's console lifetime), or by
/// <see cref="StopAsync"/>.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly DecodeScheduler scheduler;

    private ServeHost(WebApplication app, DecodeScheduler scheduler, ServeMetrics metrics)
    {
        this.app = app;
        this.scheduler = scheduler;
        Metrics = metrics;
    }

    internal ServeMetrics Metrics { get; }

    /// <param name="logging">Replaces the default logging (warnings and errors, one line each, on stderr).</param>
    public static ServeHost Create(ServedModel model, ServeOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 8 << 20;
            if (options.Host == "localhost") kestrel.ListenLocalhost(options.Port);
            else kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
        });
        var app = builder.Build();

        var metrics = new ServeMetrics(options.MaxBatchSize);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("l2pd.serve");
        var scheduler = new DecodeScheduler(model, options.MaxBatchSize, options.MaxQueue, metrics, logger);
        // Queued and running requests end with 503 at once, so shutdown does not wait for their decodes.
        app.Lifetime.ApplicationStopping.Register(scheduler.Stop);

        var generation = new GenerationEndpoint(model, options, scheduler, metrics);
        long started = OpenAiJson.UnixNow();
        app.Use(next => http => ErrorsAndMetrics(http, next, metrics, logger));
        app.MapPost(CompletionFormat.Instance.Path, http => generation.HandleAsync(http, CompletionFormat.Instance));
        app.MapPost(ChatFormat.Instance.Path, http => generation.HandleAsync(http, ChatFormat.Instance));
        app.MapGet("/v1/models", http => OpenAiJson.WriteAsync(http.Response, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["id"] = model.Id, ["object"] = "model", ["created"] = started, ["owned_by"] = "l2pd" }),
        }, http.RequestAborted));
        app.MapGet("/health", http => OpenAiJson.WriteAsync(http.Response, 200, new JsonObject { ["status"] = "ok", ["model"] = model.Id }, http.RequestAborted));
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapFallback(http => throw ApiError.NotFound(
            $"{http.Request.Method} {http.Request.Path} is not an endpoint of this server (POST /v1/completions, POST /v1/chat/completions, GET /v1/models, GET /health, GET /metrics)"));
        return new ServeHost(app, scheduler, metrics);
    }

    /// <summary>The addresses Kestrel listens on (with the real port when the options asked for 0).</summary>
    public IReadOnlyList<string> Urls =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    public Task StartAsync(CancellationToken cancel = default) => app.StartAsync(cancel);

    /// <summary>Returns when the host stops (Ctrl+C, SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel = default) => app.WaitForShutdownAsync(cancel);

    public Task StopAsync() => app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        scheduler.Dispose();
        await app.DisposeAsync();
    }

    /// <summary>
    /// Every failure becomes an OpenAI error object: an <see cref="ApiError"/> as it is, anything else a
    /// logged 500 with a generic message. Counts each request by endpoint and status.
    /// </summary>
    private static async Task ErrorsAndMetrics(HttpContext http, RequestDelegate next, ServeMetrics metrics, ILogger logger)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        string endpoint = http.Request.Path.Value switch
        {
            "/v1/completions" or "/v1/chat/completions" or "/v1/models" or "/health" or "/metrics" => http.Request.Path.Value!,
            _ => "other",
        };
        try
        {
            await next(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing is left to answer (499 in the metrics, as nginx counts it).
            if (!http.Response.HasStarted) http.Response.StatusCode = 499;
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = e as ApiError;
            if (error is null) logger.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            error ??= ApiError.Internal();
            if (error.Status == 429) http.Response.Headers.RetryAfter = "1";
            await OpenAiJson.WriteAsync(http.Response, error.Status, error.ToJson(), CancellationToken.None);
        }
        finally
        {
            metrics.Requests.WithLabels(endpoint, http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            metrics.RequestSeconds.WithLabels(endpoint).Observe(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
