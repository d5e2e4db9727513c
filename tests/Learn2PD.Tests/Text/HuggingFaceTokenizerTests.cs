using Learn2PD.Core.Text;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Text;

/// <summary>
/// Real tokenizer.json files give exactly Hugging Face's ids and decoded text on every case of
/// <c>../shared/tokenizers/&lt;family&gt;/cases.json</c> (56 texts, each without and with special tokens).
/// </summary>
public sealed class HuggingFaceTokenizerTests
{
    public static TheoryData<string> Families() => new(SharedTokenizers.Families);

    [SkippableTheory]
    [MemberData(nameof(Families))]
    public void EncodeAndDecode_MatchHuggingFace_OnEveryCase(string family)
    {
        IReadOnlyList<HuggingFaceCase> cases = SharedTokenizers.Cases(family);
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(SharedTokenizers.TokenizerPath(family));

        var failures = new List<string>();
        foreach (HuggingFaceCase c in cases)
        {
            int[] ids = tokenizer.Encode(c.Text, c.AddSpecialTokens).ToArray();
            if (!ids.SequenceEqual(c.Ids))
                failures.Add($"{c.Name}: ids [{string.Join(",", ids.Take(40))}] expected [{string.Join(",", c.Ids.Take(40))}]");
            if (tokenizer.Decode(c.Ids) is var decoded && decoded != c.Decoded)
                failures.Add($"{c.Name}: decoded {Quote(decoded)} expected {Quote(c.Decoded)}");
            if (tokenizer.Decode(c.Ids, skipSpecialTokens: true) is var skipped && skipped != c.DecodedSkipSpecial)
                failures.Add($"{c.Name}: decoded (skip special) {Quote(skipped)} expected {Quote(c.DecodedSkipSpecial)}");
        }
        Assert.True(failures.Count == 0, $"{family}: {failures.Count} mismatches over {cases.Count} cases:\n{string.Join("\n", failures.Take(25))}");
    }

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s.Length > 120 ? s[..120] + "…" : s);
}
