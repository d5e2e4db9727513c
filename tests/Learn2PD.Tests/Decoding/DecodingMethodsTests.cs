using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Eval;

namespace Learn2PD.Tests.Decoding;

public sealed class DecodingMethodsTests
{
    [Fact]
    public void Names_AreTheDocumentedOnes_InRunOrder() =>
        Assert.Equal(
            ["baseline", "eotp", "threshold", "threshold+eotp", "threshold+prefix", "threshold+dual", "threshold+eotp+dual",
             "l2p", "l2p+eotp", "l2p+eotp+prefix", "l2p+eotp+dual", "oracle"],
            DecodingMethods.All.Select(m => m.Name));

    [Fact]
    public void ParseMethods_KeepsRunOrder_DropsDuplicates_AndAlwaysAddsTheBaseline()
    {
        var methods = EvalRequest.ParseMethods(" oracle , l2p+eotp,L2P+EOTP");

        Assert.Equal(["baseline", "l2p+eotp", "oracle"], methods.Select(m => m.Id));
    }

    [Fact]
    public void ParseMethods_All_IsEveryMethod() => Assert.Equal(DecodingMethods.All, EvalRequest.ParseMethods("all"));

    [Fact]
    public void ParseMethods_UnknownName_SaysWhichAndListsTheValidOnes()
    {
        var e = Assert.Throws<Learn2PdException>(() => EvalRequest.ParseMethods("l2p,fast"));

        Assert.Contains("unknown method 'fast'", e.Message);
        Assert.Contains(DecodingMethods.ValidNames, e.Message);
    }

    [Theory]
    [InlineData("threshold@0.95", "threshold", 0.95)]
    [InlineData("l2p+eotp+dual@0.99", "l2p+eotp+dual", 0.99)]
    [InlineData("THRESHOLD+EOTP@0.5", "threshold+eotp", 0.5)]
    public void Parse_ReadsTheParameterAfterTheAt(string text, string family, double parameter)
    {
        var method = DecodingMethods.Parse(text);

        Assert.Equal((family, parameter), (method.Name, method.Parameter!.Value));
        Assert.Equal($"{family}@{parameter.ToString(System.Globalization.CultureInfo.InvariantCulture)}", method.Id);
    }

    [Theory]
    [InlineData("eotp@0.9", "takes no @ parameter")]
    [InlineData("threshold@abc", "must be a number in (0, 1]")]
    [InlineData("threshold@1.5", "must be a number in (0, 1]")]
    [InlineData("l2p@0.9@0.8", "one @ parameter at most")]
    public void Parse_BadParameter_IsAUserError(string text, string message) =>
        Assert.Contains(message, Assert.Throws<Learn2PdException>(() => DecodingMethods.Parse(text)).Message);

    [Theory]
    [InlineData("baseline", false, CacheKind.None)]
    [InlineData("eotp", true, CacheKind.None)]
    [InlineData("threshold+eotp", true, CacheKind.None)]
    [InlineData("threshold+prefix", false, CacheKind.Prefix)]
    [InlineData("threshold+eotp+dual", true, CacheKind.Dual)]
    [InlineData("l2p", false, CacheKind.None)]
    [InlineData("l2p+eotp+dual", true, CacheKind.Dual)]
    [InlineData("oracle", false, CacheKind.None)]
    public void Configure_KeepsTheOneTokenPerStepSchedule_AndSetsEotpAndCache(string name, bool eotp, CacheKind cache)
    {
        var options = DecodingMethods.Parse(name).Configure(DecodeOptions.Baseline(256, 32) with { Seed = 3 });

        Assert.Equal((256, 32, 3UL), (options.Steps, options.BlockLength, options.Seed));
        Assert.Equal((eotp, cache), (options.EndOfTextPrediction, options.Cache));
    }

    [Fact]
    public void Policies_MatchTheMethod_AndTheParameterOverridesTheDefault()
    {
        var inputs = new PolicyInputs(new LoadedFilter(new Learn2PdFilter(32), 0.96, "f"), [[1L, 2L]], EndOfText: 0);

        Assert.IsType<FixedSchedulePolicy>(DecodingMethods.Parse("baseline").CreatePolicy(inputs));
        Assert.Equal(0.9, Assert.IsType<ThresholdPolicy>(DecodingMethods.Parse("threshold+dual").CreatePolicy(inputs)).Threshold);
        Assert.Equal(0.7, Assert.IsType<ThresholdPolicy>(DecodingMethods.Parse("threshold@0.7").CreatePolicy(inputs)).Threshold);
        Assert.Equal(0.96, Assert.IsType<FilterPolicy>(DecodingMethods.Parse("l2p+eotp").CreatePolicy(inputs)).AcceptThreshold);
        Assert.Equal(0.99, Assert.IsType<FilterPolicy>(DecodingMethods.Parse("l2p+eotp@0.99").CreatePolicy(inputs)).AcceptThreshold);
        Assert.IsType<OraclePolicy>(DecodingMethods.Parse("oracle").CreatePolicy(inputs));
    }

    [Theory]
    [InlineData(PolicyKind.Fixed, false, CacheKind.None, "baseline")]
    [InlineData(PolicyKind.Fixed, true, CacheKind.None, "eotp")]
    [InlineData(PolicyKind.Threshold, false, CacheKind.Dual, "threshold+dual")]
    [InlineData(PolicyKind.Fixed, false, CacheKind.Dual, "fixed+dual")]
    [InlineData(PolicyKind.Oracle, true, CacheKind.Prefix, "oracle+eotp+prefix")]
    public void Compose_NamesDecodesFlags_AfterTheRegisteredFamily(PolicyKind policy, bool eotp, CacheKind cache, string name) =>
        Assert.Equal(name, DecodingMethods.Compose(policy, eotp, cache).Name);

    [Theory]
    [InlineData(new long[] { 5, 6, 0, 0, 0, 0, 0, 0 }, 4, 4)]      // end-of-text at 2: one block
    [InlineData(new long[] { 5, 6, 7, 0, 0, 0, 0, 0 }, 4, 4)]      // at 3: still the first block
    [InlineData(new long[] { 5, 6, 7, 8, 0, 0, 0, 0 }, 4, 8)]      // at 4: the second block holds it
    [InlineData(new long[] { 5, 6, 7, 8, 9, 9, 9, 9 }, 4, 8)]      // none: the whole answer
    [InlineData(new long[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 4, 4)]      // at 0: one block all the same
    public void Oracle_DecodesOnlyTheBlocksUpToTheReferencesEndOfText(long[] reference, int blockLength, int expected) =>
        Assert.Equal(expected, OraclePolicy.ReferenceLength(reference, endOfText: 0, blockLength, genLength: reference.Length));
}
