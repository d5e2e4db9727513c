using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;

namespace Learn2PD.Eval;

/// <summary>
/// <c>DIR/samples.jsonl</c>: the run's settings on the first line, then one <see cref="SampleRecord"/>
/// per line, appended and flushed as each decode finishes. Opening an existing file resumes it when
/// its settings match, and refuses (naming what differs) when they do not, unless told to start fresh;
/// when only the filter changed, it keeps the records of the methods that use none (a retrained filter
/// costs only its own methods' decodes). A line cut off by a killed process is dropped.
/// </summary>
public sealed class ResultStore : IDisposable
{
    public const string FileName = "samples.jsonl";

    private readonly Dictionary<(string Method, int GenLength, int Index), SampleRecord> records = [];
    private readonly StreamWriter writer;

    private ResultStore(string path, StreamWriter writer, int resumed, int droppedForFilter)
    {
        Path = path;
        this.writer = writer;
        Resumed = resumed;
        DroppedForFilter = droppedForFilter;
    }

    public string Path { get; }

    /// <summary>Records found in the file when it was opened.</summary>
    public int Resumed { get; }

    /// <summary>Records of filter methods set aside when opened because the filter had changed since they were written.</summary>
    public int DroppedForFilter { get; }

    public IEnumerable<SampleRecord> Records => records.Values;

    public static ResultStore Open(string directory, EvalSettings settings, bool fresh)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, FileName);
        var loaded = new List<SampleRecord>();
        int dropped = 0;
        if (File.Exists(path) && !fresh) (loaded, dropped) = Load(path, settings);
        else AtomicFile.WriteAllText(path, HeaderLine(settings) + "\n");

        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var store = new ResultStore(path, new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" }, loaded.Count, dropped);
        foreach (var record in loaded) store.records[(record.Method, record.GenLength, record.Index)] = record;
        return store;
    }

    public SampleRecord? Find(string method, int genLength, int index) =>
        records.GetValueOrDefault((method, genLength, index));

    public void Append(SampleRecord record)
    {
        records[(record.Method, record.GenLength, record.Index)] = record;
        writer.WriteLine(RecordLine(record));
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();

    private static string HeaderLine(EvalSettings settings) => settings.ToJson().ToJsonString(SampleRecord.Json);

    private static string RecordLine(SampleRecord record) => JsonSerializer.Serialize(record, SampleRecord.Json);

    private static (List<SampleRecord> Records, int DroppedForFilter) Load(string path, EvalSettings settings)
    {
        TruncateCutLine(path);
        var (stored, records) = Read(path);
        var differences = settings.Differences(stored);
        if (differences.Count > 0 && settings.DiffersOnlyInFilter(stored))
        {
            // A retrained filter: the other methods' decodes never read it. Rewritten whole, so the file never holds both filters' records.
            var kept = records.Where(r => !DecodingMethods.Parse(r.Method).NeedsFilter).ToList();
            AtomicFile.WriteAllText(path, string.Concat(kept.Select(RecordLine).Prepend(HeaderLine(settings)).Select(line => line + "\n")));
            return (kept, records.Count - kept.Count);
        }
        if (differences.Count > 0)
            throw new Learn2PdException($"{path} holds results of a run with other settings ({string.Join("; ", differences)}); " +
                "pass --fresh to discard them, or choose another --out");
        return (records, 0);
    }

    /// <summary>The settings and records of a samples.jsonl, read without changing it (a cut-off last line is skipped).</summary>
    public static (EvalSettings Settings, List<SampleRecord> Records) Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: no eval results here");
        string[] lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        lines = lines[..^1]; // the text after the last newline: empty, or a line cut off by a killed run
        if (lines.Length == 0 || Parse(lines[0]) is not JsonObject header || header["format"]?.GetValue<string>() != EvalSettings.CurrentFormat)
            throw new Learn2PdException($"{path} is not an l2pd eval results file; pass --fresh to overwrite it or choose another --out");
        var stored = EvalSettings.FromJson(header)!;
        var loaded = new List<SampleRecord>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            SampleRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<SampleRecord>(lines[i], SampleRecord.Json);
            }
            catch (JsonException e)
            {
                throw new Learn2PdException($"{path}:{i + 1}: not a sample record ({e.Message}); pass --fresh to start over", e);
            }
            if (record is null) throw new Learn2PdException($"{path}:{i + 1}: not a sample record; pass --fresh to start over");
            loaded.Add(record);
        }
        return (stored, loaded);
    }

    private static JsonNode? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A process killed mid-write leaves a last line without its newline: cut it off.</summary>
    private static void TruncateCutLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long end = stream.Length;
        while (end > 0)
        {
            stream.Position = end - 1;
            if (stream.ReadByte() == '\n') break;
            end--;
        }
        if (end < stream.Length) stream.SetLength(end);
    }
}
