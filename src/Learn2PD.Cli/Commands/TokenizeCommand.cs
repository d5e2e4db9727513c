using System.CommandLine;
using Learn2PD.Core;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd tokenize --tokenizer FILE (--text T | --ids 1,2,3 | --input FILE.jsonl) [--add-special-tokens] --output json|jsonl</c>:
/// what l2pd's loader makes of a tokenizer.json, as Hugging Face's <c>encode</c>/<c>decode</c> would print it
/// (see <see cref="Tokenization"/>), so it can be compared with HF on any file. A file the loader cannot reproduce
/// exactly fails with one line naming the component.
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json, or a model directory holding one", Required = true };
        var text = new Option<string?>("--text") { Description = "Text to encode (the answer's text is the decode of its ids, special tokens kept)" };
        var ids = new Option<string?>("--ids") { Description = "Comma-separated token ids to decode, e.g. 1,2,3" };
        var input = new Option<string?>("--input") { Description = "JSONL file of requests, one a line: {\"text\": ..., \"add_special_tokens\": bool} or {\"ids\": [...]}" };
        var addSpecialTokens = new Option<bool>("--add-special-tokens") { Description = "Apply the post-processor (e.g. Llama 3's BOS, BERT's [CLS] ... [SEP]); with --input, the default for lines that do not say" };
        var output = new Option<string>("--output") { Description = "json (one object) or jsonl (one line per request; needed with --input)", DefaultValueFactory = _ => "json" };
        var command = new Command("tokenize", "Encode text or decode ids with a tokenizer.json exactly as Hugging Face's tokenizers does; prints {\"ids\": [...], \"text\": \"...\"}");
        command.Options.Add(tokenizer);
        command.Options.Add(text);
        command.Options.Add(ids);
        command.Options.Add(input);
        command.Options.Add(addSpecialTokens);
        command.Options.Add(output);
        output.AcceptOnlyFromAmong("json", "jsonl");
        CommandAction.Set(command, (parse, io) => Run(parse.GetValue(tokenizer)!, parse.GetValue(text), parse.GetValue(ids),
            parse.GetValue(input), parse.GetValue(addSpecialTokens), parse.GetValue(output)!, io.Out));
        return command;
    }

    internal static int Run(string tokenizerPath, string? text, string? ids, string? input, bool addSpecialTokens, string output, TextWriter writer)
    {
        if (new[] { text, ids, input }.Count(v => v is not null) != 1)
            throw new Learn2PdException("give exactly one of --text TEXT, --ids 1,2,3 or --input FILE.jsonl");
        if (output is not ("json" or "jsonl")) throw new Learn2PdException($"--output must be json or jsonl (got '{output}')");
        if (input is not null && output != "jsonl") throw new Learn2PdException("--input answers one line per request: use --output jsonl");
        if (ids is not null && addSpecialTokens) throw new Learn2PdException("--add-special-tokens applies to --text, not --ids");

        var tokenizer = LLaDATokenizer.Load(tokenizerPath);
        IEnumerable<Tokenization> answers = input is not null ? Tokenization.FromJsonl(tokenizer, input, addSpecialTokens)
            : text is not null ? [Tokenization.OfText(tokenizer, text, addSpecialTokens)]
            : [Tokenization.OfIds(tokenizer, Tokenization.ParseIds(ids!, "--ids"))];
        foreach (Tokenization answer in answers) writer.WriteLine(answer.ToJson());
        return 0;
    }
}
