using System.Text.Encodings.Web;
using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// A word-level vocabulary written as a Hugging Face tokenizer.json, the way small task models tokenize:
/// the ByteLevel pre-tokenizer (GPT-2's split: " has", " 12", "####", "\n" are pieces), model "WordLevel"
/// (each piece one token, anything else <see cref="UnknownToken"/>) and the ByteLevel decoder, so text in
/// the vocabulary round-trips exactly. Ids: <see cref="SpecialToken.EndOfText"/> 0, <see cref="SpecialToken.Mask"/> 1,
/// <see cref="UnknownToken"/> 2, then the pieces in ordinal order of their stored form.
/// </summary>
public sealed class WordVocabulary
{
    public const string UnknownToken = "<|unk|>";

    /// <param name="pieces">Pre-tokenized text pieces (as GPT-2's pattern splits text), in any order, repeats allowed.</param>
    public WordVocabulary(IEnumerable<string> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        StoredPieces = pieces.Where(p => p.Length > 0).Select(ByteLevelAlphabet.Encode).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (StoredPieces.Count == 0) throw new ArgumentException("a word vocabulary needs at least one piece", nameof(pieces));
    }

    /// <summary>The special tokens; the i-th has id i.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = [SpecialToken.EndOfText, SpecialToken.Mask, UnknownToken];

    /// <summary>The pieces in their byte-level stored form (" has" is "Ġhas"), in id order after the special tokens.</summary>
    public IReadOnlyList<string> StoredPieces { get; }

    public int Size => SpecialTokens.Count + StoredPieces.Count;

    /// <summary>Writes tokenizer.json (to a file, or into a directory) atomically; returns the special token ids.</summary>
    public IReadOnlyDictionary<string, int> Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) path = Path.Combine(path, "tokenizer.json");
        try
        {
            byte[] json = ToJson();
            AtomicFile.Write(path, stream => stream.Write(json));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Learn2PdException($"{path}: cannot write the tokenizer ({e.Message})", e);
        }
        return SpecialTokens.Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
    }

    private byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            for (int id = 0; id < SpecialTokens.Count; id++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("content", SpecialTokens[id]);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNull("normalizer");
            WriteByteLevel(json, "pre_tokenizer");
            json.WriteNull("post_processor");
            WriteByteLevel(json, "decoder");
            json.WriteStartObject("model");
            json.WriteString("type", "WordLevel");
            json.WriteStartObject("vocab");
            int next = 0;
            foreach (string token in SpecialTokens) json.WriteNumber(token, next++);
            foreach (string piece in StoredPieces) json.WriteNumber(piece, next++);
            json.WriteEndObject();
            json.WriteString("unk_token", UnknownToken);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteByteLevel(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }
}
