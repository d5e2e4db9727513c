using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;

namespace Learn2PD.Tests.Checkpoints;

public sealed class StateDictLoaderTests(ITestOutputHelper output) : IDisposable
{
    private static readonly torch.Device Meta = torch.device("meta");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertAllOn(torch.nn.Module module, DeviceType device)
    {
        foreach (var (name, p) in module.named_parameters())
            Assert.True(p.device_type == device, $"{name} is on {p.device_type}, expected {device}");
    }

    /// <summary>A one-Linear module (proj.weight [3, 4], proj.bias [3]) on the meta device.</summary>
    private static Sequential MetaProjection() => torch.nn.Sequential(("proj", torch.nn.Linear(4, 3, device: Meta)));

    private CheckpointDirectory Checkpoint(params (string Name, torch.Tensor Tensor)[] tensors)
    {
        SafeTensorsWriter.Write(_dir.File(CheckpointDirectory.SingleFileName), tensors);
        return CheckpointDirectory.Open(_dir.Path);
    }

    [SkippableFact]
    public void LoadInto_FillsEveryParameterOfTheShardedGoldenModel()
    {
        var checkpoint = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model"));
        using var skeleton = new TinyLladaSkeleton();

        LoadStats stats = StateDictLoader.LoadInto(skeleton, checkpoint, torch.ScalarType.Float32, torch.CPU);

        output.WriteLine($"golden tiny model: {stats}");
        Assert.Equal(21, stats.TensorCount);
        Assert.Equal(533760, stats.BytesRead);
        AssertAllOn(skeleton, DeviceType.CPU);
        foreach (var (name, parameter) in skeleton.named_parameters())
        {
            using var expected = SafeTensors.Open(checkpoint.Tensors[name].FilePath).Read(name);
            TensorAssert.Same(expected, parameter, name);
        }
        // The fields forward() would read hold the loaded tensors, whichever way each was swapped.
        var transformer = skeleton.model.transformer;
        Assert.Same(transformer.wte.weight, skeleton.get_parameter("model.transformer.wte.weight"));
        Assert.Same(transformer.ln_f.weight, skeleton.get_parameter("model.transformer.ln_f.weight"));
        Assert.Same(transformer.blocks[1].q_proj.weight, skeleton.get_parameter("model.transformer.blocks.1.q_proj.weight"));
    }

    [SkippableFact]
    public void LoadInto_ConvertsTheBf16CheckpointToFp32Exactly()
    {
        var fp32 = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model"));
        var bf16 = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model-bf16"));
        using var skeleton = new TinyLladaSkeleton();

        StateDictLoader.LoadInto(skeleton, bf16, torch.ScalarType.Float32, torch.CPU);

        foreach (var (name, parameter) in skeleton.named_parameters())
        {
            using var expected = SafeTensors.Open(fp32.Tensors[name].FilePath).Read(name);
            TensorAssert.Same(expected, parameter, name);
        }
    }

    [SkippableFact]
    public void LoadInto_ConvertsFp32ToTheRequestedBf16()
    {
        var checkpoint = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model"));
        using var skeleton = new TinyLladaSkeleton();

        StateDictLoader.LoadInto(skeleton, checkpoint, torch.ScalarType.BFloat16, torch.CPU);

        var wte = skeleton.get_parameter("model.transformer.wte.weight")!;
        using var expected = SafeTensors.Open(checkpoint.Tensors["model.transformer.wte.weight"].FilePath)
            .Read("model.transformer.wte.weight", torch.ScalarType.BFloat16);
        TensorAssert.Same(expected, wte);
    }

    [SkippableFact]
    public void LoadInto_MetaBuiltLLaDAModelReproducesTheGoldenLogits()
    {
        string dir = GoldenData.Path("llada-tiny", "model");
        var golden = SafeTensors.ReadTensors(GoldenData.Path("llada-tiny", "forward.safetensors"));
        using var model = new LLaDAModelLM(ModelConfigJson.Load(dir), device: Meta);

        StateDictLoader.LoadInto(model, CheckpointDirectory.Open(dir), torch.ScalarType.Float32, torch.CPU);
        model.eval();

        AssertAllOn(model, DeviceType.CPU);
        using var noGrad = torch.no_grad();
        using var logits = model.Forward(golden["input_ids"]);
        double maxError = (logits - golden["logits"]).abs().max().item<float>();
        output.WriteLine($"max |logits - reference| = {maxError:E2}");
        Assert.True(maxError < 1e-4, $"max abs error {maxError}");
    }

