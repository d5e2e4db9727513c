using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// An entry of tokenizer.json's <c>added_tokens</c>, with the id Hugging Face gives it; <c>Special</c> ones are
/// dropped by skip-special decoding, <c>Normalized</c> ones are matched in normalized text.
/// </summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LeftStrip, bool RightStrip);

/// <summary>A stretch of text between added tokens (<c>TokenId</c> null), or one added token.</summary>
internal readonly record struct TextSegment(string Text, int? TokenId, bool AtTextStart);

/// <summary>
/// HF's added vocabulary (<c>tokenizer/added_vocabulary.rs</c>): tokens with <c>normalized</c> false are cut out of
/// the raw text first (leftmost-longest), each remaining stretch is normalized, then the normalized tokens are cut out
/// of it; <c>lstrip</c>/<c>rstrip</c> tokens swallow the whitespace beside them.
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<string, AddedToken> _raw;
    private readonly Dictionary<string, AddedToken> _normalized;
    private readonly Regex? _rawPattern;
    private readonly Regex? _normalizedPattern;
    private readonly TextNormalizer? _normalizer;

    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, TextNormalizer? normalizer)
    {
        _normalizer = normalizer;
        // A normalized token is matched (and decoded) in its normalized form.
        _raw = tokens.Where(t => !t.Normalized || normalizer is null).ToDictionary(t => t.Content, StringComparer.Ordinal); // contents are distinct
        _normalized = tokens.Where(t => t.Normalized && normalizer is not null)
            .GroupBy(t => normalizer!.Normalize(t.Content), StringComparer.Ordinal)
            .Where(g => g.Key.Length > 0)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _rawPattern = Alternation(_raw.Keys);
        _normalizedPattern = Alternation(_normalized.Keys);
        var decoded = new Dictionary<int, string>();
        foreach (AddedToken t in tokens) decoded[t.Id] = t.Normalized && normalizer is not null ? normalizer.Normalize(t.Content) : t.Content;
        DecodedForm = decoded;
    }

    /// <summary>What each added token's id decodes to (its normalized form when it is matched normalized, as in HF).</summary>
    public IReadOnlyDictionary<int, string> DecodedForm { get; }

    public List<TextSegment> Split(string text)
    {
        var segments = new List<TextSegment>();
        foreach (TextSegment raw in Cut(text, _rawPattern, _raw, atTextStart: true))
        {
            if (raw.TokenId is not null) { segments.Add(raw); continue; }
            string normalized = _normalizer?.Normalize(raw.Text) ?? raw.Text;
            segments.AddRange(Cut(normalized, _normalizedPattern, _normalized, raw.AtTextStart));
        }
        return segments;
    }

    private static IEnumerable<TextSegment> Cut(string text, Regex? pattern, Dictionary<string, AddedToken> tokens, bool atTextStart)
    {
        if (text.Length == 0) yield break;
        int start = 0;
        for (Match m = pattern?.Match(text) ?? Match.Empty; m.Success; m = m.NextMatch())
        {
            // Matches are found as if no token stripped anything (as HF does); one inside whitespace that the
            // previous token's rstrip swallowed is skipped.
            if (m.Index < start) continue;
            AddedToken token = tokens[m.Value];
            int from = m.Index, to = m.Index + m.Length;
            if (token.LeftStrip) while (from > start && char.IsWhiteSpace(text[from - 1])) from--;
            if (token.RightStrip) while (to < text.Length && char.IsWhiteSpace(text[to])) to++;
            if (from > start) yield return new TextSegment(text[start..from], null, atTextStart && start == 0);
            yield return new TextSegment(text[from..to], token.Id, atTextStart && from == 0);
            start = to;
        }
        if (start < text.Length) yield return new TextSegment(text[start..], null, atTextStart && start == 0);
    }

    // Longest first, so that at one position the alternation prefers the longest token (leftmost-longest).
    private static Regex? Alternation(IEnumerable<string> tokens)
    {
        string[] alternatives = tokens.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).Select(Regex.Escape).ToArray();
        return alternatives.Length == 0 ? null : new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
    }
}
