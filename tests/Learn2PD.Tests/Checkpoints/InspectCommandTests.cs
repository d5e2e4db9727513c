using Learn2PD.Cli.Commands;
using Learn2PD.Core.Checkpoints;
using System.Text.Json.Nodes;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Checkpoints;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Inspect_DescribesADirectoryHoldingOnlyConfigAndIndex()
    {
        string source = GoldenData.Path("llada-tiny", "model");
        foreach (string file in new[] { "config.json", CheckpointDirectory.IndexFileName })
            File.Copy(Path.Combine(source, file), _dir.File(file));
        var output = new StringWriter();

        int exitCode = InspectCommand.Run(_dir.Path, output);

        string text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Contains("533,760 bytes", text);
        Assert.Contains("model-00002-of-00002.safetensors         MISSING", text);
        Assert.Contains("2 of 2 shards missing", text);
    }

    [SkippableFact]
    public void Inspect_CountsParametersAndDtypesOfACompleteModel()
    {
        var output = new StringWriter();

        InspectCommand.Run(GoldenData.Path("llada-tiny", "model-bf16"), output);

        Assert.Contains("21, 133,440 parameters, 266,880 bytes (BF16 × 21)", output.ToString());
    }

    [SkippableFact]
    public void Inspect_LLaDA8BConfigAndIndexOnly_Reports8015581184ParametersAndSixMissingShards()
    {
        File.Copy(GoldenData.Path("llada-8b-instruct", "config.json"), _dir.File("config.json"));
        // The real index maps LLaDA-8B-Instruct's 291 tensors onto 6 bf16 shards; rebuild it from the names.
        var names = new LLaDAModelLM(ModelConfigJson.Load(_dir.Path), META, ScalarType.BFloat16).named_parameters().Select(p => p.name).ToList();
        var weightMap = new JsonObject();
        for (int i = 0; i < names.Count; i++) weightMap[names[i]] = $"model-{i * 6 / names.Count + 1:00000}-of-00006.safetensors";
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 16_031_162_368L }, ["weight_map"] = weightMap };
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), index.ToJsonString());
        var output = new StringWriter();

        int exitCode = InspectCommand.Run(_dir.Path, output, load: true);

        string text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Contains("parameters        8,015,581,184 in 291 tensors", text);
        Assert.Contains("16,031,162,368 bytes", text);
        Assert.Contains("model-00006-of-00006.safetensors         MISSING", text);
        Assert.Contains("6 of 6 shards missing", text);
    }

    [Fact]
    public void Inspect_Dream7BConfigAndIndexOnly_Reports7615616512ParametersAndFourMissingShards()
    {
        File.Copy(Fixtures.Path(Path.Combine("dream-v0-instruct-7b", "config.json")), _dir.File("config.json"));
        // Dream-v0-Instruct-7B ships 339 bf16 tensors in 4 shards; rebuild an index of that shape from the names.
        var names = DiffusionModel.Create(ModelConfigJson.Load(_dir.Path), META, ScalarType.BFloat16).named_parameters().Select(p => p.name).ToList();
        var weightMap = new JsonObject();
        for (int i = 0; i < names.Count; i++) weightMap[names[i]] = $"model-{i * 4 / names.Count + 1:00000}-of-00004.safetensors";
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 15_231_233_024L }, ["weight_map"] = weightMap };
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), index.ToJsonString());
        var output = new StringWriter();

        int exitCode = InspectCommand.Run(_dir.Path, output, load: true);

        string text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Contains("architecture      Dream: d_model 3584, 28 layers, 28 heads (4 kv, head size 128, q/k/v bias), mlp 18944", text);
        Assert.Contains("mask 151666, end-of-text 151643", text);
        Assert.Contains("parameters        7,615,616,512 in 339 tensors", text);
        Assert.Contains("model-00004-of-00004.safetensors         MISSING", text);
        Assert.Contains("4 of 4 shards missing", text);
    }

    [SkippableFact]
    public void Inspect_CompleteModel_ReportsLoadTime()
    {
        var output = new StringWriter();

        InspectCommand.Run(GoldenData.Path("llada-tiny", "model"), output, load: true);

        string text = output.ToString();
        Assert.Contains("parameters        133,440 in 21 tensors", text);
        Assert.Matches(@"load\s+\d+\.\d\d s to cpu as Float32 \(21 tensors", text);
    }
}
