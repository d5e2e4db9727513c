using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// The TorchSharp Dream reproduces Fast-dLLM's <c>DreamModel.forward</c> on the tiny golden checkpoints,
/// with Dream's shift applied inside the model: the logits at position i are the reference's raw output
/// at i − 1 (position 0 keeps its own). Padding positions are implementation-defined, so only positions
/// whose source position is attended are compared.
/// </summary>
public sealed class DreamForwardGoldenTests
{
    public static TheoryData<string> ModelNames() => new(DreamGolden.Models);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Forward_Fp32_IsTheReferenceOutputOfTheLeftNeighbourWithin1e4(string name)
    {
        var model = DreamGolden.Model(name);
        var golden = SafeTensors.ReadTensors(DreamGolden.Path(name, "forward.safetensors"));
        var attended = golden["attention_mask"].to(ScalarType.Bool);

        using var noGrad = no_grad();
        var logits = model.Forward(golden["input_ids"], attended);

        var (expected, compared) = ShiftedReference(golden["logits"], attended);
        Assert.Equal(expected.shape, logits.shape);
        double maxError = (logits - expected).abs()[compared].max().item<float>();
        Assert.True(maxError <= 1e-4, $"max abs error {maxError:E2} > 1e-4");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Forward_Bf16Load_MatchesReferenceWithinBf16Tolerance(string name)
    {
        var loaded = PretrainedModel.Load(DreamGolden.Path(name, "model"), ScalarType.BFloat16, CPU);
        var golden = SafeTensors.ReadTensors(DreamGolden.Path(name, "forward.safetensors"));
        var attended = golden["attention_mask"].to(ScalarType.Bool);
        Assert.Equal(ScalarType.BFloat16, loaded.Model.DType);
        Assert.IsType<DreamModel>(loaded.Model);

        using var noGrad = no_grad();
        var logits = loaded.Model.Forward(golden["input_ids"], attended).to(ScalarType.Float32);

        // The random tiny weights amplify rounding: rounding only the weights to bf16 (fp32 compute) already
        // moves the logits by 4-7% of the largest, and the full bf16 forward by 6% (a) and 9% (b). A wrong
        // bias, shift or head grouping moves them by the logits' own size.
        var (expected, compared) = ShiftedReference(golden["logits"], attended);
        double relative = ((logits - expected).abs()[compared].max() / expected.abs().max()).item<float>();
        double agreement = logits.argmax(-1).eq(expected.argmax(-1))[compared].to(ScalarType.Float32).mean().item<float>();
        Assert.True(relative <= 0.15, $"relative error {relative:E2} > 0.15");
        Assert.True(agreement >= 0.8, $"argmax agreement {agreement:P1}");
    }

    [Fact]
    public void Forward_WithPrefixAndDualCache_EqualsTheFullForwardShiftedWithinTheChunk()
    {
        var model = DreamGolden.Model("dream-tiny-a");
        var ids = SafeTensors.ReadTensors(DreamGolden.Path("dream-tiny-a", "forward.safetensors"))["input_ids"].narrow(0, 0, 1);
        const long start = 10, end = 18;

        using var noGrad = no_grad();
        var full = model.Forward(ids);
        using var prefix = new KvCache(CacheKind.Prefix, model.Config.NLayers);
        model.Forward(ids, 0, prefix);
        var tail = model.Forward(ids.narrow(1, start, ids.shape[1] - start), start, prefix);
        using var dual = new KvCache(CacheKind.Dual, model.Config.NLayers);
        model.Forward(ids, 0, dual);
        var block = model.Forward(ids.narrow(1, start, end - start), start, dual);

        // Inside a chunk position i still reads i − 1; the chunk's first position has no left neighbour in it.
        AssertClose(full.narrow(1, start + 1, ids.shape[1] - start - 1), tail.narrow(1, 1, ids.shape[1] - start - 1));
        AssertClose(full.narrow(1, start + 1, end - start - 1), block.narrow(1, 1, end - start - 1));
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error <= 1e-4, $"max abs error {error:E2} > 1e-4");
    }

    /// <summary>The reference's raw logits moved one position right, and where that source position was attended.</summary>
    private static (Tensor Logits, Tensor Compared) ShiftedReference(Tensor raw, Tensor attended)
    {
        long t = raw.shape[1];
        var logits = cat([raw.narrow(1, 0, 1), raw.narrow(1, 0, t - 1)], 1);
        var source = cat([attended.narrow(1, 0, 1), attended.narrow(1, 0, t - 1)], 1);
        return (logits, source.logical_and(attended));
    }
}
