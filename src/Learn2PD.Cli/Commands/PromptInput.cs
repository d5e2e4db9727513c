using Learn2PD.Core;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Commands;

/// <summary>A prompt given as text or as ids, as token ids for the decoder.</summary>
internal static class PromptInput
{
    /// <summary>Token ids of a prompt: ids as given (checked), or text through the tokenizer (and chat template).</summary>
    public static int[] Tokens(string? text, bool chat, IReadOnlyList<int>? ids, LLaDATokenizer? tokenizer, ModelConfig config, bool embedded, string what, TextWriter warnings)
    {
        if (ids is not null) return PromptIds.Prompt(ids, config, what);
        if (string.IsNullOrWhiteSpace(text)) throw new Learn2PdException($"{what} is empty");
        if (tokenizer is null) throw new Learn2PdException("this model has no tokenizer.json: pass --prompt-ids instead of --prompt");
        // The embedded model was trained on lm-eval's GSM8K format: a bare question gets that frame.
        int[] encoded = new PromptEncoder(tokenizer, chat ? ChatMode.On : ChatMode.Off).Encode(embedded ? EmbeddedModel.FrameQuestion(text) : text, what);
        var unknown = embedded ? EmbeddedModel.UnknownWords(tokenizer, text, encoded) : [];
        if (unknown.Count > 0)
            warnings.WriteLine($"warning: {what}: the embedded model does not know {string.Join(", ", unknown.Select(w => $"'{w}'"))}; it knows its arithmetic task's words only (`l2pd export-task` shows its problems), so the answer may be wrong");
        return encoded;
    }
}
