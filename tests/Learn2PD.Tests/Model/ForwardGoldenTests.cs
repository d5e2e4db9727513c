using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Model;

/// <summary>The TorchSharp LLaDA computes the reference's logits from the golden checkpoints.</summary>
public sealed class ForwardGoldenTests
{
    [SkippableFact]
    public void Forward_ShardedFp32Checkpoint_MatchesReferenceLogitsWithin1e4()
    {
        var model = GoldenModels.TinyModel();
        var golden = SafeTensors.ReadTensors(GoldenData.Path("llada-tiny", "forward.safetensors"));

        using var noGrad = no_grad();
        var logits = model.Forward(golden["input_ids"]);

        Assert.Equal(golden["logits"].shape, logits.shape);
        double maxError = (logits - golden["logits"]).abs().max().item<float>();
        // fp32 summation order differs from PyTorch's kernels; seen here: 1.1e-5.
        Assert.True(maxError <= 1e-4, $"max abs error {maxError:E2} > 1e-4");
    }

    [SkippableFact]
    public void Forward_Bf16Checkpoint_MatchesReferenceWithinBf16Tolerance()
    {
        var loaded = PretrainedModel.Load(GoldenData.Path("llada-tiny", "model-bf16"), ScalarType.BFloat16, CPU);
        var golden = SafeTensors.ReadTensors(GoldenData.Path("llada-tiny", "forward.safetensors"));
        Assert.Equal(ScalarType.BFloat16, loaded.Model.DType);

        using var noGrad = no_grad();
        var logits = loaded.Model.Forward(golden["input_ids"]).to(ScalarType.Float32);

        // bf16 keeps 8 mantissa bits (~4e-3 relative per rounding) through two blocks of matmuls,
        // so compare the error with the logits' scale: 3e-2 of the largest logit (seen: 7e-3).
        var reference = golden["logits"];
        double relative = ((logits - reference).abs().max() / reference.abs().max()).item<float>();
        Assert.True(relative <= 3e-2, $"relative error {relative:E2} > 3e-2");
        // And the argmax token agrees almost everywhere.
        double agreement = logits.argmax(-1).eq(reference.argmax(-1)).to(ScalarType.Float32).mean().item<float>();
        Assert.True(agreement >= 0.95, $"argmax agreement {agreement:P1}");
    }

    [SkippableFact]
    public void Load_Bf16FileIntoFp32Model_GivesSameLogitsAsFp32File()
    {
        // The bf16 weights are bf16-representable copies of the fp32 ones, so conversion is exact.
        var fromBf16 = PretrainedModel.Load(GoldenData.Path("llada-tiny", "model-bf16"), ScalarType.Float32, CPU).Model;
        var golden = SafeTensors.ReadTensors(GoldenData.Path("llada-tiny", "forward.safetensors"));

        using var noGrad = no_grad();
        var logits = fromBf16.Forward(golden["input_ids"]);

        Assert.True((logits - GoldenModels.TinyModel().Forward(golden["input_ids"])).abs().max().item<float>() == 0f);
    }
}
