using System.Text.Json;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// A Hugging Face model directory: one <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c> (<c>weight_map</c>: tensor name → shard file name).
/// Opening needs only the index, so a directory still downloading (config.json + index) can be
/// inspected; <see cref="Tensors"/> needs every shard.
/// </summary>
public sealed class CheckpointDirectory
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly IReadOnlyDictionary<string, string>? _weightMap;
    private IReadOnlyDictionary<string, TensorEntry>? _tensors;

    private CheckpointDirectory(string root, string sourcePath, IReadOnlyList<ShardInfo> shards, IReadOnlyList<string> tensorNames,
        long? indexTotalSize, IReadOnlyDictionary<string, string>? weightMap, IReadOnlyDictionary<string, TensorEntry>? tensors)
    {
        Root = root;
        SourcePath = sourcePath;
        Shards = shards;
        TensorNames = tensorNames;
        IndexTotalSize = indexTotalSize;
        _weightMap = weightMap;
        _tensors = tensors;
    }

    /// <summary>The model directory.</summary>
    public string Root { get; }

    /// <summary>The index file, or <c>model.safetensors</c> when the model is one file.</summary>
    public string SourcePath { get; }

    /// <summary>Shard files sorted by name, present or not.</summary>
    public IReadOnlyList<ShardInfo> Shards { get; }

    public IReadOnlyList<ShardInfo> MissingShards => Shards.Where(s => !s.Exists).ToList();

    public bool IsComplete => Shards.All(s => s.Exists);

    /// <summary>Tensor names as the index (or the single file) lists them.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>The index's <c>metadata.total_size</c> (bytes of tensor data); null when absent or single-file.</summary>
    public long? IndexTotalSize { get; }

    /// <summary>
    /// Every tensor with its shard, from the shard headers (checked, and checked against the index).
    /// Throws a <see cref="Learn2PdException"/> naming the first missing shard.
    /// </summary>
    public IReadOnlyDictionary<string, TensorEntry> Tensors => _tensors ??= ReadShardHeaders();

    public static CheckpointDirectory Open(string directory)
    {
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
            throw new Learn2PdException($"{directory}: model directory does not exist");

        string index = Path.Combine(root, IndexFileName);
        if (File.Exists(index)) return OpenIndexed(root, index);

        string single = Path.Combine(root, SingleFileName);
        if (File.Exists(single))
        {
            SafeTensorsFile file = SafeTensors.Open(single);
            var shard = new ShardInfo(SingleFileName, single, true, file.FileLength, file.Tensors.Count);
            return new CheckpointDirectory(root, single, [shard], file.Tensors.Keys.ToList(), null, null, file.Tensors);
        }
        throw new Learn2PdException($"{directory}: neither {SingleFileName} nor {IndexFileName} is there");
    }

    private static CheckpointDirectory OpenIndexed(string root, string index)
    {
        try
        {
            return OpenIndexedChecked(root, index);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            throw DamagedFile.Error(index, "damaged index", e);
        }
    }

    private static CheckpointDirectory OpenIndexedChecked(string root, string index)
    {
        var (weightMap, totalSize) = ReadIndex(index);
        var shards = weightMap
            .GroupBy(kv => kv.Value, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                string path = Path.Combine(root, g.Key);
                var info = new FileInfo(path);
                return new ShardInfo(g.Key, path, info.Exists, info.Exists ? info.Length : null, g.Count());
            })
            .ToList();
        return new CheckpointDirectory(root, index, shards, weightMap.Keys.ToList(), totalSize, weightMap, null);
    }

    private static (Dictionary<string, string> WeightMap, long? TotalSize) ReadIndex(string index)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(index));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new Learn2PdException($"{index}: cannot read the index ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out JsonElement map) || map.ValueKind != JsonValueKind.Object)
                throw new Learn2PdException($"{index}: no \"weight_map\" object");

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new Learn2PdException($"{index}: weight_map entry '{p.Name}' is not a file name");
                string shard = p.Value.GetString()!;
                // A shard is a plain file name beside the index; anything else could read outside the model.
                if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or ".." || shard.Contains('\\'))
                    throw new Learn2PdException($"{index}: weight_map sends '{p.Name}' to '{shard}', which is not a file name in this directory");
                if (!weightMap.TryAdd(p.Name, shard))
                    throw new Learn2PdException($"{index}: weight_map names '{p.Name}' twice");
            }
            if (weightMap.Count == 0)
                throw new Learn2PdException($"{index}: weight_map is empty");

            long? totalSize = null;
            if (root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("total_size", out JsonElement total))
            {
                if (total.ValueKind != JsonValueKind.Number || !total.TryGetInt64(out long bytes) || bytes < 0)
                    throw new Learn2PdException($"{index}: metadata.total_size is not a byte count: {total.GetRawText()}");
                totalSize = bytes;
            }
            return (weightMap, totalSize);
        }
    }

    private Dictionary<string, TensorEntry> ReadShardHeaders()
    {
        var missing = MissingShards;
        if (missing.Count > 0)
        {
            string more = missing.Count > 1 ? $" (and {missing.Count - 1} more of {Shards.Count} shards)" : "";
            throw new Learn2PdException($"{SourcePath}: shard {missing[0].FileName} named by the index is missing from {Root}{more}");
        }

        var tensors = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (ShardInfo shard in Shards)
        {
            foreach (TensorEntry entry in SafeTensors.Open(shard.Path).Tensors.Values)
            {
                if (!_weightMap!.TryGetValue(entry.Name, out string? listed))
                    throw new Learn2PdException($"{shard.Path}: tensor '{entry.Name}' is not in {IndexFileName}");
                if (listed != shard.FileName)
                    throw new Learn2PdException($"{shard.Path}: tensor '{entry.Name}' is here, but {IndexFileName} places it in {listed}");
                tensors.Add(entry.Name, entry);
            }
        }
        foreach (var (name, shard) in _weightMap!)
        {
            if (!tensors.ContainsKey(name))
                throw new Learn2PdException($"{Path.Combine(Root, shard)}: tensor '{name}' listed in {IndexFileName} is not in this shard");
        }
        return tensors;
    }
}
