using Learn2PD.Cli.Eval;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;

namespace Learn2PD.Tests.Evaluation;

public sealed class EvalMethodTests
{
    [Fact]
    public void Names_AreTheDocumentedOnes_InRunOrder() =>
        Assert.Equal(
            ["baseline", "eotp", "threshold", "threshold+prefix", "threshold+dual", "l2p", "l2p+eotp", "l2p+eotp+prefix", "l2p+eotp+dual", "oracle"],
            EvalMethod.All.Select(m => m.Name));

    [Fact]
    public void ParseList_KeepsRunOrder_DropsDuplicates_AndAlwaysAddsTheBaseline()
    {
        var methods = EvalMethod.ParseList(" oracle , l2p+eotp,L2P+EOTP");

        Assert.Equal(["baseline", "l2p+eotp", "oracle"], methods.Select(m => m.Name));
    }

    [Fact]
    public void ParseList_All_IsEveryMethod() => Assert.Equal(EvalMethod.All, EvalMethod.ParseList("all"));

    [Fact]
    public void ParseList_UnknownName_SaysWhichAndListsTheValidOnes()
    {
        var e = Assert.Throws<Learn2PdException>(() => EvalMethod.ParseList("l2p,fast"));

        Assert.Contains("unknown method 'fast'", e.Message);
        Assert.Contains("baseline, eotp, threshold, threshold+prefix, threshold+dual, l2p, l2p+eotp, l2p+eotp+prefix, l2p+eotp+dual, oracle", e.Message);
    }

    [Theory]
    [InlineData("baseline", false, CacheKind.None)]
    [InlineData("eotp", true, CacheKind.None)]
    [InlineData("threshold+prefix", false, CacheKind.Prefix)]
    [InlineData("threshold+dual", false, CacheKind.Dual)]
    [InlineData("l2p", false, CacheKind.None)]
    [InlineData("l2p+eotp+dual", true, CacheKind.Dual)]
    [InlineData("oracle", false, CacheKind.None)]
    public void Options_KeepOneStepPerTokenSchedule_AndSetEotpAndCache(string name, bool eotp, CacheKind cache)
    {
        var options = EvalMethod.Find(name).Options(genLength: 256, blockLength: 32, seed: 3);

        Assert.Equal(256, options.Steps);
        Assert.Equal(32, options.BlockLength);
        Assert.Equal(3UL, options.Seed);
        Assert.Equal(eotp, options.EndOfTextPrediction);
        Assert.Equal(cache, options.Cache);
    }

    [Fact]
    public void Policies_MatchTheMethod()
    {
        var inputs = new MethodInputs(new Learn2PD.Core.Filter.Learn2PdFilter(32), 0.96, [1L, 2L], EndOfText: 0);

        Assert.IsType<FixedSchedulePolicy>(EvalMethod.Find("baseline").CreatePolicy(inputs));
        Assert.Equal(0.9, Assert.IsType<ThresholdPolicy>(EvalMethod.Find("threshold+dual").CreatePolicy(inputs)).Threshold);
        Assert.Equal(0.96, Assert.IsType<FilterPolicy>(EvalMethod.Find("l2p+eotp").CreatePolicy(inputs)).AcceptThreshold);
        Assert.IsType<OraclePolicy>(EvalMethod.Find("oracle").CreatePolicy(inputs));
    }

    [Theory]
    [InlineData(new long[] { 5, 6, 0, 0, 0, 0, 0, 0 }, 4, 4)]      // end-of-text at 2: one block
    [InlineData(new long[] { 5, 6, 7, 0, 0, 0, 0, 0 }, 4, 4)]      // at 3: still the first block
    [InlineData(new long[] { 5, 6, 7, 8, 0, 0, 0, 0 }, 4, 8)]      // at 4: the second block holds it
    [InlineData(new long[] { 5, 6, 7, 8, 9, 9, 9, 9 }, 4, 8)]      // none: the whole answer
    [InlineData(new long[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 4, 4)]      // at 0: one block all the same
    public void Oracle_DecodesOnlyTheBlocksUpToTheReferencesEndOfText(long[] reference, int blockLength, int expected) =>
        Assert.Equal(expected, EvalMethod.ReferenceLength(reference, endOfText: 0, blockLength, genLength: reference.Length));
}
