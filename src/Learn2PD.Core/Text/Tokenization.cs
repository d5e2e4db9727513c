using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// One tokenize request's answer, as <c>l2pd tokenize</c> prints it: <c>{"ids": [...], "text": "..."}</c> where
/// <c>text</c> is the decode of <c>ids</c> with special tokens kept. Requests come from the command line or from
/// JSONL, one a line: <c>{"text": ..., "add_special_tokens": bool}</c> to encode, <c>{"ids": [...]}</c> to decode.
/// </summary>
public sealed record Tokenization(IReadOnlyList<int> Ids, string Text)
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Tokenization OfText(LLaDATokenizer tokenizer, string text, bool addSpecialTokens)
    {
        IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens);
        return new Tokenization(ids, tokenizer.Decode(ids));
    }

    public static Tokenization OfIds(LLaDATokenizer tokenizer, IReadOnlyList<int> ids) => new(ids, tokenizer.Decode(ids));

    /// <summary>"1,2,3" (spaces allowed, empty for none) as non-negative ids; <paramref name="where"/> names the source in errors.</summary>
    public static IReadOnlyList<int> ParseIds(string text, string where)
    {
        var ids = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new Learn2PdException($"{where}: '{part}' is not a token id (expected comma-separated non-negative integers)");
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>Answers every line of a JSONL file in order, lazily; a bad line fails naming the file and line.</summary>
    public static IEnumerable<Tokenization> FromJsonl(LLaDATokenizer tokenizer, string path, bool addSpecialTokensByDefault)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: input file not found");
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            yield return Answer(tokenizer, line, $"{path}:{number}", addSpecialTokensByDefault);
        }
    }

    /// <summary>One line of JSON: <c>{"ids": [1, 2], "text": "..."}</c>.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartObject();
            json.WriteStartArray("ids");
            foreach (int id in Ids) json.WriteNumberValue(id);
            json.WriteEndArray();
            json.WriteString("text", Text);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Tokenization Answer(LLaDATokenizer tokenizer, string line, string where, bool addSpecialTokensByDefault)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement request = document.RootElement;
            if (request.ValueKind != JsonValueKind.Object) throw new Learn2PdException($"{where}: expected a JSON object");
            bool hasText = request.TryGetProperty("text", out JsonElement text);
            bool hasIds = request.TryGetProperty("ids", out JsonElement ids);
            if (hasText == hasIds) throw new Learn2PdException($"{where}: give exactly one of \"text\" or \"ids\"");
            if (hasIds)
            {
                if (ids.ValueKind != JsonValueKind.Array) throw new Learn2PdException($"{where}: \"ids\" must be an array of token ids");
                return OfIds(tokenizer, ids.EnumerateArray()
                    .Select(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out int v) && v >= 0 ? v
                        : throw new Learn2PdException($"{where}: \"ids\" holds {id.GetRawText()}, not a token id"))
                    .ToList());
            }
            if (text.ValueKind != JsonValueKind.String) throw new Learn2PdException($"{where}: \"text\" must be a string");
            bool addSpecialTokens = addSpecialTokensByDefault;
            if (request.TryGetProperty("add_special_tokens", out JsonElement add))
            {
                addSpecialTokens = add.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new Learn2PdException($"{where}: \"add_special_tokens\" must be true or false"),
                };
            }
            return OfText(tokenizer, text.GetString()!, addSpecialTokens);
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{where}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (InvalidOperationException e)
        {
            // E.g. a "\ud800" escape: not a string .NET can decode.
            throw new Learn2PdException($"{where}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
