using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Learn2PD.Serve;

/// <summary>
/// <c>POST /v1/completions</c> and <c>POST /v1/chat/completions</c>: validate, queue for the decode
/// worker (429 when the queue is full), then answer with the whole completion or, with
/// <c>stream: true</c>, as server-sent events in OpenAI's chunk format ending with <c>data: [DONE]</c>.
/// </summary>
internal sealed class GenerationEndpoint(ServedModel model, ServeOptions options, DecodeScheduler scheduler, ServeMetrics metrics)
{
    public async Task HandleAsync(HttpContext http, IOpenAiFormat format)
    {
        var cancel = http.RequestAborted;
        var body = await RequestBody.ReadAsync(http.Request, cancel);
        var request = GenerationRequest.Read(body, format, model, options);
        var job = new DecodeJob(request.PromptIds, request.Settings, request.Stream, cancel);
        if (!scheduler.TryEnqueue(job)) throw ApiError.QueueFull(options.MaxQueue);
        var response = new Response(format, model.Id, format.IdPrefix + Guid.NewGuid().ToString("N"), OpenAiJson.UnixNow());
        if (request.Stream) await StreamAsync(http.Response, request, job, response, cancel);
        else await RespondAsync(http.Response, request, job, response, cancel);
    }

    private async Task RespondAsync(HttpResponse http, GenerationRequest request, DecodeJob job, Response response, CancellationToken cancel)
    {
        var row = await job.Result.WaitAsync(cancel);
        var answer = Answer.From(row.AnswerIds, model.Config.EosTokenId, request.MaxTokens);
        metrics.CompletionTokens.Inc(answer.Ids.Length);
        var choice = response.Format.Choice(answer.Text(model), answer.FinishReason);
        if (request.ReturnTokenIds)
        {
            choice["prompt_token_ids"] = new JsonArray(request.PromptIds.Select(id => (JsonNode)id).ToArray());
            choice["token_ids"] = new JsonArray(answer.Ids.Select(id => (JsonNode)id).ToArray());
        }
        var body = response.Envelope(response.Format.Object, choice);
        body["usage"] = Usage(request, answer);
        body["decoding"] = Decoding(request, row);
        await OpenAiJson.WriteAsync(http, 200, body, cancel);
    }

    /// <summary>
    /// Streaming a diffusion model: its steps commit tokens out of order inside a block, so the stream
    /// sends the left-to-right prefix that can no longer change (<see cref="CommittedPrefix"/>), a chunk
    /// each time it grows, then a chunk with the finish reason, the usage chunk when asked for, and [DONE].
    /// </summary>
    private async Task StreamAsync(HttpResponse http, GenerationRequest request, DecodeJob job, Response response, CancellationToken cancel)
    {
        http.StatusCode = 200;
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        http.Headers["X-Accel-Buffering"] = "no"; // proxies must not hold the events back
        if (response.Format.OpeningChoice() is { } opening) await SendAsync(response.Envelope(response.Format.ChunkObject, opening));

        string sent = "";
        await foreach (var prefix in job.Prefixes!.Reader.ReadAllAsync(cancel))
        {
            string delta = Delta(sent, Answer.From(prefix, model.Config.EosTokenId, request.MaxTokens).Text(model), final: false);
            if (delta.Length == 0) continue;
            sent += delta;
            await SendAsync(response.Envelope(response.Format.ChunkObject, response.Format.ChunkChoice(delta, null)));
        }

        DecodedRow row;
        try
        {
            row = await job.Result.WaitAsync(cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Headers are gone: the error travels as an event (the decode worker logged a failure of its own).
            await SendAsync((e as ApiError ?? ApiError.Internal()).ToJson());
            await OpenAiJson.WriteEventAsync(http, "[DONE]", cancel);
            return;
        }
        var answer = Answer.From(row.AnswerIds, model.Config.EosTokenId, request.MaxTokens);
        metrics.CompletionTokens.Inc(answer.Ids.Length);
        string rest = Delta(sent, answer.Text(model), final: true);
        if (rest.Length > 0) await SendAsync(response.Envelope(response.Format.ChunkObject, response.Format.ChunkChoice(rest, null)));
        var last = response.Envelope(response.Format.ChunkObject, response.Format.ChunkChoice(null, answer.FinishReason));
        last["decoding"] = Decoding(request, row);
        await SendAsync(last);
        if (request.IncludeUsage)
        {
            var usage = response.Envelope(response.Format.ChunkObject, null);
            usage["usage"] = Usage(request, answer);
            await SendAsync(usage);
        }
        await OpenAiJson.WriteEventAsync(http, "[DONE]", cancel);

        Task SendAsync(JsonObject chunk) => OpenAiJson.WriteEventAsync(http, OpenAiJson.Serialize(chunk), cancel);
    }

    /// <summary>
    /// The text to send after <paramref name="sent"/>: a partial UTF-8 character at the end of a prefix
    /// decodes to U+FFFD and waits for its other bytes.
    /// </summary>
    private static string Delta(string sent, string text, bool final)
    {
        if (!text.StartsWith(sent, StringComparison.Ordinal)) return "";
        int end = text.Length;
        if (!final) while (end > sent.Length && text[end - 1] == '\uFFFD') end--;
        return text[sent.Length..end];
    }

    private static JsonObject Usage(GenerationRequest request, Answer answer) => new()
    {
        ["prompt_tokens"] = request.PromptIds.Length,
        ["completion_tokens"] = answer.Ids.Length,
        ["total_tokens"] = request.PromptIds.Length + answer.Ids.Length,
    };

    /// <summary>How the answer was decoded (not part of OpenAI's API; clients ignore it).</summary>
    private static JsonObject Decoding(GenerationRequest request, DecodedRow row) => new()
    {
        ["method"] = request.Settings.Method.Id,
        ["gen_length"] = request.Settings.Options.GenLength,
        ["block_length"] = request.Settings.Options.BlockLength,
        ["nfe"] = row.Nfe,
        ["batch_size"] = row.BatchSize,
        ["queue_seconds"] = Math.Round(row.Queued.TotalSeconds, 4),
        ["decode_seconds"] = Math.Round(row.Decoding.TotalSeconds, 4),
    };

    private sealed record Response(IOpenAiFormat Format, string Model, string Id, long Created)
    {
        /// <summary>The fields every completion and chunk carries, around one choice (none for the usage chunk).</summary>
        public JsonObject Envelope(string objectName, JsonObject? choice) => new()
        {
            ["id"] = Id,
            ["object"] = objectName,
            ["created"] = Created,
            ["model"] = Model,
            ["system_fingerprint"] = null,
            ["choices"] = choice is null ? new JsonArray() : new JsonArray(choice),
        };
    }
}
