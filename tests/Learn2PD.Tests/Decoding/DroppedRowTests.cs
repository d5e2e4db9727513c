using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// A row its caller drops (a server's client went away) ends where it is: no more NFE, an empty
/// answer, and the other rows of its batch decode exactly as they would have.
/// </summary>
public sealed class DroppedRowTests
{
    private static readonly Lazy<PretrainedModel> Tiny = new(() => PretrainedModel.Load(EvalFixture.ModelDirectory, ScalarType.Float32, CPU));
    private static readonly int[][] Prompts = [[5, 6, 7, 8, 9], [10, 11, 12]];

    [Theory]
    [InlineData(CacheKind.None)]
    [InlineData(CacheKind.Dual)]
    public void Decode_DroppedRow_StopsSpendingNfe_AndTheOtherRowIsUnchanged(CacheKind cache)
    {
        var decoder = new BlockDecoder(Tiny.Value.Model);
        var options = new DecodeOptions { GenLength = 32, BlockLength = 8, Steps = 32, Cache = cache }.Validate();
        var full = decoder.Decode(Prompts, options, new FixedSchedulePolicy(), _ => { });
        int stepsOfRow1 = 0;

        var result = decoder.Decode(Prompts, options, new FixedSchedulePolicy(), t => stepsOfRow1 += t.Row == 1 ? 1 : 0,
            dropped: row => row == 1 && stepsOfRow1 >= 3);

        Assert.Equal(full.Rows[0].AnswerIds, result.Rows[0].AnswerIds);
        Assert.Equal(full.Rows[0].Nfe, result.Rows[0].Nfe);
        Assert.Equal(3, result.Rows[1].Nfe);
        Assert.Empty(result.Rows[1].AnswerIds);
    }

    [Fact]
    public void Decode_EveryRowDropped_RunsNoMoreForwards()
    {
        var decoder = new BlockDecoder(Tiny.Value.Model);
        var options = new DecodeOptions { GenLength = 32, BlockLength = 8, Steps = 32 }.Validate();
        int steps = 0;

        var result = decoder.Decode(Prompts, options, new FixedSchedulePolicy(), _ => steps++, dropped: _ => steps >= 4);

        Assert.Equal(2, result.Forwards);
        Assert.All(result.Rows, r => Assert.Empty(r.AnswerIds));
    }
}
