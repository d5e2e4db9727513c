using System.Text.Json;
using System.Text.Json.Nodes;

namespace Learn2PD.Eval;

/// <summary>
/// Everything that decides what a decode produces, besides the method, length and sample: the first
/// line of samples.jsonl. A resumed run reuses stored records only when these match exactly.
/// (--limit, --methods and --gen-length are not here: changing them only adds or leaves out work.)
/// </summary>
public sealed record EvalSettings
{
    public const string CurrentFormat = "l2pd-eval/2";

    public string Format { get; init; } = CurrentFormat;
    public required string Model { get; init; }
    public required string ModelFingerprint { get; init; }
    /// <summary>The filter file, or null when none was found (then no l2p method ran).</summary>
    public string? Filter { get; init; }
    public string? FilterFingerprint { get; init; }
    /// <summary>τ_f of the Learn2PD filter for methods without @ (null when no l2p method ran).</summary>
    public double? AcceptThreshold { get; init; }
    /// <summary>τ of Fast-dLLM's threshold policy.</summary>
    public double ConfidenceThreshold { get; init; } = Learn2PD.Core.Decoding.ThresholdPolicy.FastDllmThreshold;
    public required string Data { get; init; }
    public string? DataFingerprint { get; init; }
    public int Shots { get; init; }
    public string? FewShotData { get; init; }
    public bool ChatTemplate { get; init; }
    public required int BlockLength { get; init; }
    /// <summary>"confident" or "paper" (<see cref="Learn2PD.Core.Decoding.EndOfTextRule"/>).</summary>
    public string EndOfTextRule { get; init; } = "confident";
    /// <summary>The confidence a masked end-of-text prediction needs under the confident rule; null under the paper's.</summary>
    public double? EndOfTextConfidence { get; init; }
    public required ulong Seed { get; init; }
    public required string Device { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("dtype")]
    public required string DType { get; init; }
    /// <summary>"I/N" when this run decodes one shard of the samples (every N-th from I); null for a whole run.</summary>
    public string? Shard { get; init; }

    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, SampleRecord.Json)!;

    public static EvalSettings? FromJson(JsonNode node) => node.Deserialize<EvalSettings>(SampleRecord.Json);

    /// <summary>Whether <paramref name="stored"/> differs from these settings in nothing but the filter (its file, contents or default τ_f).</summary>
    public bool DiffersOnlyInFilter(EvalSettings stored) =>
        Differences(stored with { Filter = Filter, FilterFingerprint = FilterFingerprint, AcceptThreshold = AcceptThreshold }).Count == 0;

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
}
