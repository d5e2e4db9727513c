using Learn2PD.Tests.Support;
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

    /// <summary>A header that breaks one rule of the format, and what the one-line refusal must say.</summary>
    public static TheoryData<string, int, ulong?, string[]> MalformedHeaders() => new()
    {
        { "{}", 0, 5000UL, ["runs past the end"] },
        { "{}", 0, ulong.MaxValue, ["absurd"] },
        { "this is not json", 0, null, ["not valid JSON"] },
        { "[1, 2, 3]", 0, null, ["expected an object"] },
        { """{"w":{"dtype":"F32","data_offsets":[0,4]}}""", 4, null, ["tensor 'w'", "\"shape\""] },
        { """{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, null, ["non-negative"] },
        { """{"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", 4, null, ["tensor 'w'", "unknown dtype 'F33'"] },
        { """{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", 4, null, ["not supported by TorchSharp"] },
        { """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, null, ["tensor 'w'", "run past the end of the file"] },
        { """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20, null, ["tensor 'w'", "F32 × [2, 3] needs 24"] },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, null, ["overlap tensor 'a'"] },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, null, ["leave a gap"] },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, null, ["cover 4 bytes, but the data section holds 8"] },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, null, ["names 'a' twice"] },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Open_RejectsAMalformedHeader_WithOneLineSayingWhy(string header, int dataBytes, ulong? headerLength, string[] expected)
    {
        string message = Refusal(Bad(header, dataBytes, headerLength));

        Assert.All(expected, part => Assert.Contains(part, message));
    }

    [Fact]
    public void Open_RejectsMissingFile()
    {
        Assert.Contains("cannot open", Refusal(_dir.File("absent.safetensors")));
    }
}
