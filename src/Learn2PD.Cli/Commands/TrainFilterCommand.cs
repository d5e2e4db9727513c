using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Text;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Oracle;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd train-filter</c>: Learn2PD's filter, learned after the fact for any LLaDA checkpoint.
/// Reference answers (the baseline decode) → oracle runs recording per-step labels to an
/// append-only file (resumable) → full-batch fit → τ_f sweep on held-out prompts → the filter in
/// the authors' safetensors layout plus a JSON sidecar. Every input is checked before any decoding.
/// </summary>
internal static class TrainFilterCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var data = new Option<string?>("--data") { Description = "Prompts: GSM8K JSONL ({\"question\", \"answer\"}) or {\"prompt\": ...} lines (chat template applied where the model has one)" };
        var task = new Option<string?>("--task") { Description = "Built-in prompts instead of --data: arith (the arithmetic task's train split; the default)" };
        var samples = new Option<int>("--samples") { Description = "Prompts to draw with --task", DefaultValueFactory = _ => 200 };
        var output = new Option<string>("--out") { Description = "Filter file to write (.safetensors, authors' layout); its sidecar goes beside it as .json", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Label file (append-only JSON lines; resumed or reused when its settings match). Default: --out with extension .labels.jsonl" };
        var blockLength = new Option<int>("--block-length") { Description = "Block length of the decodes, and the filter's input width", DefaultValueFactory = _ => 32 };
        var genLength = new Option<int>("--gen-length") { Description = "Answer length of the decodes", DefaultValueFactory = _ => 256 };
        var batchSize = new Option<int>("--batch-size") { Description = "Prompts per decode call", DefaultValueFactory = _ => 16 };
        var iterations = new Option<int>("--iterations") { Description = "Full-batch AdamW iterations (the authors ran 40000)", DefaultValueFactory = _ => FilterFitOptions.DefaultIterations };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate", DefaultValueFactory = _ => 3e-3 };
        var validationFraction = new Option<double>("--validation-fraction") { Description = "Share of prompts held out for validation and τ_f calibration", DefaultValueFactory = _ => 0.1 };
        var thresholds = new Option<string>("--thresholds") { Description = "τ_f values to sweep, comma-separated", DefaultValueFactory = _ => string.Join(',', ThresholdCalibration.DefaultThresholds.Select(t => t.ToString(CultureInfo.InvariantCulture))) };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (default: every logical core; on a machine busy with other work, 1 avoids oversubscribed threads that can make forwards many times slower)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var minAgreement = new Option<double>("--min-agreement") { Description = "Share of validation answers that must agree with the reference for a τ_f to qualify", DefaultValueFactory = _ => 0.99 };
        var agreement = new Option<string>("--agreement") { Description = "What agreeing means: answer (the same final answer, GSM8K's strict-match then flexible-extract, else the same text; what accuracy measures) or text (the same ids)", DefaultValueFactory = _ => "answer" };

        var command = new Command("train-filter", "Record oracle labels from full decodes and fit the Learn2PD filter for a model (CPU or GPU).")
        {
            data, task, samples, output, labels, blockLength, genLength, batchSize, iterations, lr, validationFraction, thresholds, minAgreement, agreement, threads,
        };
        common.AddTo(command);
        command.SetAction(parse => CommandAction.Run(() =>
        {
            var settings = new TrainFilterSettings
            {
                ModelDirectory = common.ModelDirectory(parse),
                EmbeddedModel = common.IsEmbeddedModel(parse),
                Device = parse.GetValue(common.Device)!,
                Dtype = parse.GetValue(common.DType)!,
                Seed = parse.GetValue(common.Seed),
                DataPath = parse.GetValue(data),
                Task = parse.GetValue(task),
                Samples = parse.GetValue(samples),
                OutPath = parse.GetValue(output)!,
                LabelsPath = parse.GetValue(labels),
                BlockLength = parse.GetValue(blockLength),
                GenLength = parse.GetValue(genLength),
                BatchSize = parse.GetValue(batchSize),
                Iterations = parse.GetValue(iterations),
                LearningRate = parse.GetValue(lr),
                ValidationFraction = parse.GetValue(validationFraction),
                Thresholds = ParseThresholds(parse.GetValue(thresholds)!),
                MinAgreement = parse.GetValue(minAgreement),
                Agreement = ParseAgreement(parse.GetValue(agreement)!),
                CommandLine = "l2pd " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            int threadCount = parse.GetValue(threads);
            if (threadCount <= 0) throw new Learn2PdException($"--threads must be positive (got {threadCount})");
            set_num_threads(threadCount);
            using var cancel = ConsoleCancel.Create();
            Run(settings, Console.Out, cancel.Token);
            return 0;
        }));
        return command;
    }

    /// <summary>The whole pipeline. <paramref name="phaseStarted"/> observes "labels", "fit", "calibration" and "save" as they begin.</summary>
    internal static TrainFilterReport Run(TrainFilterSettings settings, TextWriter output, CancellationToken cancel = default,
        Action<string>? phaseStarted = null)
    {
        var clock = Stopwatch.StartNew();
        var decodeOptions = settings.Validate();
        string labelsPath = settings.LabelsPath ?? Path.ChangeExtension(settings.OutPath, ".labels.jsonl");
        string sidecarPath = FilterSidecar.PathFor(settings.OutPath);
        EnsureWritable(settings.OutPath, "--out");
        EnsureWritable(labelsPath, "--labels");
        var (texts, source) = ReadPrompts(settings);
        var split = PromptSplit.Create(texts.Count, settings.ValidationFraction, settings.Seed);

        var device = CommonOptions.ParseDevice(settings.Device);
        var dtype = CommonOptions.ParseDType(settings.Dtype, device);
        if (settings.EmbeddedModel && !Directory.Exists(settings.ModelDirectory))
            throw new Learn2PdException($"the embedded model is missing from {settings.ModelDirectory}; pass --model DIR or rebuild l2pd");
        var loaded = PretrainedModel.Load(settings.ModelDirectory, dtype, device, requireTokenizer: true);
        using var model = loaded.Model;
        var config = model.Config;
        var tokenizer = loaded.Tokenizer!;
        var prompts = texts.Select(t => Encode(tokenizer, t)).ToArray();
        int longest = prompts.Max(p => p.Length);
        if (longest + settings.GenLength > config.MaxSequenceLength)
            throw new Learn2PdException($"the longest prompt ({longest} tokens) plus --gen-length {settings.GenLength} exceeds the model's max_sequence_length {config.MaxSequenceLength}");

        string modelName = settings.EmbeddedModel ? EmbeddedModel.Name : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.ModelDirectory)));
        var header = new LabelFileHeader
        {
            Model = modelName,
            ModelFingerprint = ModelFingerprint.Compute(settings.ModelDirectory),
            Dtype = DTypeName(dtype),
            Device = device.ToString(),
            GenLength = settings.GenLength,
            BlockLength = settings.BlockLength,
            Steps = decodeOptions.Steps,
            BatchSize = settings.BatchSize,
            EndOfText = config.EosTokenId,
            PromptCount = prompts.Length,
            PromptsSha256 = ModelFingerprint.OfPrompts(prompts),
            Source = source,
            ChatTemplate = tokenizer.HasChatTemplate,
            ValidationPrompts = split.Validation,
            Created = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        };
        var trainBatches = PromptBatches.Plan(prompts, split.Train, settings.BatchSize);
        var validationBatches = PromptBatches.Plan(prompts, split.Validation, settings.BatchSize);
        var decoder = new BlockDecoder(model);
        var reporter = new ProgressReporter();

        // 1–2. Reference answers and oracle labels, appended batch by batch.
        phaseStarted?.Invoke("labels");
        IReadOnlyList<PromptLabels> recorded;
        using (var file = LabelRecordFile.Open(labelsPath, header))
        {
            if (file.DroppedBytes > 0) Console.Error.WriteLine($"{labelsPath}: dropped a partial last line ({file.DroppedBytes} bytes) left by an interrupted run");
            var pending = OracleLabels.Pending([.. validationBatches, .. trainBatches], file);
            if (file.Recorded.Count > 0)
                Console.Error.WriteLine($"{labelsPath}: {file.Recorded.Count} of {prompts.Length} prompts already recorded{(pending.Count == 0 ? ", reusing them" : ", resuming")}");
            if (pending.Count > 0)
            {
                // The bar counts reference blocks (the bulk of the time); the oracle runs show in the status.
                var recorder = new OracleLabels(decoder, settings.GenLength, settings.BlockLength);
                reporter.Run("labels", pending.Sum(b => b.Length) * decodeOptions.BlockCount, bar => recorder.Record(prompts, pending, file,
                    rows => bar.Advance(rows),
                    batch => bar.Advance(0, $"{batch.ReferenceSeconds / batch.Prompts.Count:F2} + {batch.OracleSeconds / batch.Prompts.Count:F2} s/prompt (reference + oracle)"),
                    cancel));
            }
            recorded = Enumerable.Range(0, prompts.Length).Select(i => file.Recorded[i]).ToArray();
        }

        // 3. Fit on the training prompts' records, validate on the held-out prompts'.
        phaseStarted?.Invoke("fit");
        using var train = LabelTensors.From(split.Train.Select(i => recorded[i]), settings.BlockLength);
        using var validation = LabelTensors.From(split.Validation.Select(i => recorded[i]), settings.BlockLength);
        var fitOptions = new FilterFitOptions { Iterations = settings.Iterations, LearningRate = settings.LearningRate, Seed = settings.Seed };
        var fit = reporter.Run("fit", settings.Iterations, bar =>
        {
            int last = 0;
            return FilterFit.Run(train, validation, fitOptions, p =>
            {
                bar.Advance(p.Iteration - last, $"BCE {p.TrainLoss:F4}, validation {p.ValidationLoss:F4}");
                last = p.Iteration;
            }, cancel);
        });
        using var filter = fit.Filter;

        // 4. τ_f sweep on the validation prompts, in the batches their references were decoded in.
        phaseStarted?.Invoke("calibration");
        var calibrationClock = Stopwatch.StartNew();
        var references = split.Validation.ToDictionary(i => i, i => recorded[i].Reference);
        var points = reporter.Run("calibration", settings.Thresholds.Count * split.Validation.Count, bar =>
            ThresholdCalibration.Sweep(decoder, filter, decodeOptions, prompts, validationBatches, references, settings.Thresholds,
                (threshold, rows) => bar.Advance(rows, $"τ_f {threshold}"), cancel,
                settings.Agreement == AgreementKind.Answer ? (a, b) => FinalAnswer(tokenizer, a) == FinalAnswer(tokenizer, b) : null));
        var calibrationTime = calibrationClock.Elapsed;
        var choice = ThresholdCalibration.Choose(points, settings.MinAgreement);
        var metrics = settings.Thresholds.ToDictionary(t => t, t => FilterMetrics.Measure(filter, validation, t));

        // 5. The sidecar, then the filter: the filter file appears last and only complete.
        phaseStarted?.Invoke("save");
        cancel.ThrowIfCancellationRequested();
        var chosen = metrics[choice.Point.Threshold];
        var sidecar = new FilterSidecar
        {
            Filter = Path.GetFileName(settings.OutPath),
            BlockLength = settings.BlockLength,
            SuggestedThreshold = choice.Point.Threshold,
            MinAgreement = settings.MinAgreement,
            Agreement = settings.Agreement.ToString().ToLowerInvariant(),
            MeetsAgreement = choice.MeetsAgreement,
            Model = new SidecarModel { Name = modelName, Directory = Path.GetFullPath(settings.ModelDirectory), Fingerprint = header.ModelFingerprint, Dtype = header.Dtype },
            Decode = new SidecarDecode { GenLength = settings.GenLength, BlockLength = settings.BlockLength, Steps = decodeOptions.Steps },
            TrainingData = new SidecarData
            {
                Source = source,
                ChatTemplate = tokenizer.HasChatTemplate,
                Prompts = prompts.Length,
                TrainPrompts = split.Train.Count,
                ValidationPrompts = split.Validation.Count,
                TrainRecords = train.Count,
                ValidationRecords = validation.Count,
                PositiveRate = PositiveRate(train),
                LabelsFile = Path.GetFileName(labelsPath),
            },
            Fit = new SidecarFit
            {
                Iterations = settings.Iterations,
                BestIteration = fit.BestIteration,
                LearningRate = settings.LearningRate,
                WeightDecay = fitOptions.WeightDecay,
                Seed = settings.Seed,
                InitialTrainLoss = fit.InitialTrainLoss,
                TrainLoss = fit.TrainLoss,
                ValidationLoss = fit.ValidationLoss,
                Precision = Defined(chosen.Precision),
                Recall = Defined(chosen.Recall),
                FalsePositiveRate = Defined(chosen.FalsePositiveRate),
            },
            BaselineMeanNfe = split.Validation.Average(i => recorded[i].BaselineNfe),
            OracleMeanNfe = split.Validation.Average(i => recorded[i].OracleNfe),
            Calibration = points,
            Times = new SidecarTimes
            {
                ReferenceSeconds = recorded.Sum(p => p.ReferenceSeconds),
                OracleSeconds = recorded.Sum(p => p.OracleSeconds),
                FitSeconds = fit.Elapsed.TotalSeconds,
                CalibrationSeconds = calibrationTime.TotalSeconds,
                RunSeconds = clock.Elapsed.TotalSeconds,
            },
            Command = settings.CommandLine,
            Created = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        };
        sidecar.Save(sidecarPath);
        FilterFile.Save(filter, settings.OutPath, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["block_length"] = settings.BlockLength.ToString(CultureInfo.InvariantCulture),
            ["accept_threshold"] = choice.Point.Threshold.ToString(CultureInfo.InvariantCulture),
            ["model"] = modelName,
        });

        var report = new TrainFilterReport(sidecar, metrics, choice, settings.OutPath, sidecarPath, labelsPath);
        WriteSummary(output, report);
        return report;
    }

    private static double PositiveRate(LabelTensors records)
    {
        using var scope = NewDisposeScope();
        return records.Correct.mean().item<float>();
    }

    private static double? Defined(double value) => double.IsNaN(value) ? null : value;

    private static (IReadOnlyList<string> Texts, string Source) ReadPrompts(TrainFilterSettings settings)
    {
        if (settings.DataPath is { } path)
        {
            var records = GsmJsonl.Read(path);
            return (records.Select(r => r.ToPrompt()).ToArray(), $"{Path.GetFileName(path)} ({records.Count} prompts)");
        }
        var problems = ArithmeticTask.Default.Train(settings.Samples, settings.Seed);
        return (problems.Select(p => GsmPrompt.FormatQuery(p.Question)).ToArray(), $"arith train split, {settings.Samples} prompts, seed {settings.Seed}");
    }

    /// <summary>What accuracy scores in an answer: GSM8K's strict-match, else flexible-extract, else the trimmed text.</summary>
    private static string FinalAnswer(LLaDATokenizer tokenizer, long[] ids)
    {
        string text = GsmScorer.CutAtStop(tokenizer.Decode(ids.Select(id => (int)id), skipSpecialTokens: true));
        return GsmScorer.StrictMatch(text) ?? GsmScorer.FlexibleExtract(text) ?? text.Trim();
    }

    private static AgreementKind ParseAgreement(string text) => text switch
    {
        "answer" => AgreementKind.Answer,
        "text" => AgreementKind.Text,
        _ => throw new Learn2PdException($"--agreement must be answer or text (got '{text}')"),
    };

    private static int[] Encode(LLaDATokenizer tokenizer, string text) =>
        (tokenizer.HasChatTemplate ? tokenizer.EncodeChat([new ChatMessage("user", text)]) : tokenizer.Encode(text)).ToArray();

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => "fp32",
    };

    /// <summary>Fails now, not after an hour of decoding, when a file cannot be written where asked.</summary>
    private static void EnsureWritable(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new Learn2PdException($"{option} {path} is a directory; give a file path");
        string folder = Path.GetDirectoryName(full)!;
        string probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Learn2PdException($"{option} {path}: cannot write there ({e.Message})", e);
        }
    }

    private static IReadOnlyList<double> ParseThresholds(string text)
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new Learn2PdException($"--thresholds: '{part}' is not a number");
            values.Add(value);
        }
        return values.Distinct().Order().ToArray();
    }

    private static void WriteSummary(TextWriter o, TrainFilterReport report)
    {
        var s = report.Sidecar;
        var t = s.Times;
        var d = s.TrainingData;
        double perPrompt = d.Prompts == 0 ? 0 : 1.0 / d.Prompts;
        Line(o, $"");
        Line(o, $"train-filter summary");
        Line(o, $"  model          {s.Model.Name} ({s.Model.Dtype}), gen {s.Decode.GenLength}, block {s.Decode.BlockLength}");
        Line(o, $"  prompts        {d.Prompts} ({d.TrainPrompts} train, {d.ValidationPrompts} validation): {d.Source}");
        Line(o, $"  records        {d.TrainRecords:N0} train, {d.ValidationRecords:N0} validation; {d.PositiveRate:P1} of training positions correct");
        Line(o, $"  labels         reference {t.ReferenceSeconds:F1} s ({t.ReferenceSeconds * perPrompt:F2} s/prompt), oracle {t.OracleSeconds:F1} s ({t.OracleSeconds * perPrompt:F2} s/prompt)");
        Line(o, $"  fit            {s.Fit.Iterations} iterations in {t.FitSeconds:F1} s, kept iteration {s.Fit.BestIteration} (lowest validation loss); BCE {s.Fit.InitialTrainLoss:F4} → train {s.Fit.TrainLoss:F4}, validation {s.Fit.ValidationLoss:F4}");
        Line(o, $"  calibration    {s.Calibration.Count} τ_f × {d.ValidationPrompts} prompts in {t.CalibrationSeconds:F1} s");
        Line(o, $"  this run       {t.RunSeconds:F1} s");
        Line(o, $"");
        Line(o, $"  {"τ_f",-9} {"mean NFE",9} {"speed-up",9} {"agreement",10} {"tokens",8} {"precision",10} {"recall",8} {"FPR",8}");
        Line(o, $"  {"baseline",-9} {s.BaselineMeanNfe,9:F1} {1.0,8:F2}× {1.0,10:P1} {1.0,8:P1}");
        Line(o, $"  {"oracle",-9} {s.OracleMeanNfe,9:F1} {s.BaselineMeanNfe / s.OracleMeanNfe,8:F2}× {1.0,10:P1} {1.0,8:P1}");
        foreach (var p in s.Calibration)
        {
            var m = report.Metrics[p.Threshold];
            string mark = p.Threshold == report.Choice.Point.Threshold ? " <" : "";
            Line(o, $"  {p.Threshold,-9} {p.MeanNfe,9:F1} {s.BaselineMeanNfe / p.MeanNfe,8:F2}× {p.Agreement,10:P1} {p.TokenAgreement,8:P1} {Percent(m.Precision),10} {Percent(m.Recall),8} {Percent(m.FalsePositiveRate),8}{mark}");
        }
        Line(o, $"  (agreement: validation answers with the reference's {(s.Agreement == "answer" ? "final answer" : "ids")}; precision, recall, FPR: masked positions of validation records)");
        Line(o, $"");
        string verdict = report.Choice.MeetsAgreement
            ? $"the fastest with agreement ≥ {s.MinAgreement:P1}"
            : $"WARNING: no τ_f reached agreement {s.MinAgreement:P1}; this is the most faithful one";
        Line(o, $"suggested τ_f {s.SuggestedThreshold} ({verdict}): mean NFE {report.Choice.Point.MeanNfe:F1}, {s.BaselineMeanNfe / report.Choice.Point.MeanNfe:F2}× fewer than the baseline, {report.Choice.Point.MeanNfe / s.OracleMeanNfe:F2}× the oracle's");
        Line(o, $"wrote {report.FilterPath} and {report.SidecarPath} (labels: {report.LabelsPath})");
    }

    private static string Percent(double value) => double.IsNaN(value) ? "-" : value.ToString("P1", CultureInfo.InvariantCulture);

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(FormattableString.Invariant(text));
}

