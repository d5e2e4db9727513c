using System.Buffers;
using System.Text;
using System.Text.Json;
using Learn2PD.Core;

namespace Learn2PD.Train.Oracle;

/// <summary>
/// Oracle labels on disk, append-only JSON lines: a <see cref="LabelFileHeader"/> line, then one line
/// per prompt (<see cref="PromptLabels"/>), written and flushed as each batch finishes. A run killed
/// mid-write leaves at most one partial last line; opening the file again drops it and carries on
/// from the prompts already recorded. Per prompt line:
/// <c>{"prompt", "reference": [ids], "alternatives": [[ids], …] (when sampled references agreed), "baseline_nfe", "oracle_nfe", "reference_seconds", "oracle_seconds",
/// "records": [{"block", "step", "confidence": [n floats], "correct": "0110…", "masked": "1110…"}]}</c>.
/// </summary>
public sealed class LabelRecordFile : IDisposable
{
    private readonly FileStream stream;
    private readonly Dictionary<int, PromptLabels> recorded;

    private LabelRecordFile(string path, FileStream stream, LabelFileHeader header, Dictionary<int, PromptLabels> recorded, long droppedBytes)
    {
        Path = path;
        this.stream = stream;
        Header = header;
        this.recorded = recorded;
        DroppedBytes = droppedBytes;
    }

    public string Path { get; }
    public LabelFileHeader Header { get; }
    /// <summary>Prompts with complete records, by prompt index.</summary>
    public IReadOnlyDictionary<int, PromptLabels> Recorded => recorded;
    /// <summary>Bytes of a partial last line removed on opening (a run killed while writing).</summary>
    public long DroppedBytes { get; }

    /// <summary>
    /// Opens <paramref name="path"/> for recording under <paramref name="header"/>: a missing or empty
    /// file is started; an existing one is resumed when its header matches, otherwise this throws a
    /// <see cref="Learn2PdException"/> naming the setting that differs.
    /// </summary>
    public static LabelRecordFile Open(string path, LabelFileHeader header)
    {
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder != null) Directory.CreateDirectory(folder);
        FileStream stream;
        try
        {
            // Exclusive: two runs appending to one file would interleave their lines.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new Learn2PdException($"{path}: cannot open the label file ({e.Message}); is another train-filter run using it?", e);
        }
        try
        {
            var (existing, entries, goodLength) = ReadAll(stream, path);
            long dropped = stream.Length - goodLength;
            if (existing is null)
            {
                // A new file, or a header cut off mid-write: start over. Anything else is not ours to overwrite.
                if (stream.Length > 0 && !StartsLikeHeader(stream))
                    throw new Learn2PdException($"{path} exists and is not a label file; delete it or pass another --labels file");
                stream.SetLength(0);
                WriteLine(stream, Encoding.UTF8.GetBytes(header.ToJson()));
                stream.Flush(flushToDisk: true);
                return new LabelRecordFile(path, stream, header, [], dropped);
            }
            if (existing.FirstDifference(header) is { } difference)
                throw new Learn2PdException($"{path} holds labels made with other settings ({difference}); delete it or pass another --labels file");
            if (dropped > 0) stream.SetLength(goodLength);
            stream.Seek(0, SeekOrigin.End);
            var recorded = new Dictionary<int, PromptLabels>();
            foreach (var entry in entries)
            {
                if (entry.Prompt < 0 || entry.Prompt >= header.PromptCount)
                    throw new Learn2PdException($"{path}: record for prompt {entry.Prompt}, but the file has {header.PromptCount} prompts; delete it");
                recorded[entry.Prompt] = entry;
            }
            return new LabelRecordFile(path, stream, existing, recorded, dropped);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a label file without changing it (a partial last line is ignored).</summary>
    public static (LabelFileHeader Header, IReadOnlyList<PromptLabels> Prompts) Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: label file not found");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var (header, entries, _) = ReadAll(stream, path);
        return (header ?? throw new Learn2PdException($"{path}: not a label file (no {LabelFileHeader.FormatName} header)"), entries);
    }

