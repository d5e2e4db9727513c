using System.Text.Json.Nodes;

namespace Learn2PD.Serve;

/// <summary>
/// An error answered as OpenAI's error object, <c>{"error": {"message", "type", "param", "code"}}</c>:
/// a message a client can act on, never a stack trace.
/// </summary>
public sealed class ApiError(int status, string message, string type, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    public static ApiError BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, "invalid_request_error", param, code);

    /// <summary>Runs a check of the core library; its one-line <see cref="Learn2PD.Core.Learn2PdException"/> becomes a 400 naming <paramref name="param"/>.</summary>
    public static T BadRequestOnFailure<T>(Func<T> check, string param)
    {
        try
        {
            return check();
        }
        catch (Learn2PD.Core.Learn2PdException e)
        {
            throw BadRequest(e.Message, param);
        }
    }

    public static ApiError NotFound(string message, string? code = null) => new(404, message, "invalid_request_error", null, code);

    public static ApiError QueueFull(int waiting) =>
        new(429, $"the server is busy: {waiting} requests are already waiting (--max-queue); retry later", "rate_limit_error", null, "queue_full");

    public static ApiError ShuttingDown() => new(503, "the server is shutting down", "server_error", null, "shutting_down");

    /// <summary>What a client sees of a failure it did not cause; the details go to the server's log.</summary>
    public static ApiError Internal() => new(500, "internal server error (details are in the server's log)", "server_error", null, "internal_error");

    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["param"] = Param,
            ["code"] = Code,
        },
    };
}
