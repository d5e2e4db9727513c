using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Parses and checks a safetensors header: 8 bytes little-endian header length N, N bytes of JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets"}, ..., "__metadata__": {str: str}}</c>), then the data.
/// The checks follow the reference implementation: the tensors must tile the data section exactly,
/// without gaps or overlaps, and each must be as long as its dtype and shape say.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>Same limit as the reference: no real header comes close.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static SafeTensorsFile Read(string path)
    {
        try
        {
            return ReadChecked(path);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // E.g. a tensor name that is not valid UTF-8 ("Cannot transcode invalid UTF-8").
            throw DamagedFile.Error(path, "damaged safetensors header", e);
        }
    }

    private static SafeTensorsFile ReadChecked(string path)
    {
        using SafeFileHandle file = FileBytes.OpenRead(path);
        long fileLength = RandomAccess.GetLength(file);
        if (fileLength < 8)
            throw Fail(path, $"file is {fileLength} bytes, too short for the 8-byte safetensors header length");

        Span<byte> prefix = stackalloc byte[8];
        FileBytes.ReadExactly(file, prefix, 0, path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Fail(path, $"header length {headerLength} bytes is absurd (limit {MaxHeaderBytes}); not a safetensors file?");
        if (headerLength > (ulong)(fileLength - 8))
            throw Fail(path, $"header length {headerLength} bytes runs past the end of the {fileLength}-byte file");

        var json = new byte[headerLength];
        FileBytes.ReadExactly(file, json, 8, path);
        return Parse(path, json, fileLength);
    }

    private static SafeTensorsFile Parse(string path, byte[] json, long fileLength)
    {
        using JsonDocument doc = ParseJson(path, json);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Fail(path, $"header is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object of tensors");

        long dataStart = 8 + json.Length;
        var entries = new List<TensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
                throw Fail(path, $"header names '{property.Name}' twice");
            if (property.Name == "__metadata__")
                metadata = ParseMetadata(path, property.Value);
            else
                entries.Add(ParseEntry(path, property.Name, property.Value, dataStart));
        }

        CheckLayout(path, entries, dataStart, fileLength - dataStart);
        return new SafeTensorsFile(path, fileLength, dataStart, entries, metadata);
    }

    private static JsonDocument ParseJson(string path, byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Fail(path, $"header is not valid JSON ({FirstLine(e.Message)})");
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(path, "__metadata__ must be an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw Fail(path, $"__metadata__ value of '{p.Name}' must be a string, found {p.Value.ValueKind}");
            metadata[p.Name] = p.Value.GetString()!;
        }
        return metadata;
    }

    private static TensorEntry ParseEntry(string path, string name, JsonElement value, long dataStart)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(path, name, $"entry is a JSON {value.ValueKind}, expected {{\"dtype\", \"shape\", \"data_offsets\"}}");
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Fail(path, name, "entry has no string \"dtype\"");
        string dtype = dtypeElement.GetString()!;
        if (!SafeTensorsDtype.TryParse(dtype, out var scalarType, out string? problem))
            throw Fail(path, name, problem!);

        long[] shape = ReadLongs(path, name, value, "shape", expectedCount: null);
        long[] offsets = ReadLongs(path, name, value, "data_offsets", expectedCount: 2);
        if (offsets[0] > offsets[1])
            throw Fail(path, name, $"data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");

        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (n, d) => n * d) * SafeTensorsDtype.ElementSize(scalarType));
        }
        catch (OverflowException)
        {
            throw Fail(path, name, $"shape {TensorEntry.FormatShape(shape)} is too large");
        }
        long length = offsets[1] - offsets[0];
        if (length != expected)
            throw Fail(path, name, $"data_offsets [{offsets[0]}, {offsets[1]}] hold {length} bytes, but {dtype} × {TensorEntry.FormatShape(shape)} needs {expected}");

        return new TensorEntry(name, path, dtype, scalarType, shape, dataStart + offsets[0], length);
    }

    private static long[] ReadLongs(string path, string name, JsonElement value, string field, int? expectedCount)
    {
        string wanted = expectedCount is { } n ? $"an array of {n} non-negative integers" : "an array of non-negative integers";
        if (!value.TryGetProperty(field, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw Fail(path, name, $"\"{field}\" must be {wanted}");
        var result = new long[array.GetArrayLength()];
        if (expectedCount is { } count && result.Length != count)
            throw Fail(path, name, $"\"{field}\" must be {wanted}, found {result.Length} values");
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw Fail(path, name, $"\"{field}\" must be {wanted}, found {item.GetRawText()}");
            result[i++] = v;
        }
        return result;
    }

    /// <summary>The tensors, in offset order, must cover the data section exactly.</summary>
    private static void CheckLayout(string path, List<TensorEntry> entries, long dataStart, long dataLength)
    {
        long covered = 0;
        TensorEntry? previous = null;
        foreach (TensorEntry e in entries.OrderBy(e => e.DataOffset).ThenBy(e => e.ByteLength))
        {
            long begin = e.DataOffset - dataStart, end = begin + e.ByteLength;
            if (end > dataLength)
                throw Fail(path, e.Name, $"data_offsets [{begin}, {end}] run past the end of the file (the data section holds {dataLength} bytes)");
            if (begin < covered)
                throw Fail(path, e.Name, $"data_offsets [{begin}, {end}] overlap tensor '{previous!.Name}'");
            if (begin > covered)
                throw Fail(path, e.Name, $"data_offsets [{begin}, {end}] leave a gap after byte {covered} of the data section");
            covered = end;
            previous = e;
        }
        if (covered != dataLength)
            throw Fail(path, $"the tensors cover {covered} bytes, but the data section holds {dataLength}");
    }

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    private static Learn2PdException Fail(string path, string message) => new($"{path}: {message}");

    private static Learn2PdException Fail(string path, string tensor, string message) => new($"{path}: tensor '{tensor}': {message}");
}
