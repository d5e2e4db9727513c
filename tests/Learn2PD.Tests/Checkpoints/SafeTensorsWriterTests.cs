using System.Buffers.Binary;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Tests.Support;
using TorchSharp;

namespace Learn2PD.Tests.Checkpoints;

public sealed class SafeTensorsWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(torch.ScalarType.Float32, "F32")]
    [InlineData(torch.ScalarType.BFloat16, "BF16")]
    [InlineData(torch.ScalarType.Float16, "F16")]
    [InlineData(torch.ScalarType.Int64, "I64")]
    [InlineData(torch.ScalarType.Int32, "I32")]
    [InlineData(torch.ScalarType.Float64, "F64")]
    [InlineData(torch.ScalarType.Byte, "U8")]
    [InlineData(torch.ScalarType.Bool, "BOOL")]
    public void WriteThenRead_ReturnsTheSameTensor(torch.ScalarType dtype, string dtypeName)
    {
        string path = _dir.File("round.safetensors");
        using var original = (torch.arange(0, 24, dtype: torch.ScalarType.Float64) * 0.75 - 6).reshape(2, 3, 4).to(dtype);

        SafeTensorsWriter.Write(path, [("x", original)]);

        Assert.Equal(dtypeName, SafeTensors.Open(path).Tensors["x"].Dtype);
        var read = SafeTensors.ReadTensors(path);
        Assert.Equal(dtype, read["x"].dtype);
        Assert.Equal(original.shape, read["x"].shape);
        TensorAssert.Same(original, read["x"]);
    }

    [Fact]
    public void WriteThenRead_KeepsScalarsAndEmptyTensors()
    {
        string path = _dir.File("edge.safetensors");
        using var scalar = torch.tensor(3.5f);
        using var empty = torch.zeros(0, 4);

        SafeTensorsWriter.Write(path, [("scalar", scalar), ("empty", empty)]);

        var read = SafeTensors.ReadTensors(path);
        TensorAssert.Same(scalar, read["scalar"]);
        Assert.Equal([0L, 4], read["empty"].shape);
    }

    [Fact]
    public void Write_PadsTheHeaderToAMultipleOfEightBytes()
    {
        string path = _dir.File("pad.safetensors");

        SafeTensorsWriter.Write(path, [("odd_name", torch.ones(3))]);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0UL, headerLength % 8);
    }

    [Fact]
    public void Write_OrdersTensorsByDtypeWidthThenName()
    {
        string path = _dir.File("order.safetensors");

        SafeTensorsWriter.Write(path, [("c", torch.ones(1)), ("b", torch.ones(1, dtype: torch.int64)), ("a", torch.ones(1))]);

        var tensors = SafeTensors.Open(path).Tensors.Values.OrderBy(e => e.DataOffset).Select(e => e.Name);
        Assert.Equal(["b", "a", "c"], tensors);
    }

    [Fact]
    public void Write_StoresNonContiguousTensorsAsTheirValues()
    {
        string path = _dir.File("transposed.safetensors");
        using var matrix = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var transposed = matrix.t();

        SafeTensorsWriter.Write(path, [("t", transposed)]);

        TensorAssert.Same(transposed, SafeTensors.ReadTensors(path)["t"]);
    }

    [Fact]
    public void Write_ReplacesAnExistingFileAndLeavesNoTemporaryBehind()
    {
        string path = _dir.File("model.safetensors");
        File.WriteAllText(path, "old contents");

        SafeTensorsWriter.Write(path, [("w", torch.zeros(2))], new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        Assert.Equal("pt", SafeTensors.Open(path).Metadata["format"]);
    }

    [Fact]
    public void Write_RefusesDuplicateNamesWithoutTouchingTheDisk()
    {
        string path = _dir.File("dup.safetensors");

        var e = Assert.Throws<Learn2PdException>(() => SafeTensorsWriter.Write(path, [("w", torch.zeros(1)), ("w", torch.ones(1))]));

        Assert.Contains("'w' given twice", e.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Write_LaysOutTensorsAndBytesLikeTheSafetensorsLibrary()
    {
        string reference = Fixtures.Path("reference_order.safetensors");
        SafeTensorsFile expected = SafeTensors.Open(reference);
        var tensors = SafeTensors.ReadTensors(reference);
        string path = _dir.File("mine.safetensors");

        SafeTensorsWriter.Write(path, tensors.Select(kv => (kv.Key, kv.Value)).Reverse().ToList(), expected.Metadata);

        SafeTensorsFile mine = SafeTensors.Open(path);
        static IEnumerable<(string, string, string, long)> Layout(SafeTensorsFile f) =>
            f.Tensors.Values.OrderBy(e => e.DataOffset).Select(e => (e.Name, e.Dtype, e.ShapeText, e.DataOffset - f.DataStart));
        Assert.Equal(Layout(expected), Layout(mine));
        Assert.Equal(File.ReadAllBytes(reference)[(int)expected.DataStart..], File.ReadAllBytes(path)[(int)mine.DataStart..]);
        Assert.Equal(expected.Metadata, mine.Metadata);
    }

    [SkippableFact]
    public void Write_ReproducesTheReferenceBytesOfTheGoldenForwardFile()
    {
        string golden = GoldenData.Path("llada-tiny", "forward.safetensors");
        string path = _dir.File("forward.safetensors");
        var tensors = SafeTensors.ReadTensors(golden);

        SafeTensorsWriter.Write(path, [("logits", tensors["logits"]), ("input_ids", tensors["input_ids"])], new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(File.ReadAllBytes(golden), File.ReadAllBytes(path));
    }
}
