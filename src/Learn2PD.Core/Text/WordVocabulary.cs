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
        TokenizerJsonWriter.Write(path, SpecialTokens, json =>
        {
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
        });
        return SpecialTokens.Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
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
