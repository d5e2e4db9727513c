using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;
using TorchSharp;

namespace Learn2PD.Tests.Checkpoints;

public sealed class CheckpointDirectoryTests : IDisposable
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A copy of the golden tiny model directory holding only the named files.</summary>
    private string PartialCopy(params string[] files)
    {
        string source = GoldenData.Path("llada-tiny", "model");
        foreach (string file in files) File.Copy(Path.Combine(source, file), _dir.File(file));
        return _dir.Path;
    }

    [SkippableFact]
    public void Open_ListsBothShardsOfTheGoldenModelAndAllTheirTensors()
    {
        var checkpoint = CheckpointDirectory.Open(GoldenData.Path("llada-tiny", "model"));

        Assert.Equal([Shard1, Shard2], checkpoint.Shards.Select(s => s.FileName));
        Assert.True(checkpoint.IsComplete);
        Assert.Equal(533760, checkpoint.IndexTotalSize);
        Assert.Equal(2 + 2 * 9 + 1, checkpoint.Tensors.Count);
        Assert.Equal(checkpoint.IndexTotalSize, checkpoint.Tensors.Values.Sum(e => e.ByteLength));
        Assert.Equal([256L, 64], checkpoint.Tensors["model.transformer.wte.weight"].Shape);
        Assert.EndsWith(Shard2, checkpoint.Tensors["model.transformer.wte.weight"].FilePath);
    }

    [SkippableFact]
    public void Open_InspectsADirectoryHoldingOnlyConfigAndIndex()
    {
        string dir = PartialCopy("config.json", CheckpointDirectory.IndexFileName);

        var checkpoint = CheckpointDirectory.Open(dir);

        Assert.False(checkpoint.IsComplete);
        Assert.Equal([Shard1, Shard2], checkpoint.MissingShards.Select(s => s.FileName));
        Assert.All(checkpoint.Shards, s => Assert.Null(s.FileSize));
        Assert.Equal(21, checkpoint.TensorNames.Count);
        Assert.Equal(21, checkpoint.Shards.Sum(s => s.TensorCount));
        Assert.Equal(533760, checkpoint.IndexTotalSize);
    }

    [SkippableFact]
    public void Tensors_NamesTheShardTheIndexListsButTheDirectoryLacks()
    {
        string dir = PartialCopy("config.json", CheckpointDirectory.IndexFileName, Shard1);
        var checkpoint = CheckpointDirectory.Open(dir);

        var e = Assert.Throws<Learn2PdException>(() => checkpoint.Tensors);

        Assert.Contains(Shard2, e.Message);
        Assert.Contains("missing", e.Message);
        Assert.StartsWith(Path.Combine(dir, CheckpointDirectory.IndexFileName), e.Message);
    }

    [Fact]
    public void Open_OneFileModelListsItsTensors()
    {
        SafeTensorsWriter.Write(_dir.File("model.safetensors"), [("w", torch.ones(2, 3)), ("b", torch.zeros(3))]);

        var checkpoint = CheckpointDirectory.Open(_dir.Path);

        Assert.Equal(["model.safetensors"], checkpoint.Shards.Select(s => s.FileName));
        Assert.Equal(["b", "w"], checkpoint.Tensors.Keys.Order());
        Assert.Null(checkpoint.IndexTotalSize);
    }

    [Fact]
    public void Open_RefusesAnIndexThatPointsOutsideTheDirectory()
    {
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), """{"weight_map": {"w": "../elsewhere.safetensors"}}""");

        var e = Assert.Throws<Learn2PdException>(() => CheckpointDirectory.Open(_dir.Path));

        Assert.Contains("not a file name in this directory", e.Message);
    }

    [Fact]
    public void Open_RefusesAnIndexWithoutWeightMap()
    {
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), """{"metadata": {}}""");

        var e = Assert.Throws<Learn2PdException>(() => CheckpointDirectory.Open(_dir.Path));

        Assert.Contains("weight_map", e.Message);
    }

    [Fact]
    public void Open_RefusesADirectoryWithoutWeights()
    {
        var e = Assert.Throws<Learn2PdException>(() => CheckpointDirectory.Open(_dir.Path));

        Assert.Contains("neither model.safetensors nor model.safetensors.index.json", e.Message);
    }

    [Fact]
    public void Tensors_RefusesAShardMissingATensorTheIndexPlacesThere()
    {
        SafeTensorsWriter.Write(_dir.File("a.safetensors"), [("w", torch.ones(2))]);
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), """{"weight_map": {"w": "a.safetensors", "v": "a.safetensors"}}""");

        var e = Assert.Throws<Learn2PdException>(() => CheckpointDirectory.Open(_dir.Path).Tensors);

        Assert.Contains("tensor 'v'", e.Message);
        Assert.Contains("a.safetensors", e.Message);
    }
}
