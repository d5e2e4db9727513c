using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Safetensors files mapped into memory (<c>torch.from_file</c>, a private mapping: the weights are the
/// page cache's pages, copy-on-write should anything write to them), so a checkpoint whose dtype is the
/// one asked for loads at the speed of the page cache and is never in memory twice. Every page is
/// touched while loading, so the load time is honest and the first forward pays no faults. A tensor whose
/// offset is not aligned to its element size (the format allows it) is left to the copying reader.
/// </summary>
internal sealed class MappedFiles : IDisposable
{
    private const long PageBytes = 4096;
    private readonly Dictionary<(string File, torch.ScalarType Type), torch.Tensor> files = [];

    /// <summary>A view of the tensor's bytes in the mapped file, or null when it cannot be one.</summary>
    public torch.Tensor? View(TensorEntry entry, torch.ScalarType dtype)
    {
        if (entry.ScalarType != dtype || entry.ElementCount == 0) return null;
        long elementSize = ElementSize(dtype);
        if (elementSize == 0 || entry.DataOffset % elementSize != 0) return null;
        var whole = Map(entry.FilePath, dtype, elementSize);
        if (entry.DataOffset + entry.ByteLength > whole.NumberOfElements * elementSize)
            throw new Learn2PdException($"{entry.FilePath}: file ends at byte {whole.NumberOfElements * elementSize}, before tensor '{entry.Name}' does (truncated while reading?)");
        var view = whole.narrow(0, entry.DataOffset / elementSize, entry.ElementCount).reshape(entry.Shape);
        Touch(view, elementSize);
        return view;
    }

    private torch.Tensor Map(string path, torch.ScalarType dtype, long elementSize)
    {
        if (!files.TryGetValue((path, dtype), out var whole))
        {
            long length = new FileInfo(path).Length;
            whole = torch.from_file(path, shared: false, size: length / elementSize, dtype: dtype);
            files[(path, dtype)] = whole;
        }
        return whole;
    }

    /// <summary>Reads one element per page, so the pages are mapped in now rather than during the first forward.</summary>
    private static void Touch(torch.Tensor view, long elementSize)
    {
        using var scope = torch.NewDisposeScope();
        long count = view.NumberOfElements, step = Math.Max(1, PageBytes / elementSize);
        view.reshape(-1).index_select(0, torch.arange(0, count, step)).sum();
    }

    private static long ElementSize(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.BFloat16 or torch.ScalarType.Float16 or torch.ScalarType.Int16 => 2,
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        _ => 0,
    };

    /// <summary>The whole-file tensors go; the views keep their storage (and the mapping) alive.</summary>
    public void Dispose()
    {
        foreach (var t in files.Values) t.Dispose();
        files.Clear();
    }
}
