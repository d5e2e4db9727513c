using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Learn2PD.Core;

namespace Learn2PD.Train.Tasks;

/// <summary>
/// GSM8K's JSONL: one <c>{"question": ..., "answer": ...}</c> object per line, UTF-8. Reading also takes
/// <c>{"prompt": ..., "answer"?: ...}</c> lines, so any prompt set can be evaluated the same way.
/// </summary>
public static class GsmJsonl
{
    // Keeps "Mia's" readable instead of "Mia\u0027s"; JSON still escapes quotes, backslashes and controls.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static void Write(string path, IEnumerable<GsmProblem> problems) =>
        Write(path, problems.Select(GsmRecord.FromProblem));

    /// <summary>Writes to a temporary file beside <paramref name="path"/> and renames it, so readers never see half a file.</summary>
    public static void Write(string path, IEnumerable<GsmRecord> records)
    {
        string full = Path.GetFullPath(path);
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                writer.NewLine = "\n";
                foreach (GsmRecord record in records) writer.WriteLine(Line(record));
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw new Learn2PdException($"Cannot write {path}: {e.Message}", e);
        }
    }

    private static string Line(GsmRecord record)
    {
        string key = record.Kind == GsmRecordKind.Question ? "question" : "prompt";
        string text = $"{{\"{key}\": {Quote(record.Text)}";
        return record.Answer is null ? text + "}" : $"{text}, \"answer\": {Quote(record.Answer)}}}";
    }

    private static string Quote(string value) => $"\"{JsonEncodedText.Encode(value, Encoder)}\"";

    /// <summary>Every record of the file; a malformed line throws a <see cref="Learn2PdException"/> naming file and line.</summary>
    public static IReadOnlyList<GsmRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: file not found.");
        var records = new List<GsmRecord>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            records.Add(Parse(line, $"{path}:{lineNumber}"));
        }
        if (records.Count == 0) throw new Learn2PdException($"{path}: no records (the file is empty).");
        return records;
    }

    /// <summary>Only GSM8K question/answer records, as training and few-shot examples need.</summary>
    public static IReadOnlyList<GsmProblem> ReadProblems(string path)
    {
        IReadOnlyList<GsmRecord> records = Read(path);
        var problems = new List<GsmProblem>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i] is not { Kind: GsmRecordKind.Question, Answer: { } answer } record)
                throw new Learn2PdException($"{path}: record {i + 1} is not a {{\"question\", \"answer\"}} pair; problems need both.");
            problems.Add(new GsmProblem(record.Text, answer));
        }
        return problems;
    }

    private static GsmRecord Parse(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{where}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new Learn2PdException($"{where}: expected a JSON object, got {root.ValueKind}.");
            string? question = Text(root, "question", where);
            string? prompt = Text(root, "prompt", where);
            string? answer = Text(root, "answer", where);
            return (question, prompt) switch
            {
                ({ }, { }) => throw new Learn2PdException($"{where}: has both \"question\" and \"prompt\"; keep one."),
                ({ } q, null) => answer is null
                    ? throw new Learn2PdException($"{where}: \"question\" needs an \"answer\" (GSM8K format); use \"prompt\" for unanswered text.")
                    : new GsmRecord(GsmRecordKind.Question, q, answer),
                (null, { } p) => new GsmRecord(GsmRecordKind.Prompt, p, answer),
                _ => throw new Learn2PdException($"{where}: needs a \"question\" (GSM8K) or a \"prompt\" field."),
            };
        }
    }

    /// <summary>A string field (a number is taken as its text, for bare final answers); null when absent or null.</summary>
    private static string? Text(JsonElement root, string name, string where)
    {
        if (!root.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => null,
            _ => throw new Learn2PdException($"{where}: \"{name}\" must be a string, got {value.ValueKind}."),
        };
    }
}
