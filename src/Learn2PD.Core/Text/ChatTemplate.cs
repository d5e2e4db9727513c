namespace Learn2PD.Core.Text;

/// <summary>
/// The LLaDA-8B-Instruct chat template, rendered to text that is then tokenized as a whole, as
/// <c>apply_chat_template</c> followed by <c>tokenizer(..., add_special_tokens=False)</c> does:
/// BOS once, then per message <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content.strip()}&lt;|eot_id|&gt;</c>,
/// then always the assistant header that opens the answer.
/// </summary>
public static class ChatTemplate
{
    /// <summary>The Jinja source of that template, as LLaDA-8B-Instruct's tokenizer_config.json writes it.</summary>
    public const string LLaDAInstructJinja =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + "
        + "'<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
        + "{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}";

    /// <summary>The special tokens the rendered text relies on; a tokenizer without them cannot encode it.</summary>
    public static IReadOnlyList<string> RequiredTokens { get; } =
        [SpecialToken.StartOfText, SpecialToken.StartHeader, SpecialToken.EndHeader, SpecialToken.EndOfTurn];

    /// <summary>Whether a tokenizer_config.json template is this one (up to surrounding whitespace), so rendering it here is exact.</summary>
    public static bool IsLLaDAInstruct(string jinja)
    {
        ArgumentNullException.ThrowIfNull(jinja);
        return jinja.Trim().ReplaceLineEndings("\n") == LLaDAInstructJinja;
    }

    public static string Render(IReadOnlyList<ChatMessage> messages) => Render(messages, SpecialToken.StartOfText);

    /// <param name="bosToken">The template's <c>bos_token</c> (tokenizer_config.json's, LLaDA's <see cref="SpecialToken.StartOfText"/>).</param>
    public static string Render(IReadOnlyList<ChatMessage> messages, string bosToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(bosToken);
        if (messages.Count == 0) throw new ArgumentException("a chat needs at least one message", nameof(messages));

        var text = new System.Text.StringBuilder(bosToken);
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
