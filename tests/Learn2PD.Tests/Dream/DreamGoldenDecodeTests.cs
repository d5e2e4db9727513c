using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// Every case of tests/golden/dream/*/decode_cases.json: Dream's own <c>diffusion_generate</c> (origin with
/// replayed draws, maskgit_plus, topk_margin, entropy, top-p/top-k, Fast-dLLM's threshold budget), Fast-dLLM's
/// Dream block sampler (prefix and dual cache; threshold and schedule) and the Learn2PD authors' Dream
/// sampler (filter, end-of-text prediction, caches), through the one decode loop: answer ids and NFE exact.
/// </summary>
public sealed class DreamGoldenDecodeTests
{
    public static TheoryData<string> CaseNames() => DreamGoldenCase.Names("decode_cases.json");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_MatchesDreamReferenceSamplers_Golden(string name)
    {
        var golden = DreamGoldenCase.Load(name);
        var decoder = new BlockDecoder(DreamGolden.Model(golden.Model));

        var result = decoder.Decode(golden.Prompts, golden.Options().Validate(), golden.CreatePolicy());

        for (int r = 0; r < golden.Prompts.Length; r++)
        {
            Assert.Equal(golden.ExpectedIds[r], result.Rows[r].AnswerIds);
            Assert.Equal(golden.ExpectedNfe, result.Rows[r].Nfe);
        }
    }

    [Fact]
    public void Decode_ByDefault_OriginStopsWhenTheAnswerIsComplete_WhereDreamRunsEveryPlannedStep()
    {
        // The reference's draws commit the last mask at step 15 of 16; its 16th forward draws nothing.
        var golden = DreamGoldenCase.Load("dream-tiny-a/dream_origin_s16_g16");
        var decoder = new BlockDecoder(DreamGolden.Model(golden.Model));

        var result = decoder.Decode(golden.Prompts, golden.Options() with { DreamQuirks = new() }, golden.CreatePolicy());

        Assert.Equal(golden.ExpectedIds[0], result.Rows[0].AnswerIds);
        Assert.Equal(golden.ExpectedNfe - 1, result.Rows[0].Nfe);
    }

    [Fact]
    public void Decode_ByDefault_TheFilterLeavesNoMask_WhereTheAuthorsDreamSamplerDoes()
    {
        var golden = DreamGoldenCase.Load("dream-tiny-a/l2pd_L2P+EoT_0.9_s64_b32_g64");
        var decoder = new BlockDecoder(DreamGolden.Model(golden.Model));
        long mask = decoder.Model.Config.MaskTokenId;
        Assert.Contains(mask, golden.ExpectedIds[0]);

        var result = decoder.Decode(golden.Prompts, golden.Options() with { DreamQuirks = new() }, new FilterPolicy(DreamGolden.Filter(), 0.9));

        Assert.DoesNotContain(mask, result.Rows[0].AnswerIds);
    }
}
