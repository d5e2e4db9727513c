using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// Typed access to the fields of one JSON file (tokenizer.json, tokenizer_config.json): a missing or mistyped field
/// is a one-line <see cref="Learn2PdException"/> naming the file and the field's JSON path, never a crash.
/// </summary>
internal sealed class JsonFieldReader(string path)
{
    public string Path => path;

    /// <summary>The object's "type" field (every tokenizer.json component names its kind there).</summary>
    public string TypeOf(JsonElement node, string where)
    {
        if (node.ValueKind != JsonValueKind.Object) throw Fail($"{where}: expected an object");
        return String(Required(node, "type", JsonValueKind.String, where), $"{where}.type");
    }

    // `parent` is the JSON path of obj ("" for the top level), for the message.
    public JsonElement Required(JsonElement obj, string name, JsonValueKind kind, string parent)
    {
        string where = parent.Length == 0 ? name : $"{parent}.{name}";
        if (Optional(obj, name, parent) is not { } value) throw Fail(parent.Length == 0 ? $"'{name}' is missing" : $"{parent}: '{name}' is missing");
        if (value.ValueKind != kind)
            throw Fail($"{where}: expected {kind.ToString().ToLowerInvariant()}, found {value.ValueKind.ToString().ToLowerInvariant()}");
        return value;
    }

    /// <summary>The field, or null when it is absent or an explicit null (the same thing in tokenizer.json).</summary>
    public JsonElement? Optional(JsonElement obj, string name, string parent)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Fail($"{(parent.Length == 0 ? "the top level" : parent)}: expected an object");
        return obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public string? OptionalString(JsonElement obj, string name, string parent) =>
        Optional(obj, name, parent) is { } value ? String(value, Join(parent, name)) : null;

    public bool OptionalBool(JsonElement obj, string name, string parent, bool fallback) =>
        Optional(obj, name, parent) is { } value ? Bool(value, Join(parent, name)) : fallback;

    public string RequiredString(JsonElement obj, string name, string parent) =>
        String(Required(obj, name, JsonValueKind.String, parent), Join(parent, name));

    public bool RequiredBool(JsonElement obj, string name, string parent) =>
        Optional(obj, name, parent) is { } value ? Bool(value, Join(parent, name)) : throw Fail($"{parent}: '{name}' is missing");

    public string String(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail($"{where}: expected a string");

    public bool Bool(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Fail($"{where}: expected true or false"),
    };

    /// <summary>A non-negative 32-bit integer (ids, counts).</summary>
    public int Count(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0
            ? n
            : throw Fail($"{where}: expected a non-negative integer");

    /// <summary>A string of exactly one Unicode scalar value (HF's <c>char</c> fields).</summary>
    public System.Text.Rune Char(JsonElement value, string where)
    {
        string s = String(value, where);
        return System.Text.Rune.DecodeFromUtf16(s, out System.Text.Rune rune, out int used) == System.Buffers.OperationStatus.Done && used == s.Length
            ? rune
            : throw Fail($"{where}: expected a single character, got '{s}'");
    }

    public IEnumerable<(JsonElement Item, string Where)> Array(JsonElement obj, string name, string parent)
    {
        JsonElement array = Required(obj, name, JsonValueKind.Array, parent);
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray()) yield return (item, $"{Join(parent, name)}[{i++}]");
    }

    public Learn2PdException Fail(string message) => new($"{path}: {message}");

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";
}
