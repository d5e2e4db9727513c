using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Tests.Checkpoints;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Cli;

/// <summary>`l2pd tokenize` prints Hugging Face's ids and decoded text, and refuses what it cannot reproduce in one line.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TokenizeCommandTests
{
    public static TheoryData<string> Families() => new(SharedTokenizers.Families);

    [SkippableTheory]
    [MemberData(nameof(Families))]
    public void TokenizeJsonl_AnswersEveryCaseLikeHuggingFace(string family)
    {
        IReadOnlyList<HuggingFaceCase> cases = SharedTokenizers.Cases(family);
        using var temp = new TempDirectory();
        string input = temp.File("requests.jsonl");
        File.WriteAllLines(input, cases.Select(c => new JsonObject { ["text"] = c.Text, ["add_special_tokens"] = c.AddSpecialTokens }.ToJsonString()));

        var (code, output, error) = CliRunner.Run("tokenize", "--tokenizer", SharedTokenizers.TokenizerPath(family), "--input", input, "--output", "jsonl");

        Assert.True(code == 0, error);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(cases.Count, lines.Length);
        for (int i = 0; i < cases.Count; i++)
        {
            using var answer = JsonDocument.Parse(lines[i]);
            Assert.Equal(cases[i].Ids, answer.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(cases[i].Decoded, answer.RootElement.GetProperty("text").GetString());
        }
    }

    [SkippableFact]
    public void TokenizeText_WithSpecialTokens_PrintsIdsAndTheirDecode()
    {
        var (code, output, error) = CliRunner.Run("tokenize", "--tokenizer", SharedTokenizers.TokenizerPath("llama3"),
            "--text", "Hello world", "--add-special-tokens", "--output", "json");

        Assert.True(code == 0, error);
        Assert.Equal("{\"ids\":[128000,9906,1917],\"text\":\"<|begin_of_text|>Hello world\"}", output.Trim());
    }

    [SkippableFact]
    public void TokenizeIds_DecodesKeepingSpecialTokens()
    {
        var (code, output, error) = CliRunner.Run("tokenize", "--tokenizer", SharedTokenizers.TokenizerPath("bert-base-uncased"), "--ids", "101, 7592,2088,102");

        Assert.True(code == 0, error);
        Assert.Equal("{\"ids\":[101,7592,2088,102],\"text\":\"[CLS] hello world [SEP]\"}", output.Trim());
    }

    [SkippableTheory]
    [InlineData("precompiled", "normalizer 'Precompiled' is not supported")]
    [InlineData("unigram", "model.type 'Unigram' is not supported")]
    [InlineData("truncated", "not valid JSON")]
    public void Tokenize_FileItCannotReproduce_IsOneLineNamingTheComponent(string damage, string message)
    {
        using var temp = new TempDirectory();
        string path = temp.File("tokenizer.json");
        string original = File.ReadAllText(SharedTokenizers.TokenizerPath("mistral-7b-v0.1"));
        var json = (JsonObject)JsonNode.Parse(original)!;
        if (damage == "precompiled") json["normalizer"] = new JsonObject { ["type"] = "Precompiled", ["precompiled_charsmap"] = "AAAA" };
        if (damage == "unigram") json["model"]!["type"] = "Unigram";
        File.WriteAllText(path, damage == "truncated" ? original[..(original.Length / 2)] : json.ToJsonString());

        var (code, output, error) = CliRunner.Run("tokenize", "--tokenizer", path, "--text", "hello");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(path, error);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [SkippableTheory]
    [InlineData("--text a --ids 1", "give exactly one of --text TEXT, --ids 1,2,3 or --input FILE.jsonl")]
    [InlineData("--ids 1,x", "--ids: 'x' is not a token id")]
    [InlineData("--ids -1", "--ids: '-1' is not a token id")]
    [InlineData("--input REQUESTS", "use --output jsonl")]
    [InlineData("--input REQUESTS --output jsonl", "requests.jsonl:2: give exactly one of \"text\" or \"ids\"")]
    public void Tokenize_BadRequest_IsOneLineError(string arguments, string message)
    {
        using var temp = new TempDirectory();
        string requests = temp.File("requests.jsonl");
        File.WriteAllLines(requests, ["{\"text\": \"fine\"}", "{\"text\": \"a\", \"ids\": [1]}"]);
        string[] args = ["tokenize", "--tokenizer", SharedTokenizers.TokenizerPath("gpt2"), .. arguments.Replace("REQUESTS", requests).Split(' ')];

        var (code, _, error) = CliRunner.Run(args);

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", error);
    }
}
