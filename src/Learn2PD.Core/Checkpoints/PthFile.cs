using System.IO.Compression;
using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Reads a state dict saved by <c>torch.save(module.state_dict(), path)</c> (the zip format of PyTorch
/// ≥ 1.6: <c>{folder}/data.pkl</c> plus one <c>{folder}/data/{key}</c> entry per storage; the folder name
/// varies) without ever running pickle code: <c>data.pkl</c> goes through <see cref="RestrictedUnpickler"/>.
/// </summary>
/// <remarks>
/// The result maps names to CPU tensors in file order. A nested dict is flattened with '.', the way
/// PyTorch names a submodule's parameters (<c>{"enc": {"w": t}}</c> → <c>enc.w</c>); any value that is
/// neither a tensor nor a dict (an epoch counter, a config) is refused, since a state dict has none.
/// TorchSharp.PyBridge also reads .pth, but through Razorvine.Pickle, which accepts any global (it only
/// fails later, on a cast) and registers its constructors process-wide; it is not used here.
/// </remarks>
public static class PthFile
{
    private const long MaxPickleBytes = 100_000_000;

    // Nesting a real state dict never comes near; a damaged pickle can make a dict hold itself.
    private const int MaxNesting = 64;

    public static Dictionary<string, torch.Tensor> Read(string path)
    {
        try
        {
            return ReadChecked(path);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // E.g. a damaged zip directory ("Number of entries expected in End Of Central Directory ...").
            throw DamagedFile.Error(path, "damaged .pth file", e);
        }
    }

    private static Dictionary<string, torch.Tensor> ReadChecked(string path)
    {
        using ZipArchive zip = OpenZip(path);
        string folder = FindFolder(path, zip);
        CheckByteOrder(path, zip, folder);
        object? root = RestrictedUnpickler.Run(path, ReadPickle(path, zip.GetEntry($"{folder}/data.pkl")!));
        if (root is not PickleDict dict)
            throw new Learn2PdException($"{path}: holds {(root == null ? "None" : "a " + root.GetType().Name)}, not a state dict");
        var specs = new List<(string Name, TensorSpec Spec)>();
        Flatten(path, dict, "", specs);
        return Materialise(path, zip, folder, specs);
    }

    private static ZipArchive OpenZip(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new Learn2PdException($"{path}: not a zip archive; only torch.save's zip format (PyTorch ≥ 1.6) is supported");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Learn2PdException($"{path}: cannot open ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
    }

    private static string FindFolder(string path, ZipArchive zip)
    {
        var pickles = zip.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
            .ToList();
        if (pickles.Count != 1)
            throw new Learn2PdException($"{path}: expected one {{folder}}/data.pkl in the archive, found {pickles.Count}");
        return pickles[0].FullName[..^"/data.pkl".Length];
    }

    private static void CheckByteOrder(string path, ZipArchive zip, string folder)
    {
        ZipArchiveEntry? entry = zip.GetEntry($"{folder}/byteorder");
        if (entry == null) return; // older files: always little-endian
        using var reader = new StreamReader(entry.Open());
        string order = reader.ReadToEnd().Trim();
        if (order != "little")
            throw new Learn2PdException($"{path}: byte order '{order}' is not supported");
    }

    private static byte[] ReadPickle(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > MaxPickleBytes)
            throw new Learn2PdException($"{path}: {entry.FullName} is {entry.Length} bytes, too large for a state dict");
        var bytes = new byte[entry.Length];
        using Stream stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static void Flatten(string path, PickleDict dict, string prefix, List<(string, TensorSpec)> specs, int depth = 0)
    {
        if (depth > MaxNesting) throw new Learn2PdException($"{path}: dicts nested more than {MaxNesting} deep (a dict that holds itself?)");
        foreach (var (key, value) in dict.Items)
        {
            string name = prefix + key;
            switch (value)
            {
                case TensorSpec spec: specs.Add((name, spec)); break;
                case PickleDict nested: Flatten(path, nested, name + ".", specs, depth + 1); break;
                default: throw new Learn2PdException($"{path}: entry '{name}' is not a tensor; only tensors and dicts of them are read");
            }
        }
    }

    private static Dictionary<string, torch.Tensor> Materialise(string path, ZipArchive zip, string folder, List<(string Name, TensorSpec Spec)> specs)
    {
        var storages = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, spec) in specs)
            {
                if (result.ContainsKey(name))
                    throw new Learn2PdException($"{path}: tensor '{name}' appears twice after flattening nested dicts");
                if (!storages.TryGetValue(spec.Storage.Key, out torch.Tensor? storage))
                    storages[spec.Storage.Key] = storage = ReadStorage(path, zip, folder, spec.Storage);
                else if (storage.dtype != spec.Storage.Dtype || storage.NumberOfElements != spec.Storage.ElementCount)
                    throw new Learn2PdException($"{path}: storage '{spec.Storage.Key}' is described two different ways");
                result.Add(name, View(storage, spec));
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        finally
        {
            // Views keep their storage alive; only the handles go.
            foreach (var s in storages.Values) s.Dispose();
        }
    }

    private static torch.Tensor ReadStorage(string path, ZipArchive zip, string folder, StorageRef storage)
    {
        string entryName = $"{folder}/data/{storage.Key}";
        ZipArchiveEntry entry = zip.GetEntry(entryName)
            ?? throw new Learn2PdException($"{path}: storage '{storage.Key}' is missing (no {entryName} in the archive)");
        long expected = storage.ElementCount > long.MaxValue / 8 ? -1 : storage.ElementCount * SafeTensorsDtype.ElementSize(storage.Dtype);
        if (entry.Length != expected)
            throw new Learn2PdException($"{path}: {entryName} holds {entry.Length} bytes, but {storage.ElementCount} {storage.Dtype} elements need {expected}");

        var tensor = torch.empty([storage.ElementCount], storage.Dtype);
        try
        {
            using Stream stream = entry.Open();
            TensorBytes.ForEachChunk(tensor, (chunk, _) => stream.ReadExactly(chunk));
            return tensor;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            tensor.Dispose();
            throw new Learn2PdException($"{path}: cannot read {entryName} ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
    }

    /// <summary>The tensor as its own contiguous tensor: a reshaped view when it spans the whole storage, else a copy.</summary>
    private static torch.Tensor View(torch.Tensor storage, TensorSpec spec)
    {
        long count = spec.Shape.Aggregate(1L, (n, d) => n * d);
        if (spec.Offset == 0 && count == storage.NumberOfElements && IsContiguous(spec.Shape, spec.Stride))
            return storage.view(spec.Shape);
        using var strided = storage.as_strided(spec.Shape, spec.Stride, spec.Offset);
        return torch.empty(spec.Shape, storage.dtype).copy_(strided);
    }

    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
