namespace Learn2PD.Core.Text;

/// <summary>Whether a prompt goes through the tokenizer's chat template.</summary>
public enum ChatMode
{
    /// <summary>When the tokenizer has one (instruct models), the whole prompt as one user message.</summary>
    Auto,
    On,
    Off,
}

/// <summary>
/// The one way prompt text becomes token ids: the tokenizer, through the chat template as one user
/// message when <see cref="ChatMode"/> says so (lm-eval hands an instruct model its whole context,
/// few-shot examples included, that way).
/// </summary>
public sealed class PromptEncoder(LLaDATokenizer tokenizer, ChatMode chat = ChatMode.Auto)
{
    public LLaDATokenizer Tokenizer { get; } = tokenizer;

    /// <summary>Whether prompts go through the chat template.</summary>
    public bool UsesChatTemplate { get; } = chat switch
    {
        ChatMode.On when !tokenizer.HasChatTemplate =>
            throw new Learn2PdException($"{tokenizer.Path}: the model has no chat template (tokenizer_config.json has no chat_template)"),
        ChatMode.On => true,
        ChatMode.Off => false,
        _ => tokenizer.HasChatTemplate,
    };

    /// <summary>The prompt's ids; an empty prompt, or one that encodes to nothing, is an error naming <paramref name="what"/>.</summary>
    public int[] Encode(string prompt, string what = "the prompt")
    {
        if (string.IsNullOrWhiteSpace(prompt)) throw new Learn2PdException($"{what} is empty");
        int[] ids = (UsesChatTemplate ? Tokenizer.EncodeChat([new ChatMessage("user", prompt)]) : Tokenizer.Encode(prompt)).ToArray();
        return ids.Length > 0 ? ids : throw new Learn2PdException($"{what} encodes to no tokens");
    }
}
