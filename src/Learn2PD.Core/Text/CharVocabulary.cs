using System.Text;

namespace Learn2PD.Core.Text;

/// <summary>
/// A character-level vocabulary written as a tokenizer.json that both <see cref="LLaDATokenizer"/> and
/// Hugging Face <c>tokenizers</c> load: model "BPE" whose vocabulary is the special tokens and then the single
/// characters (Unicode scalar values, ascending), no merges, no normalizer or pre-tokenizer (so every
/// character, spaces and newlines included, is its own token) and the "Fuse" decoder (which concatenates
/// tokens instead of joining them with spaces). Ids: <see cref="SpecialToken.EndOfText"/> 0,
/// <see cref="SpecialToken.Mask"/> 1, any extra special tokens next, then the characters.
/// Text with a character outside the set loses that character when encoded, as in HF.
/// </summary>
public sealed class CharVocabulary
{
    public CharVocabulary(IEnumerable<Rune> characters, params IEnumerable<string> extraSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(characters);
        ArgumentNullException.ThrowIfNull(extraSpecialTokens);
        Characters = characters.Distinct().Order().ToArray();
        if (Characters.Count == 0) throw new ArgumentException("a character vocabulary needs at least one character", nameof(characters));

        string[] specials = [SpecialToken.EndOfText, SpecialToken.Mask, .. extraSpecialTokens];
        if (specials.FirstOrDefault(string.IsNullOrEmpty) is not null)
            throw new ArgumentException("special tokens must be non-empty", nameof(extraSpecialTokens));
        if (specials.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"special token {twice.Key} is given twice", nameof(extraSpecialTokens));
        // A one-character special token would take that character's place in the vocabulary.
        if (specials.FirstOrDefault(s => Rune.TryGetRuneAt(s, 0, out Rune r) && r.Utf16SequenceLength == s.Length && Characters.Contains(r)) is { } clash)
            throw new ArgumentException($"special token '{clash}' is also one of the characters", nameof(extraSpecialTokens));
        SpecialTokens = specials;
        SpecialTokenIds = specials.Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
    }

    /// <summary>The vocabulary of every distinct character that occurs in <paramref name="text"/>.</summary>
    public static CharVocabulary FromText(string text, params IEnumerable<string> extraSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new CharVocabulary(text.EnumerateRunes(), extraSpecialTokens);
    }

    /// <summary>The special tokens; the i-th has id i.</summary>
    public IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>The characters in ascending order; the i-th has id <c>SpecialTokens.Count + i</c>.</summary>
    public IReadOnlyList<Rune> Characters { get; }

    public IReadOnlyDictionary<string, int> SpecialTokenIds { get; }

    /// <summary>Number of ids: special tokens plus characters.</summary>
    public int Size => SpecialTokens.Count + Characters.Count;

    /// <summary>
    /// Writes tokenizer.json to <paramref name="path"/> (a file, or a directory to write tokenizer.json into)
    /// through a temporary file and a rename, so a reader never sees half a file. Returns the special token ids.
    /// </summary>
    public IReadOnlyDictionary<string, int> Write(string path)
    {
        TokenizerJsonWriter.Write(path, SpecialTokens, json =>
        {
            json.WriteNull("normalizer");
            json.WriteNull("pre_tokenizer");
            json.WriteNull("post_processor");
            json.WriteStartObject("decoder");
            json.WriteString("type", "Fuse");
            json.WriteEndObject();
            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            json.WriteNull("unk_token");
            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", false);
            json.WriteBoolean("byte_fallback", false);
            json.WriteStartObject("vocab");
            int id = 0;
            foreach (string token in SpecialTokens) json.WriteNumber(token, id++);
            foreach (Rune character in Characters) json.WriteNumber(character.ToString(), id++);
            json.WriteEndObject();
            json.WriteStartArray("merges");
            json.WriteEndArray();
            json.WriteEndObject();
        });
        return SpecialTokenIds;
    }
}
