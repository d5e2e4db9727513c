using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// Left-padded batches decode each row as if alone: RoPE is relative, so a shifted prompt with its
/// padding masked out attends the same way (the golden cases are robust to 1e-5 logit noise).
/// </summary>
public sealed class BatchDecodeTests
{
    [SkippableTheory]
    [InlineData("llada_fixed_1tok_per_step", "fastdllm_fixed_nocache")]
    [InlineData("fastdllm_thr50_nocache", "fastdllm_thr90_nocache")]
    [InlineData("l2p_filter_nocache_a", "l2p_filter_nocache_d")]
    [InlineData("l2p_filter_eotp_nocache_b", "l2p_filter_eotp_nocache_d")]
    [InlineData("fastdllm_thr50_prefix", "fastdllm_thr90_prefix")]
    [InlineData("fastdllm_thr50_dual", "fastdllm_thr90_dual")]
    [InlineData("l2p_filter_eotp_dual_a", "l2p_filter_eotp_dual_d")]
    public void Decode_TwoPromptsOfDifferentLengthsInOneBatch_MatchesEachAlone(string first, string second)
    {
        var cases = GoldenCases.Load();
        var a = cases.Single(c => c.Name == first);
        var b = cases.Single(c => c.Name == second);
        Assert.Equal(a.Options with { Seed = 0 }, b.Options with { Seed = 0, Refinement = a.Options.Refinement, EndOfTextPrediction = a.Options.EndOfTextPrediction });
        var decoder = new BlockDecoder(GoldenModels.TinyModel());

        var result = decoder.Decode([a.PromptIds, b.PromptIds], a.Options, a.Policy());

        Assert.Equal(a.ExpectedIds, result.Rows[0].AnswerIds);
        Assert.Equal(a.ExpectedNfe, result.Rows[0].Nfe);
        var alone = decoder.Decode([b.PromptIds], a.Options, a.Policy()).Rows[0];
        Assert.Equal(alone.AnswerIds, result.Rows[1].AnswerIds);
        Assert.Equal(alone.Nfe, result.Rows[1].Nfe);
    }
}