    [SkippableFact]
    public void LoadInto_NamesTheShardTheIndexListsButTheDirectoryLacks()
    {
        string source = GoldenData.Path("llada-tiny", "model");
        foreach (string file in new[] { "config.json", CheckpointDirectory.IndexFileName, "model-00001-of-00002.safetensors" })
            File.Copy(Path.Combine(source, file), _dir.File(file));
        using var skeleton = new TinyLladaSkeleton();

        var e = Assert.Throws<Learn2PdException>(() =>
            StateDictLoader.LoadInto(skeleton, CheckpointDirectory.Open(_dir.Path), torch.ScalarType.Float32, torch.CPU));

        Assert.Contains("model-00002-of-00002.safetensors", e.Message);
        AssertAllOn(skeleton, DeviceType.META);
    }

    [Fact]
    public void LoadInto_NamesFileAndTensorWhenATensorIsMissing()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(3, 4)));
        using var module = MetaProjection();

        var e = Assert.Throws<Learn2PdException>(() => StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.StartsWith(_dir.File(CheckpointDirectory.SingleFileName), e.Message);
        Assert.Contains("no tensor 'proj.bias'", e.Message);
    }

    [Fact]
    public void LoadInto_NamesTensorExpectedAndFoundShapeWhenShapesDiffer()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(4, 3)), ("proj.bias", torch.ones(3)));
        using var module = MetaProjection();

        var e = Assert.Throws<Learn2PdException>(() => StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.Contains("tensor 'proj.weight' has shape [4, 3], the model expects [3, 4]", e.Message);
        AssertAllOn(module, DeviceType.META);
    }

    [Fact]
    public void LoadInto_RefusesAnUnexpectedTensorWhenStrict()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(3, 4)), ("proj.bias", torch.ones(3)), ("lm_head.weight", torch.ones(2)));
        using var module = MetaProjection();

        var e = Assert.Throws<Learn2PdException>(() => StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.Contains("tensor 'lm_head.weight' matches no model parameter", e.Message);
        AssertAllOn(module, DeviceType.META);
    }

    [Fact]
    public void LoadInto_IgnoresAnUnexpectedTensorWhenNotStrict()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(3, 4)), ("proj.bias", torch.ones(3)), ("lm_head.weight", torch.ones(2)));
        using var module = MetaProjection();

        LoadStats stats = StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU, strict: false);

        Assert.Equal(2, stats.TensorCount);
        AssertAllOn(module, DeviceType.CPU);
    }

    [Fact]
    public void LoadInto_LeavesTheModuleUntouchedWhenAReadFailsHalfway()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(3, 4)), ("proj.bias", torch.ones(3)));
        _ = checkpoint.Tensors; // headers read while the file was whole
        string file = _dir.File(CheckpointDirectory.SingleFileName);
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - 4); // proj.weight is last
        using var module = MetaProjection();

        var e = Assert.Throws<Learn2PdException>(() => StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.Contains("truncated", e.Message);
        AssertAllOn(module, DeviceType.META);
    }

    [Fact]
    public void LoadInto_SwapsAnEmbeddingTableThroughItsSetter()
    {
        using var values = torch.arange(12, dtype: torch.float32).reshape(6, 2);
        var checkpoint = Checkpoint(("emb.weight", values));
        using var module = torch.nn.Sequential(("emb", torch.nn.Embedding(6, 2, device: Meta)));

        StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float32, torch.CPU);

        var embedding = (Embedding)module.named_children().Single().module;
        using var rows = embedding.forward(torch.tensor(new long[] { 5, 0 }));
        Assert.Equal([10f, 11f, 0f, 1f], rows.data<float>().ToArray());
    }

    [Fact]
    public void LoadInto_ConvertsToTheRequestedDtypeAndTheModuleComputesWithIt()
    {
        var checkpoint = Checkpoint(("proj.weight", torch.ones(3, 4)), ("proj.bias", torch.ones(3)));
        using var module = MetaProjection();

        StateDictLoader.LoadInto(module, checkpoint, torch.ScalarType.Float64, torch.CPU);

        Assert.All(module.parameters(), p => Assert.Equal(torch.ScalarType.Float64, p.dtype));
        using var y = module.forward(torch.ones(1, 4, dtype: torch.float64));
        Assert.Equal(5.0, y[0, 0].item<double>());
    }
}
