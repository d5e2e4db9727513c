using Learn2PD.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Core.Filter;

/// <summary>
/// Reads and writes Learn2PD filters in the authors' layout (<c>linear1.weight</c> [n, n],
/// <c>linear1.bias</c> [n], <c>linear2.weight</c> [n, n], <c>linear2.bias</c> [n]) from safetensors or
/// from the authors' PyTorch <c>.pth</c> (read without running pickle code).
/// </summary>
public static class FilterFile
{
    private static readonly string[] Keys = ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"];

    /// <summary>Either kind of filter: a <see cref="PositionFilter"/> (tensors fc1, fc2, out) or the authors' layout.</summary>
    public static ICommitFilter LoadAny(string path)
    {
        if (Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase) && File.Exists(path)
            && SafeTensors.Open(path).Tensors.ContainsKey("fc1.weight"))
            return LoadPosition(path);
        return Load(path);
    }

    /// <summary>A filter in the authors' layout (safetensors or .pth).</summary>
    public static Learn2PdFilter Load(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: filter file not found");
        try
        {
            return LoadChecked(path);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            throw DamagedFile.Error(path, "damaged filter file", e);
        }
    }

    private static Learn2PdFilter LoadChecked(string path)
    {
        var tensors = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => SafeTensors.ReadTensors(path),
            ".pth" or ".pt" or ".bin" => PthFile.Read(path),
            _ => throw new Learn2PdException($"{path}: a filter must be a .safetensors or .pth file"),
        };
        try
        {
            foreach (string key in Keys)
                if (!tensors.ContainsKey(key)) throw new Learn2PdException($"{path}: not a Learn2PD filter (no tensor '{key}')");
            var w1 = tensors["linear1.weight"];
            if (w1.ndim != 2 || w1.shape[0] != w1.shape[1])
                throw new Learn2PdException($"{path}: linear1.weight must be square [n, n], found [{string.Join(", ", w1.shape)}]");
            int n = (int)w1.shape[0];
            foreach (var (key, shape) in new[] { ("linear1.bias", new long[] { n }), ("linear2.weight", [n, n]), ("linear2.bias", [n]) })
            {
                if (!tensors[key].shape.SequenceEqual(shape))
                    throw new Learn2PdException($"{path}: {key} must be [{string.Join(", ", shape)}], found [{string.Join(", ", tensors[key].shape)}]");
            }
            var filter = new Learn2PdFilter(n);
            using (no_grad())
            {
                filter.linear1.weight!.copy_(tensors["linear1.weight"].to(ScalarType.Float32));
                filter.linear1.bias!.copy_(tensors["linear1.bias"].to(ScalarType.Float32));
                filter.linear2.weight!.copy_(tensors["linear2.weight"].to(ScalarType.Float32));
                filter.linear2.bias!.copy_(tensors["linear2.bias"].to(ScalarType.Float32));
            }
            filter.eval();
            return filter;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static PositionFilter LoadPosition(string path)
    {
        var tensors = SafeTensors.ReadTensors(path);
        try
        {
            foreach (string key in (string[])["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "out.weight", "out.bias"])
                if (!tensors.ContainsKey(key)) throw new Learn2PdException($"{path}: not a position filter (no tensor '{key}')");
            var w1 = tensors["fc1.weight"];
            if (w1.ndim != 2 || !PositionFeatures.IsWidth(w1.shape[1]))
                throw new Learn2PdException($"{path}: fc1.weight must be [hidden, {PositionFeatures.Widths}], found [{string.Join(", ", w1.shape)}]");
            int hidden = (int)w1.shape[0];
            var filter = new PositionFilter(hidden, (int)w1.shape[1]);
            foreach (var (key, shape) in new[] { ("fc1.bias", new long[] { hidden }), ("fc2.weight", [hidden, hidden]), ("fc2.bias", [hidden]), ("out.weight", [1, hidden]), ("out.bias", [1]) })
            {
                if (!tensors[key].shape.SequenceEqual(shape))
                    throw new Learn2PdException($"{path}: {key} must be [{string.Join(", ", shape)}], found [{string.Join(", ", tensors[key].shape)}]");
            }
            using (no_grad())
            {
                foreach (var (name, parameter) in filter.named_parameters()) parameter.copy_(tensors[name].to(ScalarType.Float32));
            }
            filter.eval();
            return filter;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Writes either kind of filter as fp32 safetensors (the authors' layout for theirs), atomically.</summary>
    public static void Save(ICommitFilter filter, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save((nn.Module)filter, path, metadata);

    private static void Save(nn.Module filter, string path, IReadOnlyDictionary<string, string>? metadata)
    {
        var tensors = filter.named_parameters().Select(p => (p.name, (Tensor)p.parameter.detach().to(ScalarType.Float32).cpu())).ToList();
        SafeTensorsWriter.Write(path, tensors, metadata);
        foreach (var (_, t) in tensors) t.Dispose();
    }
}