/// <summary>Everything <c>train-filter</c> reads from its command line, validated by <see cref="Validate"/>.</summary>
internal sealed record TrainFilterSettings
{
    public required string ModelDirectory { get; init; }
    public bool EmbeddedModel { get; init; }
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
    public string CommandLine { get; init; } = "";

    /// <summary>Checks every setting that needs no file or model; returns the baseline decode options.</summary>
    public DecodeOptions Validate()
    {
        var decode = new DecodeOptions { GenLength = GenLength, BlockLength = BlockLength, Steps = GenLength }.Validate();
        if (!string.Equals(Path.GetExtension(OutPath), ".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new Learn2PdException($"--out {OutPath}: the filter is written as safetensors; name it *.safetensors");
        if (DataPath is not null && Task is not null) throw new Learn2PdException("pass --data or --task, not both");
        if (Task is not null && Task != "arith") throw new Learn2PdException($"--task must be arith (got '{Task}'); other prompts come with --data");
        if (DataPath is null && Samples < 2) throw new Learn2PdException($"--samples must be at least 2: one prompt to fit on, one to validate (got {Samples})");
        if (BatchSize <= 0) throw new Learn2PdException($"--batch-size must be positive (got {BatchSize})");
        new FilterFitOptions { Iterations = Iterations, LearningRate = LearningRate }.Validate();
        if (ValidationFraction is <= 0 or >= 1 || double.IsNaN(ValidationFraction))
            throw new Learn2PdException($"--validation-fraction must be between 0 and 1 (got {ValidationFraction})");
        if (Thresholds.Count == 0) throw new Learn2PdException("--thresholds needs at least one value");
        if (Thresholds.Distinct().Count() != Thresholds.Count) throw new Learn2PdException("--thresholds lists a value twice");
        foreach (double t in Thresholds)
        {
            if (t is <= 0 or >= 1 || double.IsNaN(t))
                throw new Learn2PdException($"--thresholds: every τ_f must be between 0 and 1 (got {t.ToString(CultureInfo.InvariantCulture)})");
        }
        if (MinAgreement is <= 0 or > 1 || double.IsNaN(MinAgreement))
            throw new Learn2PdException($"--min-agreement must be in (0, 1] (got {MinAgreement})");
        string labels = LabelsPath ?? Path.ChangeExtension(OutPath, ".labels.jsonl");
        if (Path.GetFullPath(labels) == Path.GetFullPath(OutPath) || Path.GetFullPath(labels) == Path.GetFullPath(FilterSidecar.PathFor(OutPath)))
            throw new Learn2PdException($"--labels {labels} would overwrite the filter or its sidecar; choose another path");
        return decode;
    }
}

/// <summary>What a finished run wrote, for the summary and for tests.</summary>
internal sealed record TrainFilterReport(FilterSidecar Sidecar, IReadOnlyDictionary<double, FilterMetrics> Metrics,
    CalibrationChoice Choice, string FilterPath, string SidecarPath, string LabelsPath);

/// <summary>How a calibration decode is compared with its reference.</summary>
internal enum AgreementKind
{
    Answer,
    Text,
}
