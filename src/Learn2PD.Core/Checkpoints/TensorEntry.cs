using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>One tensor of a safetensors file, as its header describes it.</summary>
/// <param name="Name">The tensor's key, e.g. <c>model.transformer.wte.weight</c>.</param>
/// <param name="FilePath">The safetensors file holding its bytes.</param>
/// <param name="Dtype">The header's dtype name (<c>BF16</c>, <c>F32</c>, ...).</param>
/// <param name="ScalarType">The TorchSharp element type of that dtype.</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="DataOffset">Absolute file offset of the first byte (header length included).</param>
/// <param name="ByteLength">Number of bytes, always element count × element size.</param>
public sealed record TensorEntry(
    string Name,
    string FilePath,
    string Dtype,
    torch.ScalarType ScalarType,
    long[] Shape,
    long DataOffset,
    long ByteLength)
{
    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);

    public string ShapeText => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
