namespace Learn2PD.Core.Text;

/// <summary>HF's WordLevel model: the whole piece (in its stored, byte-level form when byte-level) is one entry, or the unknown token.</summary>
internal sealed class WordLevelModel(IReadOnlyDictionary<string, int> vocab, int unknownId, bool byteLevel) : ITokenModel
{
    private readonly Dictionary<int, string> _tokens = ReverseVocabulary.Of(vocab);

    public IReadOnlyDictionary<string, int> Vocab => vocab;

    public void Tokenize(string piece, List<int> ids) =>
        ids.Add(vocab.TryGetValue(byteLevel ? ByteLevelAlphabet.Encode(piece) : piece, out int id) ? id : unknownId);

    public string? IdToToken(int id) => _tokens.GetValueOrDefault(id);
}
