namespace Learn2PD.Core.Text;

/// <summary>
/// The LLaDA-8B-Instruct chat template, rendered to text that is then tokenized as a whole, as
/// <c>apply_chat_template</c> followed by <c>tokenizer(..., add_special_tokens=False)</c> does:
/// BOS once, then per message <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content.strip()}&lt;|eot_id|&gt;</c>,
/// then always the assistant header that opens the answer.
/// </summary>
public static class ChatTemplate
{
    /// <summary>The special tokens the rendered text relies on; a tokenizer without them cannot encode it.</summary>
    public static IReadOnlyList<string> RequiredTokens { get; } =
        [SpecialToken.StartOfText, SpecialToken.StartHeader, SpecialToken.EndHeader, SpecialToken.EndOfTurn];

    public static string Render(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("a chat needs at least one message", nameof(messages));

        var text = new System.Text.StringBuilder(SpecialToken.StartOfText);
        foreach (ChatMessage message in messages)
        {
            text.Append(SpecialToken.StartHeader).Append(message.Role).Append(SpecialToken.EndHeader).Append("\n\n")
                .Append(PythonStrip(message.Content)).Append(SpecialToken.EndOfTurn);
        }
        return text.Append(SpecialToken.StartHeader).Append("assistant").Append(SpecialToken.EndHeader).Append("\n\n").ToString();
    }

    // Jinja's `trim` is Python's str.strip(), whose whitespace also covers the separators U+001C..U+001F
    // that char.IsWhiteSpace (and so string.Trim) leaves alone.
    private static string PythonStrip(string s)
    {
        static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';
        int start = 0, end = s.Length;
        while (start < end && IsPythonSpace(s[start])) start++;
        while (end > start && IsPythonSpace(s[end - 1])) end--;
        return s[start..end];
    }
}
