using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using TorchSharp;

namespace Learn2PD.Tests.Checkpoints;

/// <summary>A malformed safetensors file is refused with one line naming the file (and the tensor).</summary>
public sealed class SafeTensorsHeaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Bad(string header, int dataBytes, ulong? headerLength = null)
    {
        string path = _dir.File("bad.safetensors");
        RawSafeTensors.Write(path, header, dataBytes, headerLength);
        return path;
    }

    private static string Refusal(string path)
    {
        var e = Assert.Throws<Learn2PdException>(() => SafeTensors.Open(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Open_AcceptsMetadataAndReportsTensorsInHeaderOrder()
    {
        string path = Bad("""{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"BF16","shape":[],"data_offsets":[8,10]},"__metadata__":{"format":"pt"}}""", 10);

        SafeTensorsFile file = SafeTensors.Open(path);

        Assert.Equal(["b", "a"], file.Tensors.Keys);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(torch.ScalarType.BFloat16, file.Tensors["a"].ScalarType);
        Assert.Empty(file.Tensors["a"].Shape);
        Assert.Equal(file.DataStart + 8, file.Tensors["a"].DataOffset);
    }

    [Fact]
    public void Open_RejectsFileShorterThanEightBytes()
    {
        string path = _dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Contains("too short", Refusal(path));
    }

    [Fact]
    public void Open_RejectsHeaderLengthBeyondTheFile()
    {
        string path = Bad("{}", 0, headerLength: 5000);

        Assert.Contains("runs past the end", Refusal(path));
    }

    [Fact]
    public void Open_RejectsAbsurdHeaderLength()
    {
        string path = Bad("{}", 0, headerLength: ulong.MaxValue);

        Assert.Contains("absurd", Refusal(path));
    }

    [Fact]
    public void Open_RejectsHeaderThatIsNotJson()
    {
        string path = Bad("this is not json", 0);

        Assert.Contains("not valid JSON", Refusal(path));
    }

    [Fact]
    public void Open_RejectsHeaderThatIsNotAnObject()
    {
        string path = Bad("[1, 2, 3]", 0);

        Assert.Contains("expected an object", Refusal(path));
    }

    [Fact]
    public void Open_RejectsEntryWithoutShape()
    {
        string path = Bad("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""", 4);

        string message = Refusal(path);
        Assert.Contains("tensor 'w'", message);
        Assert.Contains("\"shape\"", message);
    }

    [Fact]
    public void Open_RejectsNegativeDimension()
    {
        string path = Bad("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4);

        Assert.Contains("non-negative", Refusal(path));
    }

    [Fact]
    public void Open_RejectsUnknownDtype()
    {
        string path = Bad("""{"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", 4);

        string message = Refusal(path);
        Assert.Contains("tensor 'w'", message);
        Assert.Contains("unknown dtype 'F33'", message);
    }

    [Fact]
    public void Open_RejectsDtypeTorchSharpCannotHold()
    {
        string path = Bad("""{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", 4);

        Assert.Contains("not supported by TorchSharp", Refusal(path));
    }

    [Fact]
    public void Open_RejectsOffsetsOutsideTheFile()
    {
        string path = Bad("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8);

        string message = Refusal(path);
        Assert.Contains("tensor 'w'", message);
        Assert.Contains("run past the end of the file", message);
    }

    [Fact]
    public void Open_RejectsOffsetsInconsistentWithDtypeAndShape()
    {
        string path = Bad("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20);

        string message = Refusal(path);
        Assert.Contains("tensor 'w'", message);
        Assert.Contains("F32 × [2, 3] needs 24", message);
    }

    [Fact]
    public void Open_RejectsOverlappingTensors()
    {
        string path = Bad("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);

        Assert.Contains("overlap tensor 'a'", Refusal(path));
    }

    [Fact]
    public void Open_RejectsGapBetweenTensors()
    {
        string path = Bad("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12);

        Assert.Contains("leave a gap", Refusal(path));
    }

    [Fact]
    public void Open_RejectsBytesAfterTheLastTensor()
    {
        string path = Bad("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8);

        Assert.Contains("cover 4 bytes, but the data section holds 8", Refusal(path));
    }

    [Fact]
    public void Open_RejectsDuplicateTensorNames()
    {
        string path = Bad("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8);

        Assert.Contains("names 'a' twice", Refusal(path));
    }

    [Fact]
    public void Open_RejectsMissingFile()
    {
        Assert.Contains("cannot open", Refusal(_dir.File("absent.safetensors")));
    }
}
