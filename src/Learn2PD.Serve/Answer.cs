namespace Learn2PD.Serve;

/// <summary>
/// What a client gets of a row's answer ids: the tokens before the first end-of-text, at most
/// max_tokens of them, and why it ended ("stop": end-of-text; "length": the cap or the canvas).
/// </summary>
internal sealed record Answer(long[] Ids, string FinishReason)
{
    public static Answer From(ReadOnlySpan<long> ids, long endOfText, int maxTokens)
    {
        int end = ids.IndexOf(endOfText);
        if (end >= 0 && end <= maxTokens) return new Answer(ids[..end].ToArray(), "stop");
        return new Answer(ids[..Math.Min(ids.Length, maxTokens)].ToArray(), "length");
    }

    /// <summary>Whether a streamed prefix already holds the whole answer (it reached end-of-text or the cap).</summary>
    public static bool IsComplete(ReadOnlySpan<long> prefix, long endOfText, int maxTokens) =>
        prefix.IndexOf(endOfText) >= 0 || prefix.Length >= maxTokens;

    public string Text(ServedModel model) => model.Tokenizer.Decode(Ids.Select(id => (int)id), skipSpecialTokens: true);
}
