using System.Text.Encodings.Web;
using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// What every tokenizer.json this project writes shares: the file written atomically (to a file, or as
/// tokenizer.json into a directory), the header fields, and special tokens as <c>added_tokens</c>.
/// </summary>
internal static class TokenizerJsonWriter
{
    /// <summary>Writes the JSON object whose remaining fields <paramref name="body"/> adds after <c>added_tokens</c>.</summary>
    public static void Write(string path, IReadOnlyList<string> specialTokens, Action<Utf8JsonWriter> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) path = Path.Combine(path, "tokenizer.json");
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps the characters readable in the file; JSON readers accept either form.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            for (int id = 0; id < specialTokens.Count; id++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("content", specialTokens[id]);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            body(json);
            json.WriteEndObject();
        }
        try
        {
            byte[] bytes = buffer.ToArray();
            AtomicFile.Write(path, stream => stream.Write(bytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Learn2PdException($"{path}: cannot write the tokenizer ({e.Message})", e);
        }
    }
}
