using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Learn2PD.Serve;

/// <summary>
/// A request's JSON object with typed reads that answer a wrong type with a 400 naming the field.
/// A field set to JSON null counts as absent, as OpenAI's API treats it.
/// </summary>
internal sealed class RequestBody(JsonElement root)
{
    public static async Task<RequestBody> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancel);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiError.BadRequest($"the body must be a JSON object (got {Describe(document.RootElement)})");
            return new RequestBody(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the body is not valid JSON ({e.Message})");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits, e.g. a body over MaxRequestBodySize (413).
            throw new ApiError(e.StatusCode, e.Message, "invalid_request_error");
        }
    }

    /// <summary>The field, or null when it is missing or JSON null.</summary>
    public JsonElement? Get(string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        var v => throw WrongType(name, "a string", v.Value),
    };

    public bool? Bool(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var v => throw WrongType(name, "true or false", v.Value),
    };

    public double? Number(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
        var v => throw WrongType(name, "a number", v.Value),
    };

    public int? Int(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out int i) => i,
        var v => throw WrongType(name, "a whole number", v.Value),
    };

    public static ApiError WrongType(string name, string expected, JsonElement value) =>
        ApiError.BadRequest($"'{name}' must be {expected} (got {Describe(value)})", name);

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
