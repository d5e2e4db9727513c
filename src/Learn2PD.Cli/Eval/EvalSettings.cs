using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Learn2PD.Cli.Eval;

/// <summary>
/// Everything that decides what a decode produces, besides the method, length and sample: the first
/// line of samples.jsonl. A resumed run reuses stored records only when these match exactly.
/// (--limit, --methods and --gen-length are not here: changing them only adds or leaves out work.)
/// </summary>
internal sealed record EvalSettings
{
    public const string CurrentFormat = "l2pd-eval/1";

    public string Format { get; init; } = CurrentFormat;
    public required string Model { get; init; }
    public required string ModelFingerprint { get; init; }
    /// <summary>The filter file, or null when none was found (then no l2p method ran).</summary>
    public string? Filter { get; init; }
    public string? FilterFingerprint { get; init; }
    /// <summary>τ_f of the Learn2PD filter.</summary>
    public required double AcceptThreshold { get; init; }
    /// <summary>τ of Fast-dLLM's threshold policy.</summary>
    public double ConfidenceThreshold { get; init; } = EvalMethod.FastDllmThreshold;
    public required string Data { get; init; }
    public string? DataFingerprint { get; init; }
    public int Shots { get; init; }
    public string? FewShotData { get; init; }
    public bool ChatTemplate { get; init; }
    public required int BlockLength { get; init; }
    public required ulong Seed { get; init; }
    public required string Device { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("dtype")]
    public required string DType { get; init; }

    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, SampleRecord.Json)!;

    public static EvalSettings? FromJson(JsonNode node) => node.Deserialize<EvalSettings>(SampleRecord.Json);

    /// <summary>"field: stored vs current" for every setting that differs.</summary>
    public IReadOnlyList<string> Differences(EvalSettings stored)
    {
        JsonObject mine = ToJson(), theirs = stored.ToJson();
        var names = mine.Select(p => p.Key).Union(theirs.Select(p => p.Key));
        return names
            .Where(n => !JsonNode.DeepEquals(mine[n], theirs[n]))
            .Select(n => $"{n}: {Show(theirs[n])} vs {Show(mine[n])}")
            .ToArray();
    }

    private static string Show(JsonNode? value) => value?.ToJsonString(SampleRecord.Json) ?? "none";

    /// <summary>
    /// Identifies a model directory's weights: config.json's and tokenizer.json's bytes, and each
    /// safetensors file's name and size plus its bytes (files up to 256 MB) or its modification time
    /// (larger ones, which would take minutes to hash).
    /// </summary>
    public static string ModelFingerprintOf(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string name in new[] { "config.json", "tokenizer.json" })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) hash.AppendData(File.ReadAllBytes(path));
        }
        foreach (string file in Directory.GetFiles(directory, "*.safetensors").Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            hash.AppendData(Encoding.UTF8.GetBytes($"{info.Name}:{info.Length}:"));
            if (info.Length <= 256L << 20)
            {
                using var stream = File.OpenRead(file);
                hash.AppendData(SHA256.HashData(stream));
            }
            else
            {
                hash.AppendData(Encoding.UTF8.GetBytes(info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
