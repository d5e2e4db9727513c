using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Learn2PD.Core.Text;

/// <summary>
/// Hugging Face pre-tokenization for <see cref="BpeTokenizer"/>: added tokens are cut out of the raw text
/// first (leftmost-longest, as HF's added vocabulary does), then every other segment goes through the
/// tokenizer.json Split patterns in order, with HF's "Isolated" behaviour: both the matches and the text
/// between them become pieces. (<see cref="RegexPreTokenizer"/> keeps only the matches, which silently
/// drops whatever a pattern does not cover, e.g. spaces for a word-only pattern.)
/// </summary>
internal sealed class SplitPreTokenizer : PreTokenizer
{
    private readonly Regex? _addedTokens;
    private readonly IReadOnlyList<Regex> _patterns;

    public SplitPreTokenizer(IEnumerable<string> addedTokens, IReadOnlyList<Regex> patterns)
    {
        // Longest first, so that at one position the alternation prefers the longest token.
        string[] alternatives = addedTokens.Distinct().OrderByDescending(t => t.Length).Select(Regex.Escape).ToArray();
        _addedTokens = alternatives.Length == 0 ? null : new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
        _patterns = patterns;
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        var pieces = new List<(int Offset, int Length)>();
        int start = 0;
        if (_addedTokens != null)
        {
            for (Match m = _addedTokens.Match(text); m.Success; m = m.NextMatch())
            {
                SplitSegment(text, start, m.Index - start, pieces);
                pieces.Add((m.Index, m.Length));
                start = m.Index + m.Length;
            }
        }
        SplitSegment(text, start, text.Length - start, pieces);
        return pieces;
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => PreTokenize(text.ToString());

    private void SplitSegment(string text, int offset, int length, List<(int Offset, int Length)> pieces)
    {
        if (length == 0) return;
        List<(int Offset, int Length)> current = [(offset, length)];
        foreach (Regex pattern in _patterns)
        {
            var next = new List<(int Offset, int Length)>();
            foreach ((int pieceOffset, int pieceLength) in current) Isolate(pattern, text, pieceOffset, pieceLength, next);
            current = next;
        }
        pieces.AddRange(current);
    }

    private static void Isolate(Regex pattern, string text, int offset, int length, List<(int Offset, int Length)> output)
    {
        // Match(text, beginning, length) treats the piece as the whole input, as HF does: lookarounds such
        // as \s+(?!\S) do not see past the piece's end.
        int at = offset, end = offset + length;
        for (Match m = pattern.Match(text, offset, length); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            if (m.Index > at) output.Add((at, m.Index - at));
            output.Add((m.Index, m.Length));
            at = m.Index + m.Length;
        }
        if (at < end) output.Add((at, end - at));
    }
}
