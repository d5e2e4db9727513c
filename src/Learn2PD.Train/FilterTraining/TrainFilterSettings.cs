using System.Globalization;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;

namespace Learn2PD.Train.FilterTraining;

/// <summary>Everything <c>train-filter</c> reads from its command line, validated by <see cref="Validate"/>.</summary>
public sealed record TrainFilterSettings
{
    public required string ModelDirectory { get; init; }
    public string Device { get; init; } = "cpu";
    public string Dtype { get; init; } = "fp32";
    public ulong Seed { get; init; }
    public string? DataPath { get; init; }
    public string? Task { get; init; }
    public int Samples { get; init; } = 200;
    public required string OutPath { get; init; }
    public string? LabelsPath { get; init; }
    public int BlockLength { get; init; } = 32;
    public int GenLength { get; init; } = 256;
    public int BatchSize { get; init; } = 16;
    public int Iterations { get; init; } = FilterFitOptions.DefaultIterations;
    public double LearningRate { get; init; } = 3e-3;
    public double ValidationFraction { get; init; } = 0.1;
    public IReadOnlyList<double> Thresholds { get; init; } = ThresholdCalibration.DefaultThresholds;
    public double MinAgreement { get; init; } = 0.99;
    public AgreementKind Agreement { get; init; } = AgreementKind.Answer;
    /// <summary>Which filter to fit: the authors' (over the block's confidences) or the per-position one.</summary>
    public FilterKind Kind { get; init; } = FilterKind.Position;
    /// <summary>Also learn from the reference decode's own steps (every share of a block committed), not only the oracle's.</summary>
    public bool ReferenceTrajectory { get; init; } = true;
    /// <summary>Position filters: how much more a wrong prediction's loss weighs than a right one's (null: <see cref="DefaultFalseAcceptWeight"/>).</summary>
    public double? FalseAcceptWeight { get; init; }

    public const double DefaultFalseAcceptWeight = 4;

    /// <summary>References per prompt for the labels: the greedy baseline answer and up to this many − 1 sampled ones that agree with it (1: the paper's labels).</summary>
    public int References { get; init; } = 1;
    /// <summary>The sampling temperature of the further references.</summary>
    public double ReferenceTemperature { get; init; } = 1.0;

    /// <summary>
    /// Fits in all: after the first, each round decodes every prompt with the filter just fitted (l2p at each of
    /// <see cref="RolloutThresholds"/>), labels those decodes' steps too, and fits again on everything.
    /// </summary>
    public int Rounds { get; init; } = 1;
    public IReadOnlyList<double> RolloutThresholds { get; init; } = DefaultRolloutThresholds;
    public static IReadOnlyList<double> DefaultRolloutThresholds { get; } = [0.2, 0.3, 0.5, 0.7];

    /// <summary>Position filters: how many of the <see cref="Core.Filter.PositionFeatures"/> they read.</summary>
    public int Features { get; init; } = Core.Filter.PositionFeatures.Count;
    /// <summary>Position filters: the width of their hidden layers.</summary>
    public int Hidden { get; init; } = Core.Filter.PositionFilter.DefaultHidden;

    /// <summary>The weight the fit uses: the authors' filter keeps their plain BCE.</summary>
    public double EffectiveFalseAcceptWeight => FalseAcceptWeight ?? (Kind == FilterKind.Position ? DefaultFalseAcceptWeight : 1);
    /// <summary>The l2p family τ_f is calibrated for (its end-of-text prediction and cache apply in the calibration decodes).</summary>
    public DecodingMethod CalibrationMethod { get; init; } = DecodingMethods.Parse("l2p+eotp");
    /// <summary>Record only this shard's labels (every N-th decode batch from I) and stop; null = the whole run.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The label file: --labels, else beside --out (one file per shard when sharded).</summary>
    public string LabelsFile => LabelsPath ?? Path.ChangeExtension(OutPath, Shard is { } s ? $".labels.shard-{s.Index}-of-{s.Count}.jsonl" : ".labels.jsonl");
    /// <summary>Round <paramref name="round"/>'s (2, 3, …) label file, and the filter its decodes use (fitted in the round before): beside <see cref="LabelsFile"/>.</summary>
    public string RoundLabelsFile(int round) => Path.ChangeExtension(LabelsFile, $".round-{round}.jsonl");
    public string RoundFilterFile(int round) => Path.ChangeExtension(LabelsFile, $".round-{round}.filter.safetensors");

    public string CommandLine { get; init; } = "";

