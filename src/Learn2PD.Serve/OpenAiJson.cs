using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Learn2PD.Serve;

/// <summary>Writes response bodies and server-sent events.</summary>
internal static class OpenAiJson
{
    // The bodies are JSON for API clients, not HTML: '+' and non-ASCII text stay readable.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode node) => node.ToJsonString(Options);

    public static async Task WriteAsync(HttpResponse response, int status, JsonNode body, CancellationToken cancel)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(Serialize(body), cancel);
    }

    /// <summary>One server-sent event, <c>data: ...\n\n</c>, flushed at once.</summary>
    public static async Task WriteEventAsync(HttpResponse response, string data, CancellationToken cancel)
    {
        await response.WriteAsync($"data: {data}\n\n", cancel);
        await response.Body.FlushAsync(cancel);
    }

    public static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
