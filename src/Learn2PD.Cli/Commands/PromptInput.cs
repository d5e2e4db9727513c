using Learn2PD.Core;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Commands;

/// <summary>A prompt given as text or as ids, as token ids for the decoder.</summary>
internal static class PromptInput
{
    /// <summary>Checks that exactly one prompt source is given and the output suits it; true for an --input file.</summary>
    public static bool CheckSources(string? text, string? ids, string? inputFile, string outputKind, int batchSize, bool showsOneDecode)
    {
        if (new[] { text, ids, inputFile }.Count(x => x is not null) != 1)
            throw new Learn2PdException("give exactly one of --prompt TEXT, --prompt-ids 1,2,3 or --input FILE.jsonl");
        bool many = inputFile is not null;
        if (many != (outputKind == "jsonl")) throw new Learn2PdException(many ? "--input writes one line per prompt: add --output jsonl" : "--output jsonl goes with --input FILE.jsonl");
        if (batchSize < 1) throw new Learn2PdException($"--batch-size must be positive (got {batchSize})");
        if (many && showsOneDecode) throw new Learn2PdException("--stream and --trace-html show one decode: use them with --prompt or --prompt-ids");
        return many;
    }

    /// <summary>The prompts of `--prompt`, `--prompt-ids` or each line of an `--input` JSONL file, as token ids.</summary>
    public static int[][] All(string? text, string? ids, string? inputFile, bool chat, LLaDATokenizer? tokenizer, ModelConfig config, bool embedded, TextWriter warnings) =>
        inputFile is not null
            ? PromptFile.Read(inputFile).Select(line => Tokens(line.Text, chat, line.Ids, tokenizer, config, embedded, $"{inputFile}:{line.Line}", warnings)).ToArray()
            : [Tokens(text, chat, ids is null ? null : Tokenization.ParseIds(ids, "--prompt-ids"), tokenizer, config, embedded, text is null ? "--prompt-ids" : "--prompt", warnings)];

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
