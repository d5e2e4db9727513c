using System.Text.Json;
using System.Text.Json.Serialization;

namespace Learn2PD.Train.Oracle;

/// <summary>
/// The first line of a label file: the settings that produced its records. A run resumes (or
/// reuses) a file only when every setting that changes the labels matches; the rest (model
/// directory, device, source description, creation time) is there for the reader.
/// </summary>
public sealed record LabelFileHeader
{
    public const string FormatName = "l2pd-oracle-labels";
    public const int CurrentVersion = 2;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    /// <summary>What the model is called (directory name, or the embedded model's name).</summary>
    public string Model { get; init; } = "";
    /// <summary><see cref="ModelFingerprint.Compute"/> of the model directory.</summary>
    public string ModelFingerprint { get; init; } = "";
    public string Dtype { get; init; } = "fp32";
    public string Device { get; init; } = "cpu";
    public int GenLength { get; init; }
    public int BlockLength { get; init; }
    /// <summary>Steps of the baseline (one token per step: equal to <see cref="GenLength"/>).</summary>
    public int Steps { get; init; }
    public int BatchSize { get; init; }
    public long EndOfText { get; init; }
    public int PromptCount { get; init; }
    /// <summary><see cref="ModelFingerprint.OfPrompts"/> of the prompts' token ids.</summary>
    public string PromptsSha256 { get; init; } = "";
    public string Source { get; init; } = "";
    public bool ChatTemplate { get; init; }
    /// <summary>Held-out prompts: batched apart from the training prompts, and never fitted on.</summary>
    public IReadOnlyList<int> ValidationPrompts { get; init; } = [];
    public string Created { get; init; } = "";
    /// <summary>Which decodes' steps the file records: always the oracle's, and the reference's when asked.</summary>
    public IReadOnlyList<string> Trajectories { get; init; } = [LabelRecord.OracleTrajectory];
    /// <summary>References per prompt: the greedy one and sampled ones that agree with it (1: the paper's labels).</summary>
    public int References { get; init; } = 1;
    /// <summary>The sampling temperature of the further references.</summary>
    public double ReferenceTemperature { get; init; }
    /// <summary>SHA-256 of the filter whose decodes were labelled too (<see cref="FilterRollout"/>), and its τ_f; null: none.</summary>
    public string? RolloutFilter { get; init; }
    public IReadOnlyList<double> RolloutThresholds { get; init; } = [];
    /// <summary>"I/N" for a file one shard recorded; null for a whole run's (or a merged) file.</summary>
    public string? Shard { get; init; }

    /// <summary>The first setting that differs in a way that changes the labels, or null when the file can be reused.</summary>
    public string? FirstDifference(LabelFileHeader now)
    {
        if (Format != now.Format || Version != now.Version) return $"format {Format} v{Version} (this l2pd writes {now.Format} v{now.Version})";
        if (ModelFingerprint != now.ModelFingerprint) return $"model: recorded for {Model} ({Short(ModelFingerprint)}), now {now.Model} ({Short(now.ModelFingerprint)})";
        if (Dtype != now.Dtype) return $"dtype: {Dtype} in the file, {now.Dtype} now";
        if (GenLength != now.GenLength) return $"gen_length: {GenLength} in the file, {now.GenLength} now";
        if (BlockLength != now.BlockLength) return $"block_length: {BlockLength} in the file, {now.BlockLength} now";
        if (Steps != now.Steps) return $"steps: {Steps} in the file, {now.Steps} now";
        if (BatchSize != now.BatchSize) return $"batch_size: {BatchSize} in the file, {now.BatchSize} now";
        if (EndOfText != now.EndOfText) return $"end-of-text id: {EndOfText} in the file, {now.EndOfText} now";
        if (PromptCount != now.PromptCount || PromptsSha256 != now.PromptsSha256)
            return $"prompts: {PromptCount} prompts ({Short(PromptsSha256)}) in the file, {now.PromptCount} ({Short(now.PromptsSha256)}) now";
        if (!ValidationPrompts.SequenceEqual(now.ValidationPrompts)) return "validation split (it follows --seed and --validation-fraction)";
        if (Shard != now.Shard) return $"shard: {Shard ?? "none"} in the file, {now.Shard ?? "none"} now";
        if (References != now.References || ReferenceTemperature != now.ReferenceTemperature)
            return $"references: {References} at temperature {ReferenceTemperature} in the file, {now.References} at {now.ReferenceTemperature} now";
        if (RolloutFilter != now.RolloutFilter || !RolloutThresholds.SequenceEqual(now.RolloutThresholds))
            return $"rollout filter: {RolloutFilter ?? "none"} at {string.Join(",", RolloutThresholds)} in the file, {now.RolloutFilter ?? "none"} at {string.Join(",", now.RolloutThresholds)} now";
        if (!Trajectories.SequenceEqual(now.Trajectories)) return $"trajectories: {string.Join(",", Trajectories)} in the file, {string.Join(",", now.Trajectories)} now";
        return null;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LabelFileHeader? TryParse(string line)
    {
        try
        {
            var header = JsonSerializer.Deserialize<LabelFileHeader>(line, Json);
            return header?.Format == FormatName ? header : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Short(string hash) => hash.Length > 19 ? hash[..19] : hash;
}
