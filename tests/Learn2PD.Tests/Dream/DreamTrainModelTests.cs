using System.Text.Json;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Dream;

/// <summary>`l2pd train-model --architecture dream` writes a Dream checkpoint that loads back as Dream and decodes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DreamTrainModelTests
{
    [Fact]
    public void TrainModel_ArchitectureDream_WritesADreamCheckpointThatDecodes()
    {
        using var temp = new TempDirectory();
        string dir = temp.File("dream-small");

        var (code, _, error) = CliRunner.Run("train-model", "--out", dir, "--architecture", "dream", "--steps", "4", "--eval-every", "4",
            "--checkpoint-every", "4", "--d-model", "32", "--heads", "2", "--layers", "1", "--mlp-hidden", "64", "--train-problems", "200",
            "--batch-tokens", "1024", "--long-fraction", "0");

        Assert.True(code == 0, error);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
            Assert.Equal("Dream", config.RootElement.GetProperty("model_type").GetString());
        var loaded = PretrainedModel.Load(dir, ScalarType.Float32, CPU);
        Assert.IsType<DreamModel>(loaded.Model);
        Assert.Contains(loaded.Model.named_parameters(), p => p.name == "model.layers.0.self_attn.q_proj.bias");
        var (decoded, output, decodeError) = CliRunner.Run("decode", "--model", dir, "--prompt", "What is 2 plus 3?", "--gen-length", "32", "--output", "json");
        Assert.True(decoded == 0, decodeError);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(32, json.RootElement.GetProperty("nfe").GetInt32());
    }
}
