using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Moves bytes between files and a CPU tensor's own storage, without an intermediate managed array.
/// Works through 64 MB slices because <c>Tensor.bytes</c> is a <see cref="Span{T}"/> (int-sized).
/// </summary>
internal static class TensorBytes
{
    private const long ChunkBytes = 64L << 20;

    /// <summary>Fills a chunk of the tensor: the span and its byte offset from the tensor's start.</summary>
    public delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    /// <summary>Visits the storage of a contiguous CPU tensor chunk by chunk, in order.</summary>
    public static void ForEachChunk(torch.Tensor tensor, ChunkAction action)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new InvalidOperationException("TensorBytes needs a contiguous CPU tensor");
        long count = tensor.NumberOfElements;
        if (count == 0) return;
        long elementSize = tensor.ElementSize;
        long perChunk = Math.Max(1, ChunkBytes / elementSize);
        using var flat = tensor.view(-1);
        for (long start = 0; start < count; start += perChunk)
        {
            using var slice = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(slice.bytes, start * elementSize);
        }
    }

    /// <summary>
    /// Reads one tensor into a new tensor of the requested type and device. Same type on the CPU:
    /// the file's bytes land directly in the result. Otherwise one temporary of this tensor's size in
    /// the file's type, converted and moved per tensor, never a second copy of the whole checkpoint.
    /// </summary>
    public static torch.Tensor Read(Microsoft.Win32.SafeHandles.SafeFileHandle file, TensorEntry entry, torch.ScalarType dtype, torch.Device device)
    {
        var raw = torch.empty(entry.Shape, entry.ScalarType);
        try
        {
            ForEachChunk(raw, (chunk, at) => FileBytes.ReadExactly(file, chunk, entry.DataOffset + at, entry.FilePath));
        }
        catch
        {
            raw.Dispose();
            throw;
        }
        if (entry.ScalarType == dtype && device.type == DeviceType.CPU) return raw;
        using (raw) return raw.to(dtype, device);
    }
}
