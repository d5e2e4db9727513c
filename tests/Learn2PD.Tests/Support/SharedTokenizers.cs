using System.Text.Json;

namespace Learn2PD.Tests.Support;

/// <summary>One text of a family's cases.json with what Hugging Face's <c>tokenizers</c> gives for it.</summary>
internal sealed record HuggingFaceCase(string Name, string Text, bool AddSpecialTokens, int[] Ids, string Decoded, string DecodedSkipSpecial);

/// <summary>
/// The real tokenizer.json files and Hugging Face's ids for them in <c>../shared/tokenizers/&lt;family&gt;</c>
/// (beside the golden data). Missing: the tests skip, or fail under CI (CI=true), as <see cref="GoldenData"/> does.
/// </summary>
internal static class SharedTokenizers
{
    public static IReadOnlyList<string> Families { get; } = ["gpt2", "llama3", "mistral-7b-v0.1", "bert-base-uncased"];

    public static string? Root { get; } = Locate();

    public static string TokenizerPath(string family) => File(family, "tokenizer.json");

    public static IReadOnlyList<HuggingFaceCase> Cases(string family)
    {
        using JsonDocument document = JsonDocument.Parse(System.IO.File.ReadAllBytes(File(family, "cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new HuggingFaceCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("text").GetString()!,
            c.GetProperty("add_special_tokens").GetBoolean(),
            c.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray(),
            c.GetProperty("decoded").GetString()!,
            c.GetProperty("decoded_skip_special").GetString()!)).ToList();
    }

    public static string File(string family, string name)
    {
        if (Root is null)
        {
            const string reason = "../shared/tokenizers is not beside the repository";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail(reason + "; under CI this is a failure");
            Skip.If(true, reason);
        }
        string path = Path.Combine(Root!, family, name);
        Assert.True(System.IO.File.Exists(path), $"shared tokenizer file missing: {path}");
        return path;
    }

    private static string? Locate()
    {
        string[] candidates =
        [
            .. GoldenData.Root is { } golden ? [Path.Combine(golden, "..", "tokenizers")] : Array.Empty<string>(),
            Path.Combine(GoldenData.RepoRoot, "..", "shared", "tokenizers"),
        ];
        return candidates.Select(Path.GetFullPath).FirstOrDefault(Directory.Exists);
    }
}
