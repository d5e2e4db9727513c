using Learn2PD.Eval;
using Learn2PD.Core;

namespace Learn2PD.Tests.Evaluation;

public sealed class LengthPlanTests
{
    private static IReadOnlyList<LengthPlan> Parse(string lengths, string? limits) =>
        EvalRequest.ParseLengths(lengths, limits, blockLength: 32);

    [Fact]
    public void Default_FewerSamplesAtTheLongLength() =>
        Assert.Equal([new LengthPlan(256, EvalRequest.DefaultShortLimit), new LengthPlan(1024, EvalRequest.DefaultLongLimit)], Parse("256,1024", null));

    [Fact]
    public void OneLimit_AppliesToEveryLength() =>
        Assert.Equal([new LengthPlan(64, 5), new LengthPlan(128, 5)], Parse("64, 128", "5"));

    [Fact]
    public void OneLimitPerLength_PairsInOrder() =>
        Assert.Equal([new LengthPlan(64, 5), new LengthPlan(128, 2)], Parse("64,128", "5,2"));

    [Theory]
    [InlineData("64,128", "1,2,3", "--limit gives 3 counts for 2 generation lengths")]
    [InlineData("64,100", null, "--gen-length 100 is not a multiple of --block-length 32")]
    [InlineData("64,64", null, "lists a length twice")]
    [InlineData("64", "0", "--limit: '0' is not a positive whole number")]
    public void BadLists_AreUserErrors(string lengths, string? limits, string message) =>
        Assert.Contains(message, Assert.Throws<Learn2PdException>(() => Parse(lengths, limits)).Message);
}
