using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Learn2PD.Core.Model;

/// <summary>Reads typed fields of a config object, failing with messages that name file and field.</summary>
internal sealed class ConfigFields(JsonObject json, string source)
{
    /// <summary>Far beyond any real model; a damaged number would otherwise build a skeleton for minutes or overflow it.</summary>
    public const int MaxWidth = 1 << 20, MaxLayers = 1024;

    public Learn2PdException Unsupported(string field, string why) =>
        new($"{source}: unsupported config field '{field}': {why}");

    private Learn2PdException Invalid(string field, string why) =>
        new($"{source}: config field '{field}' {why}");

    private JsonNode? Get(string field) => json.TryGetPropertyValue(field, out var node) ? node : null;

    /// <summary>Whether the field is present with a value other than null.</summary>
    public bool IsSet(string field) => Get(field) is { } node && node.GetValueKind() != JsonValueKind.Null;

    /// <summary>The field's JSON text (for messages), or "null".</summary>
    public string Text(string field) => Get(field)?.ToJsonString() ?? "null";

    public string? OptionalString(string field)
    {
        JsonNode? node = Get(field);
        if (node == null || node.GetValueKind() == JsonValueKind.Null) return null;
        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Invalid(field, $"must be a string, not {node.ToJsonString()}");
    }

    /// <summary>The strings of an array field (e.g. <c>architectures</c>); empty when absent.</summary>
    public IReadOnlyList<string> Strings(string field)
    {
        JsonNode? node = Get(field);
        if (node == null || node.GetValueKind() == JsonValueKind.Null) return [];
        if (node is not JsonArray array || array.Any(e => e?.GetValueKind() != JsonValueKind.String))
            throw Invalid(field, $"must be a list of strings, not {node.ToJsonString()}");
        return array.Select(e => e!.GetValue<string>()).ToArray();
    }

    public void Require(string field, string expected, bool optional = false)
    {
        JsonNode? node = Get(field);
        if (node == null)
        {
            if (optional) return;
            throw Invalid(field, "is missing");
        }
        string? actual = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw Unsupported(field, $"'{actual}' (only '{expected}' is implemented)");
    }

    public void RequireBool(string field, bool expected, bool optional = false)
    {
        if (Get(field) == null && optional) return;
        bool actual = Bool(field, !expected, required: !optional);
        if (actual != expected) throw Unsupported(field, $"{actual.ToString().ToLowerInvariant()} (only {expected.ToString().ToLowerInvariant()} is implemented)");
    }

    public bool Bool(string field, bool fallback, bool required = false)
    {
        JsonNode? node = Get(field);
        if (node == null)
        {
            if (required) throw Invalid(field, "is missing");
            return fallback;
        }
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => fallback,
            _ => throw Invalid(field, $"must be true or false, not {node.ToJsonString()}"),
        };
    }

    public int? OptionalInt(string field)
    {
        JsonNode? node = Get(field);
        if (node == null || node.GetValueKind() == JsonValueKind.Null) return null;
        // Through the JSON text, so nodes parsed from a file and nodes built in code read alike.
        if (node.GetValueKind() == JsonValueKind.Number
            && long.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            && v is >= int.MinValue and <= int.MaxValue)
            return (int)v;
        throw Invalid(field, $"must be an integer, not {node.ToJsonString()}");
    }

    public int Int(string field, int fallback) => OptionalInt(field) ?? fallback;

    public int PositiveInt(string field)
    {
        int v = OptionalInt(field) ?? throw Invalid(field, "is missing");
        return v > 0 ? v : throw Invalid(field, $"must be positive, not {v}");
    }

    public int PositiveIntOrZero(string field)
    {
        int v = OptionalInt(field) ?? throw Invalid(field, "is missing");
        return v >= 0 ? v : throw Invalid(field, $"must not be negative, not {v}");
    }

    public double PositiveDouble(string field, double? fallback = null)
    {
        JsonNode? node = Get(field);
        if (node == null && fallback is double value) return value;
        if (node == null) throw Invalid(field, "is missing");
        if (node.GetValueKind() != JsonValueKind.Number) throw Invalid(field, $"must be a number, not {node.ToJsonString()}");
        double v = double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        return v > 0 ? v : throw Invalid(field, $"must be positive, not {v}");
    }
}
