using Learn2PD.Cli.Commands;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;

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
}
