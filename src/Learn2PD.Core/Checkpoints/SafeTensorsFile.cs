using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>A checked safetensors header; tensors are read on demand.</summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(string path, long fileLength, long dataStart, IEnumerable<TensorEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        FileLength = fileLength;
        DataStart = dataStart;
        Tensors = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Metadata = metadata;
    }

    public string Path { get; }

    public long FileLength { get; }

    /// <summary>Offset of the data section: 8 + header length.</summary>
    public long DataStart { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyDictionary<string, TensorEntry> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (e.g. <c>format: pt</c>); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads one tensor, converted to <paramref name="dtype"/> and moved to <paramref name="device"/> if given.</summary>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        if (!Tensors.TryGetValue(name, out TensorEntry? entry))
            throw new Learn2PdException($"{Path}: no tensor '{name}'");
        using var file = FileBytes.OpenRead(Path);
        return TensorBytes.Read(file, entry, dtype ?? entry.ScalarType, device ?? torch.CPU);
    }

    /// <summary>Reads every tensor onto the CPU in its stored type, in header order.</summary>
    public Dictionary<string, torch.Tensor> ReadAll()
    {
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        using var file = FileBytes.OpenRead(Path);
        try
        {
            foreach (TensorEntry entry in Tensors.Values)
                result.Add(entry.Name, TensorBytes.Read(file, entry, entry.ScalarType, torch.CPU));
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }
}
