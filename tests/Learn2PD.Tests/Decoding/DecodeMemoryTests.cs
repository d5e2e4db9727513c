using Learn2PD.Core.Model;
using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;
using TorchSharp;

namespace Learn2PD.Tests.Decoding;

/// <summary>Every step runs in a dispose scope: a long decode leaves no live tensors behind.</summary>
public sealed class DecodeMemoryTests
{
    [SkippableTheory]
    [InlineData(CacheKind.None)]
    [InlineData(CacheKind.Prefix)]
    [InlineData(CacheKind.Dual)]
    public void Decode_ManySteps_LeavesTheLiveTensorCountUnchanged(CacheKind cache)
    {
        var decoder = new BlockDecoder(GoldenModels.TinyModel());
        var options = new DecodeOptions { GenLength = 64, BlockLength = 32, Steps = 64, Cache = cache }.Validate();
        int[] prompt = [5, 17, 42, 8, 99, 3];
        decoder.Decode([prompt], options with { EndOfTextPrediction = true }, new FilterPolicy(GoldenModels.Filter(), 0.9)); // warm-up: RoPE tables
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        int steps = 0;
        for (int i = 0; i < 5; i++) decoder.Decode([prompt], options, new FixedSchedulePolicy(), _ => steps++);
        decoder.Decode([prompt], options with { EndOfTextPrediction = true }, new FilterPolicy(GoldenModels.Filter(), 0.9));

        Assert.Equal(5 * 64, steps);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
