using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;
using TorchSharp;

namespace Learn2PD.Tests.Checkpoints;

public sealed class SafeTensorsGoldenTests
{
    [SkippableFact]
    public void ReadTensors_ReadsTheGoldenForwardVectors()
    {
        var tensors = SafeTensors.ReadTensors(GoldenData.Path("llada-tiny", "forward.safetensors"));

        Assert.Equal(torch.ScalarType.Int64, tensors["input_ids"].dtype);
        Assert.Equal([2L, 40], tensors["input_ids"].shape);
        Assert.Equal(torch.ScalarType.Float32, tensors["logits"].dtype);
        Assert.Equal([2L, 40, 256], tensors["logits"].shape);
        Assert.True(tensors["input_ids"].eq(250).any().item<bool>(), "some positions hold the mask id 250");
        Assert.True(tensors["logits"].isfinite().all().item<bool>());
    }

    [SkippableFact]
    public void Read_ConvertsTheBf16CheckpointToTheFp32OneExactly()
    {
        SafeTensorsFile bf16 = SafeTensors.Open(GoldenData.Path("llada-tiny", "model-bf16", "model.safetensors"));
        IReadOnlyDictionary<string, TensorEntry> fp32 = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model")).Tensors;

        Assert.Equal(fp32.Keys.Order(), bf16.Tensors.Keys.Order());
        foreach (var (name, entry) in fp32)
        {
            Assert.Equal("BF16", bf16.Tensors[name].Dtype);
            using var expected = SafeTensors.Open(entry.FilePath).Read(name);
            using var converted = bf16.Read(name, torch.ScalarType.Float32);
            TensorAssert.Same(expected, converted, name);
        }
    }
}
