using Learn2PD.Core.Model;
using System.Text.Json;
using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// The 30 reference decodes of llada-tiny (LLaDA, Fast-dLLM and Learn2PD samplers, fp32): every
/// case must reproduce the reference's answer ids and NFE exactly.
/// </summary>
public sealed class GoldenDecodeTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        // The list is read at discovery time; without ../shared there is one placeholder that skips (or fails under CI).
        var cases = GoldenCases.TryLoad();
        if (cases is null) data.Add("(golden data missing)");
        else foreach (var c in cases) data.Add(c.Name);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Decode_MatchesReferenceIdsAndNfe(string name)
    {
        var golden = GoldenCases.Load().Single(c => c.Name == name);
        var decoder = new BlockDecoder(GoldenModels.TinyModel());

        var result = decoder.Decode([golden.PromptIds], golden.Options, golden.Policy());

        Assert.Equal(golden.ExpectedIds, result.Rows[0].AnswerIds);
        Assert.Equal(golden.ExpectedNfe, result.Rows[0].Nfe);
    }
}

/// <summary>One case of decode_cases.json, mapped onto this project's options and a registered method.</summary>
internal sealed record GoldenCase(string Name, int[] PromptIds, long[] ExpectedIds, int ExpectedNfe, DecodeOptions Options, DecodingMethod Method)
{
    public ICommitPolicy Policy() =>
        Method.CreatePolicy(Method.NeedsFilter ? new PolicyInputs(new Learn2PD.Core.Filter.LoadedFilter(GoldenModels.Filter(), 0.9, "golden")) : new PolicyInputs());
}

internal static class GoldenCases
{
    private static readonly Lazy<IReadOnlyList<GoldenCase>?> Cases = new(Read);

    public static IReadOnlyList<GoldenCase>? TryLoad() => Cases.Value;

    public static IReadOnlyList<GoldenCase> Load()
    {
        GoldenData.Require();
        return Cases.Value ?? throw new InvalidOperationException("decode_cases.json missing");
    }

    private static IReadOnlyList<GoldenCase>? Read()
    {
        if (GoldenData.Root is null) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenData.Root, "llada-tiny", "decode_cases.json")));
        var list = new List<GoldenCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string reference = c.GetProperty("reference").GetString()!;
            string cache = c.GetProperty("cache").GetString()!;
            var options = new DecodeOptions
            {
                GenLength = c.GetProperty("gen_length").GetInt32(),
                BlockLength = c.GetProperty("block_length").GetInt32(),
                Steps = c.GetProperty("steps").GetInt32(),
                EndOfTextPrediction = c.GetProperty("eotp").GetBoolean(),
                EndOfTextRule = EndOfTextRule.Paper,
                Cache = cache switch { "prefix" => CacheKind.Prefix, "dual" => CacheKind.Dual, _ => CacheKind.None },
                // Fast-dLLM's first release ran its cache refinement as a do-while loop.
                Refinement = reference.StartsWith("NVlabs/Fast-dLLM", StringComparison.Ordinal) ? RefinementLoop.DoWhile : RefinementLoop.CheckFirst,
                // The reference's dual cache keeps attending to positions an end-of-text cut removed.
                TrimCacheAtCut = false,
                Temperature = c.GetProperty("temperature").GetDouble(),
                CfgScale = c.TryGetProperty("cfg_scale", out var cfg) ? cfg.GetDouble() : 0,
            }.Validate();
            list.Add(new GoldenCase(
                c.GetProperty("name").GetString()!,
                c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("expected_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                c.GetProperty("expected_nfe").GetInt32(),
                options,
                DecodingMethods.Compose(c.GetProperty("policy").GetString()! switch
                {
                    "fixed" => PolicyKind.Fixed,
                    "threshold" => PolicyKind.Threshold,
                    "filter" => PolicyKind.Filter,
                    var other => throw new InvalidOperationException($"unknown policy {other}"),
                }, options.EndOfTextPrediction, options.Cache,
                c.TryGetProperty("threshold", out var t) ? t.GetDouble() : c.TryGetProperty("accept_thres", out var a) ? a.GetDouble() : null)));
        }
        return list;
    }
}
