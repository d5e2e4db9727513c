using System.Text.Json;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;
using TorchSharp;

namespace Learn2PD.Tests.Checkpoints;

/// <summary>.pth state dicts are read by a pickle machine that refuses everything a state dict does not need.</summary>
public sealed class PthFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>OrderedDict() with one SETITEM: <c>{name: value}</c>, the value written by <paramref name="value"/>.</summary>
    private static PickleScript StateDict(string name, Func<PickleScript, PickleScript> value) =>
        value(new PickleScript().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Unicode(name))
            .SetItem().Stop();

    private string Archive(PickleScript pickle, params (string Key, float[] Values)[] storages)
    {
        string path = _dir.File("state.pth");
        pickle.WriteArchive(path, "my_model", storages);
        return path;
    }

    private static string Refusal(string path)
    {
        var e = Assert.Throws<Learn2PdException>(() => PthFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [SkippableFact]
    public void Read_ReturnsTheAuthorsFilterStateDictInFileOrder()
    {
        var state = PthFile.Read(GoldenData.Path("learn2pd-filter", "layer_2_flan.pth"));

        Assert.Equal(["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"], state.Keys);
        Assert.Equal([32L, 32], state["linear1.weight"].shape);
        Assert.Equal([32L], state["linear1.bias"].shape);
        Assert.Equal([32L, 32], state["linear2.weight"].shape);
        Assert.Equal([32L], state["linear2.bias"].shape);
        Assert.All(state.Values, t => Assert.Equal(torch.ScalarType.Float32, t.dtype));
    }

    [SkippableFact]
    public void Read_FilterWeightsReproduceTheReferenceLogits()
    {
        var state = PthFile.Read(GoldenData.Path("learn2pd-filter", "layer_2_flan.pth"));
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenData.Path("learn2pd-filter", "vectors.json")));

        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            float[] confidences = c.GetProperty("confidences").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            float[] expected = c.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var padded = new float[32]; // a block cut short is zero-padded, the output sliced back
            confidences.CopyTo(padded, 0);
            using var x = torch.tensor(padded);
            using var hidden = torch.nn.functional.relu(torch.nn.functional.linear(x, state["linear1.weight"], state["linear1.bias"]));
            using var logits = torch.nn.functional.linear(hidden, state["linear2.weight"], state["linear2.bias"]);
            float[] actual = logits.data<float>().ToArray()[..expected.Length];
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }

    [Fact]
    public void Read_MatchesWhatPyTorch211SavedIncludingViewsOfOneStorage()
    {
        var state = PthFile.Read(Fixtures.Path("torch_state.pth"));
        var expected = SafeTensors.ReadTensors(Fixtures.Path("torch_state_expected.safetensors"));

        Assert.Equal(["linear.weight", "linear.bias", "left", "right", "column", "bf16", "f16", "ids", "scalar", "block.norm"], state.Keys);
        foreach (var (name, tensor) in state) TensorAssert.Same(expected[name], tensor, name);
        Assert.Equal(3_000_000_000L, state["ids"][2].item<long>());
        Assert.Empty(state["scalar"].shape);
    }

    [Fact]
    public void Read_RefusesTheOsSystemGlobal()
    {
        string path = Archive(new PickleScript().Proto(2).EmptyDict().Unicode("w")
            .Global("os", "system").Unicode("echo pwned").Tuple().Reduce().SetItem().Stop());

        string message = Refusal(path);

        Assert.Contains("refusing pickle global 'os system'", message);
    }

    [Fact]
    public void Read_RefusesAGlobalBuiltOnTheStackByProtocol4()
    {
        string path = Archive(new PickleScript().Proto(4).Frame(40).EmptyDict().Memoize()
            .StackGlobal("builtins", "eval").Memoize().ShortUnicode("1+1").Tuple().Reduce().Stop());

        Assert.Contains("refusing pickle global 'builtins eval'", Refusal(path));
    }

    [Fact]
    public void Read_RefusesAnOpcodeAStateDictDoesNotNeed()
    {
        string path = Archive(new PickleScript().Proto(2).EmptyList().Stop());

        Assert.Contains("refusing pickle opcode EMPTY_LIST (0x5d)", Refusal(path));
    }

    [Fact]
    public void Read_RefusesCallingAStorageType()
    {
        string path = Archive(new PickleScript().Proto(2).Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop());

        Assert.Contains("not callable", Refusal(path));
    }

    [Fact]
    public void Read_RefusesAValueThatIsNotATensor()
    {
        string path = Archive(StateDict("epoch", p => p.Int(3)));

        Assert.Contains("entry 'epoch' is not a tensor", Refusal(path));
    }

    [Fact]
    public void Read_NamesTheMissingStorage()
    {
        string path = Archive(StateDict("w", p => p.Tensor("FloatStorage", "0", 4, 0, [4], [1])));

        Assert.Contains("storage '0' is missing", Refusal(path));
    }

    [Fact]
    public void Read_RefusesAViewReachingPastItsStorage()
    {
        string path = Archive(StateDict("w", p => p.Tensor("FloatStorage", "0", 4, 2, [4], [1])), ("0", [1, 2, 3, 4]));

        Assert.Contains("reaches element 5 of storage '0'", Refusal(path));
    }

    [Fact]
    public void Read_RefusesAFileThatIsNotAZipArchive()
    {
        string path = _dir.File("legacy.pth");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a]);

        Assert.Contains("not a zip archive", Refusal(path));
    }

    [Fact]
    public void Read_FlattensNestedDictsWithDots()
    {
        var pickle = new PickleScript().Proto(2).EmptyDict().Unicode("encoder")
            .EmptyDict().Unicode("weight").Tensor("FloatStorage", "0", 2, 0, [2], [1]).SetItem()
            .SetItem().Stop();

        var state = PthFile.Read(Archive(pickle, ("0", [1.5f, -2f])));

        Assert.Equal(["encoder.weight"], state.Keys);
        Assert.Equal([1.5f, -2f], state["encoder.weight"].data<float>().ToArray());
    }

    [Fact]
    public void Read_CutsViewsThatShareOneStorage()
    {
        // Two rows of one [2, 3] storage, the second transposed-free but offset: what chunk()/split() save.
        var pickle = new PickleScript().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Mark()
            .Unicode("top").Tensor("FloatStorage", "7", 6, 0, [3], [1])
            .Unicode("bottom_t").Tensor("FloatStorage", "7", 6, 3, [3, 1], [1, 1])
            .SetItems().Stop();

        var state = PthFile.Read(Archive(pickle, ("7", [0, 1, 2, 3, 4, 5])));

        Assert.Equal([0f, 1, 2], state["top"].data<float>().ToArray());
        Assert.Equal([3L, 1], state["bottom_t"].shape);
        Assert.Equal([3f, 4, 5], state["bottom_t"].data<float>().ToArray());
    }

    [Fact]
    public void Read_AcceptsTheProtocol4OpcodesOfNewerPickles()
    {
        var pickle = new PickleScript().Proto(4).Frame(200)
            .StackGlobal("collections", "OrderedDict").Memoize().EmptyTuple().Reduce().Memoize()
            .ShortUnicode("w").Memoize()
            .StackGlobal("torch._utils", "_rebuild_tensor_v2").Memoize()
            .Mark()
            .Mark().ShortUnicode("storage").StackGlobal("torch", "FloatStorage").ShortUnicode("0").ShortUnicode("cpu").Int(2).Tuple().BinPersId()
            .Int(0).Ints(2).Ints(1).NewFalse().BinGet(0).EmptyTuple().Reduce()
            .Tuple().Reduce()
            .SetItem().Stop();

        var state = PthFile.Read(Archive(pickle, ("0", [7f, 8f])));

        Assert.Equal([7f, 8f], state["w"].data<float>().ToArray());
    }
}