    /// <summary>
    /// Joins the label files of the shards of one run (<c>train-filter --shard I/N</c>) into one complete
    /// file at <paramref name="outPath"/> (written whole, then renamed into place). The shards must share
    /// every setting and together hold each prompt once. Returns the number of prompts.
    /// </summary>
    public static int Merge(IReadOnlyList<string> shardPaths, string outPath)
    {
        if (shardPaths.Count == 0) throw new Learn2PdException("train-filter merge needs the shards' label files");
        var shards = shardPaths.Select(p => (Path: p, File: Read(p))).ToArray();
        var header = shards[0].File.Header with { Shard = null, Created = DateTime.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (path, file) in shards)
        {
            if ((file.Header with { Shard = null }).FirstDifference(header) is { } difference)
                throw new Learn2PdException($"{path} was recorded with other settings than {shards[0].Path} ({difference})");
        }
        var prompts = new SortedDictionary<int, PromptLabels>();
        foreach (var (path, file) in shards)
        {
            foreach (var prompt in file.Prompts)
            {
                if (!prompts.TryAdd(prompt.Prompt, prompt))
                    throw new Learn2PdException($"{path}: prompt {prompt.Prompt} is also in another shard; give each shard's file once");
            }
        }
        if (prompts.Count != header.PromptCount)
            throw new Learn2PdException($"the shards hold {prompts.Count} of {header.PromptCount} prompts: a shard is missing or unfinished (rerun its command to complete it)");
        string full = System.IO.Path.GetFullPath(outPath);
        string temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.Delete(temp);
        using (var merged = Open(temp, header)) merged.Append(prompts.Values);
        File.Move(temp, full, overwrite: true);
        return prompts.Count;
    }

    /// <summary>Appends the prompts' lines and flushes them to disk before returning.</summary>
    public void Append(IEnumerable<PromptLabels> prompts)
    {
        foreach (var prompt in prompts)
        {
            WriteLine(stream, Serialize(prompt));
            recorded[prompt.Prompt] = prompt;
        }
        stream.Flush(flushToDisk: true);
    }

    public void Dispose() => stream.Dispose();

    private static void WriteLine(Stream stream, ReadOnlySpan<byte> json)
    {
        // One write per line: a kill leaves either the whole line or a prefix without its newline.
        var line = new byte[json.Length + 1];
        json.CopyTo(line);
        line[^1] = (byte)'\n';
        stream.Write(line);
    }

    private static bool StartsLikeHeader(FileStream stream)
    {
        byte[] expected = Encoding.UTF8.GetBytes(new LabelFileHeader().ToJson());
        int prefix = expected.AsSpan().IndexOf((byte)',');
        var head = new byte[Math.Min(prefix, stream.Length)];
        stream.Seek(0, SeekOrigin.Begin);
        stream.ReadExactly(head);
        return head.AsSpan().SequenceEqual(expected.AsSpan(0, head.Length));
    }

