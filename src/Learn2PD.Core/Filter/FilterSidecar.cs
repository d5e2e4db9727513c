using System.Text.Json;
using System.Text.Json.Serialization;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;

namespace Learn2PD.Core.Filter;

/// <summary>
/// The JSON file beside a trained filter (<c>filter.safetensors</c> → <c>filter.json</c>): what the
/// filter is for (model, block length, decode settings), the τ_f to use with it, and how it was made
/// (data, fit, calibration sweep, times, the command line). The safetensors file stays in the
/// authors' layout; everything project-specific lives here.
/// </summary>
public sealed record FilterSidecar
{
    public const string FormatName = "l2pd-filter";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    /// <summary>The filter's file name (beside this file).</summary>
    public string Filter { get; init; } = "";
    /// <summary>"learn2pd" (the authors' layout) or "position".</summary>
    public string Kind { get; init; } = Learn2PdFilter.KindName;
    /// <summary>The method and generation length τ_f was calibrated with.</summary>
    public SidecarCalibration? CalibratedFor { get; init; }
    /// <summary>How the filter's score separates right from wrong predictions on held-out masked positions, next to the raw confidence.</summary>
    public SidecarDiagnostics? Diagnostics { get; init; }
    public int BlockLength { get; init; }
    /// <summary>τ_f for <c>sigmoid(logit) &gt; τ_f</c>, from the calibration sweep.</summary>
    public double SuggestedThreshold { get; init; }
    public double MinAgreement { get; init; }
    /// <summary>How calibration decodes were compared with their references: "answer" (final answer) or "text" (ids).</summary>
    public string Agreement { get; init; } = "text";
    /// <summary>False when no τ_f in the sweep reached <see cref="MinAgreement"/>.</summary>
    public bool MeetsAgreement { get; init; }
    public SidecarModel Model { get; init; } = new();
    public SidecarDecode Decode { get; init; } = new();
    public SidecarData TrainingData { get; init; } = new();
    public SidecarFit Fit { get; init; } = new();
    /// <summary>NFE of the baseline and the oracle on the validation prompts, the bounds the sweep sits between.</summary>
    public double BaselineMeanNfe { get; init; }
    public double OracleMeanNfe { get; init; }
    public IReadOnlyList<CalibrationPoint> Calibration { get; init; } = [];
    /// <summary>The τ_f grid a frontier sweep (<c>l2pd eval --sweep</c>) spans for this filter; null = <see cref="DefaultSweepThresholds"/>.</summary>
    public IReadOnlyList<double>? SweepThresholds { get; init; }
    public SidecarTimes Times { get; init; } = new();
    public string Command { get; init; } = "";
    public string Created { get; init; } = "";

    /// <summary>Where the sidecar of <paramref name="filterPath"/> lives.</summary>
    public static string PathFor(string filterPath) => Path.ChangeExtension(filterPath, ".json");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>
    /// The τ_f suggested for <paramref name="filterPath"/> by its sidecar, or null when there is none.
    /// Reads only <c>suggested_threshold</c>, so a hand-written sidecar with just that key also works.
    /// </summary>
    public static double? SuggestedThresholdFor(string filterPath)
    {
        string sidecar = PathFor(filterPath);
        if (!File.Exists(sidecar)) return null;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sidecar))?["suggested_threshold"]?.GetValue<double>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new Learn2PdException($"{sidecar}: cannot read suggested_threshold ({SafeTensorsHeader.FirstLine(e.Message)}); fix the file or pass --accept-threshold", e);
        }
    }

    /// <summary>The τ_f grid of an eval sweep when the sidecar names none.</summary>
    public static IReadOnlyList<double> DefaultSweepThresholds { get; } = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];

    /// <summary>The sidecar's <c>sweep_thresholds</c>, or null when there is no sidecar or it has none.</summary>
    public static IReadOnlyList<double>? SweepThresholdsFor(string filterPath)
    {
        string sidecar = PathFor(filterPath);
        if (!File.Exists(sidecar)) return null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sidecar))?["sweep_thresholds"];
            var grid = node?.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            if (grid is not null && grid.Any(t => t is <= 0 or > 1)) throw new FormatException("every τ_f must lie in (0, 1]");
            return grid is { Length: > 0 } ? grid : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new Learn2PdException($"{sidecar}: cannot read sweep_thresholds ({SafeTensorsHeader.FirstLine(e.Message)}); fix the file", e);
        }
    }

    public static FilterSidecar Load(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: filter sidecar not found");
        try
        {
            var sidecar = JsonSerializer.Deserialize<FilterSidecar>(File.ReadAllText(path), Json);
            return sidecar is { Format: FormatName } ? sidecar : throw new Learn2PdException($"{path}: not an {FormatName} sidecar");
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: not valid JSON ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
    }
}

