namespace Learn2PD.Core.Text;

/// <summary>
/// HF's WordPiece model (<c>models/wordpiece</c>): greedy longest-match-first over the piece, every sub-word after the
/// first looked up with the continuing prefix ("##"); a piece longer than <c>maxChars</c> characters, or one that cannot
/// be covered, is a single unknown token.
/// </summary>
internal sealed class WordPieceModel(IReadOnlyDictionary<string, int> vocab, int unknownId, string prefix, int maxChars) : ITokenModel
{
    private readonly Dictionary<int, string> _tokens = ReverseVocabulary.Of(vocab);

    public IReadOnlyDictionary<string, int> Vocab => vocab;

    public void Tokenize(string piece, List<int> ids)
    {
        if (piece.EnumerateRunes().Count() > maxChars) { ids.Add(unknownId); return; }
        int first = ids.Count;
        for (int start = 0; start < piece.Length;)
        {
            int end = piece.Length;
            int? found = null;
            while (end > start)
            {
                string candidate = start > 0 ? prefix + piece[start..end] : piece[start..end];
                if (vocab.TryGetValue(candidate, out int id)) { found = id; break; }
                end -= char.IsLowSurrogate(piece[end - 1]) && end - 2 >= start ? 2 : 1; // one character (scalar value) shorter
            }
            if (found is not { } match)
            {
                ids.RemoveRange(first, ids.Count - first);
                ids.Add(unknownId);
                return;
            }
            ids.Add(match);
            start = end;
        }
    }

    public string? IdToToken(int id) => _tokens.GetValueOrDefault(id);
}