    /// <summary>The header, every complete entry, and the byte length they cover (the rest is a partial line).</summary>
    private static (LabelFileHeader? Header, List<PromptLabels> Entries, long GoodLength) ReadAll(FileStream stream, string path)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var entries = new List<PromptLabels>();
        int start = 0, lineNumber = 0;
        LabelFileHeader? header = null;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) break; // a partial last line
            lineNumber++;
            var line = bytes.AsSpan(start, end - start);
            if (header is null)
            {
                header = LabelFileHeader.TryParse(Encoding.UTF8.GetString(line))
                    ?? throw new Learn2PdException($"{path}: not a label file (line 1 is no {LabelFileHeader.FormatName} header); delete it or pass another --labels file");
            }
            else
            {
                entries.Add(Parse(line, $"{path}:{lineNumber}", header.BlockLength));
            }
            start = end + 1;
        }
        return (header, entries, start);
    }

    private static byte[] Serialize(PromptLabels prompt)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("prompt", prompt.Prompt);
            WriteIds(w, "reference", prompt.Reference);
            if (prompt.Alternatives.Count > 0)
            {
                w.WriteStartArray("alternatives");
                foreach (var alternative in prompt.Alternatives) WriteIds(w, null, alternative);
                w.WriteEndArray();
            }
            w.WriteNumber("baseline_nfe", prompt.BaselineNfe);
            w.WriteNumber("oracle_nfe", prompt.OracleNfe);
            w.WriteNumber("reference_seconds", Math.Round(prompt.ReferenceSeconds, 4));
            w.WriteNumber("oracle_seconds", Math.Round(prompt.OracleSeconds, 4));
            w.WriteStartArray("records");
            foreach (var r in prompt.Records)
            {
                w.WriteStartObject();
                w.WriteNumber("block", r.Block);
                w.WriteNumber("step", r.Step);
                w.WriteStartArray("confidence");
                foreach (float c in r.Confidences) w.WriteNumberValue(c);
                w.WriteEndArray();
                w.WriteString("correct", Bits(r.Correct));
                w.WriteString("masked", Bits(r.Masked));
                if (r.Trajectory != LabelRecord.OracleTrajectory) w.WriteString("trajectory", r.Trajectory);
                WriteFloats(w, "second", r.SecondConfidences);
                WriteFloats(w, "entropy", r.Entropies);
                if (r.Stable is { } stable)
                {
                    w.WriteStartArray("stable");
                    foreach (int k in stable) w.WriteNumberValue(k);
                    w.WriteEndArray();
                }
                if (r.PredictsEndOfText is { } eot) w.WriteString("eot", Bits(eot));
                if (r.Text is { } text) WriteIds(w, "text", text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static PromptLabels Parse(ReadOnlySpan<byte> line, string where, int blockLength)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            var records = new List<LabelRecord>();
            foreach (var r in root.GetProperty("records").EnumerateArray())
            {
                var confidences = r.GetProperty("confidence").EnumerateArray().Select(c => c.GetSingle()).ToArray();
                var correct = Bits(r.GetProperty("correct").GetString()!, where);
                var masked = Bits(r.GetProperty("masked").GetString()!, where);
                if (confidences.Length != blockLength || correct.Length != blockLength || masked.Length != blockLength)
                    throw new Learn2PdException($"{where}: a record is not {blockLength} positions wide; the file is damaged, delete it");
                records.Add(new LabelRecord(r.GetProperty("block").GetInt32(), r.GetProperty("step").GetInt32(), confidences, correct, masked)
                {
                    Trajectory = r.TryGetProperty("trajectory", out var t) ? t.GetString()! : LabelRecord.OracleTrajectory,
                    SecondConfidences = Floats(r, "second", blockLength, where),
                    Entropies = Floats(r, "entropy", blockLength, where),
                    Stable = r.TryGetProperty("stable", out var st) ? Width(st.EnumerateArray().Select(e => e.GetInt32()).ToArray(), blockLength, where) : null,
                    PredictsEndOfText = r.TryGetProperty("eot", out var e) ? Width(Bits(e.GetString()!, where), blockLength, where) : null,
                    Text = r.TryGetProperty("text", out var tx) ? Width(Ids(tx), blockLength, where) : null,
                });
            }
            return new PromptLabels(
                root.GetProperty("prompt").GetInt32(),
                Ids(root.GetProperty("reference")),
                root.GetProperty("baseline_nfe").GetInt32(),
                root.GetProperty("oracle_nfe").GetInt32(),
                root.GetProperty("reference_seconds").GetDouble(),
                root.GetProperty("oracle_seconds").GetDouble(),
                records)
            {
                Alternatives = root.TryGetProperty("alternatives", out var alternatives)
                    ? alternatives.EnumerateArray().Select(Ids).ToArray()
                    : [],
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new Learn2PdException($"{where}: damaged label line ({e.Message}); delete the file to record again", e);
        }
    }

    private static void WriteFloats(Utf8JsonWriter w, string name, float[]? values)
    {
        if (values is null) return;
        w.WriteStartArray(name);
        foreach (float v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>Token ids as a JSON array; <paramref name="name"/> null inside an array.</summary>
    private static void WriteIds(Utf8JsonWriter w, string? name, long[] ids)
    {
        if (name is null) w.WriteStartArray();
        else w.WriteStartArray(name);
        foreach (long id in ids) w.WriteNumberValue(id);
        w.WriteEndArray();
    }

    private static long[] Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    private static float[]? Floats(JsonElement record, string name, int blockLength, string where) =>
        record.TryGetProperty(name, out var values) ? Width(values.EnumerateArray().Select(c => c.GetSingle()).ToArray(), blockLength, where) : null;

    private static T[] Width<T>(T[] values, int blockLength, string where) =>
        values.Length == blockLength ? values : throw new Learn2PdException($"{where}: a record is not {blockLength} positions wide; the file is damaged, delete it");

    private static string Bits(bool[] values) => string.Create(values.Length, values, (span, v) =>
    {
        for (int i = 0; i < v.Length; i++) span[i] = v[i] ? '1' : '0';
    });

    private static bool[] Bits(string text, string where)
    {
        var values = new bool[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            values[i] = text[i] switch
            {
                '1' => true,
                '0' => false,
                _ => throw new Learn2PdException($"{where}: label strings hold only 0 and 1"),
            };
        }
        return values;
    }
}
