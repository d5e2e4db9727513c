namespace Learn2PD.Core.Text;

/// <summary>id → token string of a vocabulary; where two strings share an id the first one listed wins.</summary>
internal static class ReverseVocabulary
{
    public static Dictionary<int, string> Of(IReadOnlyDictionary<string, int> vocab)
    {
        var tokens = new Dictionary<int, string>(vocab.Count);
        foreach ((string token, int id) in vocab) tokens.TryAdd(id, token);
        return tokens;
    }
}
