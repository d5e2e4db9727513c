using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Writes safetensors files laid out like the reference library's: tensors sorted by dtype (wider
/// first, so every tensor stays aligned) then by name, compact JSON header padded with spaces to a
/// multiple of 8 bytes. <c>__metadata__</c> (keys sorted) comes last, as in the golden files;
/// safetensors 0.8 writes it first, which readers treat the same.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>
    /// Writes atomically: a temporary file in the same folder is renamed over <paramref name="path"/>
    /// only once complete, so readers never see a half-written file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, torch.Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = Order(path, tensors);
        byte[] header = Header(ordered, metadata);

        string fullPath = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in ordered) WriteData(stream, tensor);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new Learn2PdException($"{path}: cannot write ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static List<(string Name, torch.Tensor Tensor)> Order(string path, IReadOnlyList<(string Name, torch.Tensor Tensor)> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
                throw new Learn2PdException($"{path}: '{name}' is not a valid tensor name");
            if (!seen.Add(name))
                throw new Learn2PdException($"{path}: tensor '{name}' given twice");
            _ = SafeTensorsDtype.NameOf(tensor.dtype); // refuse unsupported types before touching the disk
        }
        return tensors
            .OrderByDescending(t => SafeTensorsDtype.Rank(t.Tensor.dtype))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static byte[] Header(List<(string Name, torch.Tensor Tensor)> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps names byte-identical to the reference's serde_json output.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                long length = tensor.NumberOfElements * SafeTensorsDtype.ElementSize(tensor.dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDtype.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, torch.Tensor tensor)
    {
        using var onCpu = tensor.device_type == DeviceType.CPU ? null : tensor.cpu();
        var source = onCpu ?? tensor;
        using var dense = source.is_contiguous() ? null : source.contiguous();
        TensorBytes.ForEachChunk(dense ?? source, (chunk, _) => stream.Write(chunk));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
    }
}