public sealed record SidecarModel
{
    public string Name { get; init; } = "";
    public string Directory { get; init; } = "";
    public string Fingerprint { get; init; } = "";
    public string Dtype { get; init; } = "";
}

public sealed record SidecarCalibration
{
    public string Method { get; init; } = "";
    public int GenLength { get; init; }
}

public sealed record SidecarDiagnostics
{
    /// <summary>Held-out masked positions measured.</summary>
    public long Positions { get; init; }
    /// <summary>Share of them whose prediction equals the reference.</summary>
    public double PositiveRate { get; init; }
    public double? FilterRocAuc { get; init; }
    public double? FilterAveragePrecision { get; init; }
    /// <summary>The same measures for the raw confidence, what thresholding reads.</summary>
    public double? ConfidenceRocAuc { get; init; }
    public double? ConfidenceAveragePrecision { get; init; }
    public IReadOnlyList<SidecarReliabilityBin> Reliability { get; init; } = [];
}

/// <summary>One bin of the filter's reliability diagram: predicted probabilities in [low, high).</summary>
public sealed record SidecarReliabilityBin
{
    public double Low { get; init; }
    public double High { get; init; }
    public long Count { get; init; }
    public double MeanPredicted { get; init; }
    public double Observed { get; init; }
}

public sealed record SidecarDecode
{
    public int GenLength { get; init; }
    public int BlockLength { get; init; }
    public int Steps { get; init; }
}

public sealed record SidecarData
{
    public string Source { get; init; } = "";
    public bool ChatTemplate { get; init; }
    public int Prompts { get; init; }
    public int TrainPrompts { get; init; }
    public int ValidationPrompts { get; init; }
    public long TrainRecords { get; init; }
    public long ValidationRecords { get; init; }
    /// <summary>Share of training positions whose prediction equals the reference.</summary>
    public double PositiveRate { get; init; }
    public string LabelsFile { get; init; } = "";
    /// <summary>The decodes whose steps were learned from: "oracle", "reference" and "sampled" when recorded, "rollout" for later rounds.</summary>
    public IReadOnlyList<string> Trajectories { get; init; } = [];
}

public sealed record SidecarFit
{
    public int Iterations { get; init; }
    /// <summary>Fits in all (train-filter --rounds): each after the first learned from decodes with the one before, at <see cref="RolloutThresholds"/>.</summary>
    public int Rounds { get; init; } = 1;
    public IReadOnlyList<double> RolloutThresholds { get; init; } = [];
    public double LearningRate { get; init; }
    public double WeightDecay { get; init; }
    public double FalseAcceptWeight { get; init; } = 1;
    public ulong Seed { get; init; }
    /// <summary>The iteration whose weights were kept (lowest validation loss).</summary>
    public int BestIteration { get; init; }
    public double InitialTrainLoss { get; init; }
    public double TrainLoss { get; init; }
    public double? ValidationLoss { get; init; }
    /// <summary>On masked positions of the validation records, at the suggested τ_f; null when undefined (nothing accepted, …).</summary>
    public double? Precision { get; init; }
    public double? Recall { get; init; }
    public double? FalsePositiveRate { get; init; }
}

public sealed record SidecarTimes
{
    /// <summary>Reference (baseline) and oracle decodes, summed over every recorded prompt, including earlier resumed runs.</summary>
    public double ReferenceSeconds { get; init; }
    public double OracleSeconds { get; init; }
    public double FitSeconds { get; init; }
    /// <summary>The later rounds' fits and filter decodes (this run's; train-filter --rounds).</summary>
    public double RoundSeconds { get; init; }
    public double CalibrationSeconds { get; init; }
    /// <summary>Wall time of the run that wrote this file.</summary>
    public double RunSeconds { get; init; }
}

/// <summary>
/// The filter policy at one τ_f on the validation prompts: mean NFE, the share of prompts whose
/// answer agrees with the reference (by the sweep's comparison: the same final answer, or the same
/// ids), and the share of equal answer ids.
/// </summary>
public sealed record CalibrationPoint(double Threshold, double MeanNfe, double Agreement, double TokenAgreement);
