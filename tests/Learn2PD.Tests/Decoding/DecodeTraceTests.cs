using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Decoding;

/// <summary>The per-step trace tells which positions each step committed, with their confidences.</summary>
public sealed class DecodeTraceTests
{
    [SkippableFact]
    public void Trace_OneRecordPerForward_CommitsEveryAnswerPositionOnce()
    {
        var golden = GoldenCases.Load().Single(c => c.Name == "l2p_filter_nocache_b");
        var traces = new List<StepTrace>();

        var result = new BlockDecoder(GoldenModels.TinyModel()).Decode([golden.PromptIds], golden.Options, golden.Policy(), traces.Add);

        Assert.Equal(result.Rows[0].Nfe, traces.Count);
        var committed = traces.SelectMany(t => t.Committed.Select((c, j) => (c, position: t.AnswerOffset + j)).Where(x => x.c).Select(x => x.position)).ToList();
        Assert.Equal(Enumerable.Range(0, golden.Options.GenLength), committed.Order());
        Assert.True(traces.Zip(traces.Skip(1)).All(p => p.First.Block <= p.Second.Block), "blocks run left to right");
        // What a step commits is what the answer holds, and only masked positions are committed.
        foreach (var t in traces)
        {
            for (int j = 0; j < t.Committed.Length; j++)
            {
                if (!t.Committed[j]) continue;
                Assert.True(t.Masked[j]);
                Assert.Equal(result.Rows[0].AnswerIds[t.AnswerOffset + j], t.CommittedTokens[j]);
                Assert.InRange(t.Confidences[j], 0.0, 1.0);
            }
        }
    }

    [SkippableFact]
    public void Trace_EndOfTextCut_IsReportedWithTheNewLength()
    {
        var golden = GoldenCases.Load().Single(c => c.Name == "l2p_filter_eotp_nocache_b");
        var traces = new List<StepTrace>();

        var result = new BlockDecoder(GoldenModels.TinyModel()).Decode([golden.PromptIds], golden.Options, golden.Policy(), traces.Add);

        var cut = traces.First(t => t.CutLength is not null);
        Assert.Equal(golden.PromptIds.Length + result.Rows[0].AnswerIds.Length, traces.Last(t => t.CutLength is not null).CutLength);
        Assert.Equal(0, cut.Step);
    }
}