    /// <summary>"--thresholds 0.9,0.95": sorted, without repeats.</summary>
    public static IReadOnlyList<double> ParseThresholds(string text, string option = "--thresholds")
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new Learn2PdException($"{option}: '{part}' is not a number");
            values.Add(value);
        }
        return values.Distinct().Order().ToArray();
    }

    /// <summary>A τ_f list: at least one value, none twice, each between 0 and 1.</summary>
    private static void CheckThresholds(IReadOnlyList<double> thresholds, string option)
    {
        if (thresholds.Count == 0) throw new Learn2PdException($"{option} needs at least one value");
        if (thresholds.Distinct().Count() != thresholds.Count) throw new Learn2PdException($"{option} lists a value twice");
        foreach (double t in thresholds)
        {
            if (t is <= 0 or >= 1 || double.IsNaN(t))
                throw new Learn2PdException($"{option}: every τ_f must be between 0 and 1 (got {t.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary>Checks every setting that needs no file or model; returns the baseline decode options.</summary>
    public DecodeOptions Validate()
    {
        var decode = DecodeOptions.Baseline(GenLength, BlockLength);
        if (!string.Equals(Path.GetExtension(OutPath), ".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new Learn2PdException($"--out {OutPath}: the filter is written as safetensors; name it *.safetensors");
        if (DataPath is not null && Task is not null) throw new Learn2PdException("pass --data or --task, not both");
        if (Task is not null && Task != "arith") throw new Learn2PdException($"--task must be arith (got '{Task}'); other prompts come with --data");
        if (DataPath is null && Samples < 2) throw new Learn2PdException($"--samples must be at least 2: one prompt to fit on, one to validate (got {Samples})");
        if (BatchSize <= 0) throw new Learn2PdException($"--batch-size must be positive (got {BatchSize})");
        if (References is < 1 or > 64) throw new Learn2PdException($"--references must be between 1 and 64 (got {References})");
        if (!(ReferenceTemperature > 0) || double.IsInfinity(ReferenceTemperature))
            throw new Learn2PdException($"--reference-temperature must be positive (got {ReferenceTemperature})");
        if (Rounds is < 1 or > 10) throw new Learn2PdException($"--rounds must be between 1 and 10 (got {Rounds})");
        if (Rounds > 1 && Kind == FilterKind.Learn2Pd)
            throw new Learn2PdException("--rounds applies to --kind position (the authors' filter learns from the oracle's steps only)");
        if (Rounds > 1 && Shard is not null) throw new Learn2PdException("--shard records the first round's labels only: leave out --rounds, and pass it to the run that fits on the merged labels");
        CheckThresholds(RolloutThresholds, "--rollout-thresholds");
        new FilterFitOptions { Iterations = Iterations, LearningRate = LearningRate, FalseAcceptWeight = EffectiveFalseAcceptWeight, Features = Features, Hidden = Hidden }.Validate();
        if (!CalibrationMethod.NeedsFilter) throw new Learn2PdException($"--calibrate-for must be an l2p method (got '{CalibrationMethod.Name}')");
        if (Kind == FilterKind.Learn2Pd && FalseAcceptWeight is not (null or 1))
            throw new Learn2PdException("--false-accept-weight applies to --kind position (the authors' filter keeps their plain BCE)");
        if (ValidationFraction is <= 0 or >= 1 || double.IsNaN(ValidationFraction))
            throw new Learn2PdException($"--validation-fraction must be between 0 and 1 (got {ValidationFraction})");
        CheckThresholds(Thresholds, "--thresholds");
        if (MinAgreement is <= 0 or > 1 || double.IsNaN(MinAgreement))
            throw new Learn2PdException($"--min-agreement must be in (0, 1] (got {MinAgreement})");
        string labels = LabelsFile;
        if (Path.GetFullPath(labels) == Path.GetFullPath(OutPath) || Path.GetFullPath(labels) == Path.GetFullPath(FilterSidecar.PathFor(OutPath)))
            throw new Learn2PdException($"--labels {labels} would overwrite the filter or its sidecar; choose another path");
        return decode;
    }
}

/// <summary>The filter kinds train-filter fits.</summary>
public enum FilterKind
{
    /// <summary>The authors': Linear → ReLU → Linear over the block's confidences.</summary>
    Learn2Pd,
    /// <summary>A per-position MLP over confidence, margin, entropy, stability, position and neighbours.</summary>
    Position,
}

/// <summary>What a finished run wrote, for the summary and for tests; <see cref="Reliability"/> feeds the reliability plot.</summary>
public sealed record TrainFilterReport(FilterSidecar Sidecar, IReadOnlyDictionary<double, FilterMetrics> Metrics,
    CalibrationChoice Choice, string FilterPath, string SidecarPath, string LabelsPath)
{
    public IReadOnlyList<ReliabilityBin> Reliability { get; init; } = [];
}

/// <summary>How a calibration decode is compared with its reference.</summary>
public enum AgreementKind
{
    Answer,
    Text,
}
