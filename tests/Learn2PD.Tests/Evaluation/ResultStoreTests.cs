using Learn2PD.Tests.Support;
using Learn2PD.Eval;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Checkpoints;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Evaluation;

public sealed class ResultStoreTests : IDisposable
{
    private static readonly Lazy<PretrainedModel> Tiny = new(() => PretrainedModel.Load(EvalFixture.ModelDirectory, ScalarType.Float32, CPU));

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static EvalSettings Settings(int blockLength = 32) => new()
    {
        Model = EvalFixture.ModelDirectory, ModelFingerprint = "m", AcceptThreshold = 0.9, Data = "task:arith/test",
        BlockLength = blockLength, Seed = 0, Device = "cpu", DType = "fp32",
    };

    private static readonly IReadOnlyList<DecodingMethod> Methods = EvalRequest.ParseMethods("eotp,oracle");

    private static IReadOnlyList<EvalSample> Samples(int count) =>
        EvalData.Load(new EvalDataOptions(), Tiny.Value.Tokenizer!, count);

    private static EvalRunner Runner() => new(new BlockDecoder(Tiny.Value.Model), Tiny.Value.Tokenizer!, filter: null, blockLength: 32, seed: 0);

    private static int Run(ResultStore store, int limit)
    {
        var samples = Samples(limit);
        int decoded = 0;
        Runner().Run(store, [new LengthPlan(32, limit)], Methods, samples, _ => decoded++, CancellationToken.None);
        return decoded;
    }

    [Fact]
    public void Resume_SkipsFinishedSamples_AndDecodesOnlyNewOnes()
    {
        using (var store = ResultStore.Open(_dir.Path, Settings(), fresh: false)) Assert.Equal(6, Run(store, limit: 2));

        using var resumed = ResultStore.Open(_dir.Path, Settings(), fresh: false);
        Assert.Equal(6, resumed.Resumed);
        Assert.Equal(3, EvalRunner.CountPending(resumed, [new LengthPlan(32, 3)], Methods, Samples(3)));
        Assert.Equal(3, Run(resumed, limit: 3));
        Assert.Equal(9, resumed.Records.Count());
        Assert.Equal(1 + 9, File.ReadAllLines(resumed.Path).Length);
    }

    [Fact]
    public void Oracle_FollowsTheBaselinesAnswer_WithFewerForwards()
    {
        using var store = ResultStore.Open(_dir.Path, Settings(), fresh: false);
        Run(store, limit: 1);

        var baseline = store.Find("baseline", 32, 0)!;
        var oracle = store.Find("oracle", 32, 0)!;
        Assert.Equal(32, baseline.Nfe);
        Assert.True(oracle.Nfe < baseline.Nfe, $"oracle NFE {oracle.Nfe}");
        Assert.Equal(baseline.AnswerIds!.Take(oracle.GeneratedTokens), oracle.AnswerIds!);
    }

    [Fact]
    public void OtherSettings_AreRefused_NamingTheDifference_UnlessFresh()
    {
        using (var store = ResultStore.Open(_dir.Path, Settings(), fresh: false)) Run(store, limit: 1);

        var e = Assert.Throws<Learn2PdException>(() => ResultStore.Open(_dir.Path, Settings(blockLength: 16), fresh: false));
        Assert.Contains("block_length: 32 vs 16", e.Message);
        Assert.Contains("--fresh", e.Message);

        using var fresh = ResultStore.Open(_dir.Path, Settings(blockLength: 16), fresh: true);
        Assert.Empty(fresh.Records);
    }

    [Fact]
    public void ChangedFilter_DropsOnlyTheFilterMethodsResults_AndKeepsTheRest()
    {
        using (var store = ResultStore.Open(_dir.Path, Settings() with { FilterFingerprint = "old" }, fresh: false))
        {
            Run(store, limit: 1);
            store.Append(store.Find("baseline", 32, 0)! with { Method = "l2p+eotp@0.5" });
        }

        using (var retrained = ResultStore.Open(_dir.Path, Settings() with { FilterFingerprint = "new", AcceptThreshold = 0.7 }, fresh: false))
        {
            Assert.Equal(1, retrained.DroppedForFilter);
            Assert.Equal(["baseline", "eotp", "oracle"], retrained.Records.Select(r => r.Method).Order());
        }
        // The file itself now holds the new filter's settings and no old filter record: reopening drops nothing more.
        using var again = ResultStore.Open(_dir.Path, Settings() with { FilterFingerprint = "new", AcceptThreshold = 0.7 }, fresh: false);
        Assert.Equal(0, again.DroppedForFilter);
        Assert.Equal(3, again.Resumed);
        Assert.Equal(1 + 3, File.ReadAllLines(again.Path).Length);
    }

    [Fact]
    public void ChangedData_IsRefused()
    {
        using var store = ResultStore.Open(_dir.Path, Settings(), fresh: false);
        Run(store, limit: 1);
        var changed = Samples(1).Select(s => s with { PromptIds = [.. s.PromptIds, s.PromptIds[0]] }).ToArray();

        var e = Assert.Throws<Learn2PdException>(() => EvalRunner.CountPending(store, [new LengthPlan(32, 1)], Methods, changed));
        Assert.Contains("the data changed", e.Message);
    }

    [Fact]
    public void ALineCutOffByAKill_IsDropped()
    {
        using (var store = ResultStore.Open(_dir.Path, Settings(), fresh: false)) Run(store, limit: 1);
        string path = Path.Combine(_dir.Path, ResultStore.FileName);
        File.AppendAllText(path, "{\"method\": \"baseline\", \"gen_len");

        using var resumed = ResultStore.Open(_dir.Path, Settings(), fresh: false);
        Assert.Equal(3, resumed.Resumed);
        Assert.Equal(3, Run(resumed, limit: 2));
        Assert.Equal(1 + 6, File.ReadAllLines(path).Length);
    }
}
