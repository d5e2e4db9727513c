using System.Diagnostics;
using System.Globalization;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Runtime;
using Learn2PD.Core.Text;
using Learn2PD.Train.Oracle;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// <c>l2pd train-filter</c>'s pipeline: Learn2PD's filter, learned after the fact for any LLaDA checkpoint.
/// Reference answers (the baseline decode) → oracle runs recording per-step labels to an append-only
/// file (resumable) → full-batch fit → τ_f sweep on held-out prompts → the filter in the authors'
/// safetensors layout plus a JSON sidecar. Every input is checked before any decoding.
/// </summary>
public static class TrainFilterPipeline
{
    /// <summary>
    /// Only the label recording of one shard (<see cref="TrainFilterSettings.Shard"/>: every N-th decode batch
    /// from I), into its own label file; <see cref="LabelRecordFile.Merge"/> joins the shards' files and a run
    /// with <c>--labels</c> on the merged file fits without decoding again. Returns the shard's label file.
    /// </summary>
    public static string RecordShard(TrainFilterSettings settings, IWorkProgress progress, TextWriter log, CancellationToken cancel = default)
    {
        if (settings.Shard is null) throw new ArgumentException("a shard run needs settings.Shard", nameof(settings));
        using var run = Record(settings, progress, log, cancel);
        return run.LabelsPath;
    }

    /// <summary>The whole pipeline. <paramref name="phaseStarted"/> observes "labels", "fit", "calibration" and "save" as they begin.</summary>
    public static TrainFilterReport Run(TrainFilterSettings settings, IWorkProgress progress, TextWriter log, CancellationToken cancel = default,
        Action<string>? phaseStarted = null)
    {
        if (settings.Shard is not null) throw new Learn2PdException("--shard records labels only: use it without fitting (RecordShard)");
        phaseStarted?.Invoke("labels");
        using var run = Record(settings, progress, log, cancel);
        var (clock, decodeOptions, labelsPath, split, tokenizer, prompts, header, validationBatches, decoder, recorded, source, modelName) =
            (run.Clock, run.DecodeOptions, run.LabelsPath, run.Split, run.Tokenizer, run.Prompts, run.Header, run.ValidationBatches, run.Decoder, run.Recorded, run.Source, run.ModelName);
        string sidecarPath = FilterSidecar.PathFor(settings.OutPath);

        // 3. Fit on the training prompts' records, validate on the held-out prompts'; later rounds first add the steps of
        //    decodes with the filter fitted in the round before.
        var fitOptions = new FilterFitOptions
        {
            Iterations = settings.Iterations, LearningRate = settings.LearningRate, Seed = settings.Seed, FalseAcceptWeight = settings.EffectiveFalseAcceptWeight, Features = settings.Features, Hidden = settings.Hidden,
        };
        Fitted Fit(IReadOnlyList<PromptLabels> labelled, string name) => progress.Run(name, settings.Iterations, bar =>
        {
            int last = 0;
            void Report(FitProgress p)
            {
                bar.Advance(p.Iteration - last, $"BCE {p.TrainLoss:F4}, validation {p.ValidationLoss:F4}");
                last = p.Iteration;
            }
            return settings.Kind == FilterKind.Learn2Pd
                ? FitLearn2Pd(split, labelled, settings.BlockLength, fitOptions, Report, cancel)
                : FitPosition(split, labelled, header.EndOfText, fitOptions, Report, cancel);
        });
        var roundClock = Stopwatch.StartNew();
        for (int round = 2; round <= settings.Rounds; round++)
        {
            phaseStarted?.Invoke($"round {round}");
            using var previous = Fit(recorded, $"fit {round - 1}").Filter;
            recorded = RecordRound(settings, run, recorded, previous, round, modelName, progress, log, cancel);
        }
        double roundSeconds = roundClock.Elapsed.TotalSeconds;
        phaseStarted?.Invoke("fit");
        var fit = Fit(recorded, "fit");
        using var filter = fit.Filter;

        // 4. τ_f sweep on the validation prompts, in the batches their references were decoded in, with the
        //    end-of-text prediction and cache of the method it is for.
        phaseStarted?.Invoke("calibration");
        var calibrationClock = Stopwatch.StartNew();
        var references = split.Validation.ToDictionary(i => i, i => recorded[i].Reference);
        var points = progress.Run("calibration", settings.Thresholds.Count * split.Validation.Count, bar =>
            ThresholdCalibration.Sweep(decoder, filter, settings.CalibrationMethod, decodeOptions, prompts, validationBatches, references, settings.Thresholds,
                (threshold, rows) => bar.Advance(rows, $"τ_f {threshold}"), cancel,
                settings.Agreement == AgreementKind.Answer ? SameFinalAnswer(tokenizer) : null));
        var calibrationTime = calibrationClock.Elapsed;
        var choice = ThresholdCalibration.Choose(points, settings.MinAgreement);

        // Diagnostics on the held-out masked positions: does the filter separate right from wrong better than the confidence?
        var (probabilities, labels, confidences) = fit.Validation;
        var metrics = settings.Thresholds.ToDictionary(t => t, t => FilterMetrics.Measure(probabilities, labels, t));
        var filterSeparation = Separation.Measure(probabilities, labels);
        var confidenceSeparation = Separation.Measure(confidences, labels);
        var reliability = Separation.Reliability(probabilities, labels);

        // 5. The sidecar, then the filter: the filter file appears last and only complete.
        phaseStarted?.Invoke("save");
        cancel.ThrowIfCancellationRequested();
        var chosen = metrics[choice.Point.Threshold];
        var (chosenPrecision, chosenRecall) = (chosen.Precision, chosen.Recall);
        var sidecar = new FilterSidecar
        {
            Filter = Path.GetFileName(settings.OutPath),
            Kind = filter.Kind,
            BlockLength = settings.BlockLength,
            CalibratedFor = new SidecarCalibration { Method = settings.CalibrationMethod.Name, GenLength = settings.GenLength },
            SweepThresholds = settings.Thresholds,
            Diagnostics = new SidecarDiagnostics
            {
                Positions = labels.Length,
                PositiveRate = labels.Length == 0 ? 0 : labels.Count(l => l) / (double)labels.Length,
                FilterRocAuc = Defined(filterSeparation.RocAuc),
                FilterAveragePrecision = Defined(filterSeparation.AveragePrecision),
                ConfidenceRocAuc = Defined(confidenceSeparation.RocAuc),
                ConfidenceAveragePrecision = Defined(confidenceSeparation.AveragePrecision),
                Reliability = reliability.Select(b => new SidecarReliabilityBin { Low = b.Low, High = b.High, Count = b.Count, MeanPredicted = b.MeanPredicted, Observed = b.Observed }).ToArray(),
            },
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
                Trajectories = settings.Rounds > 1 ? [.. header.Trajectories, LabelRecord.RolloutTrajectory] : header.Trajectories,
                TrainRecords = fit.TrainCount,
                ValidationRecords = fit.ValidationCount,
                PositiveRate = fit.PositiveRate,
                LabelsFile = Path.GetFileName(labelsPath),
            },
            Fit = new SidecarFit
            {
                Iterations = settings.Iterations,
                Rounds = settings.Rounds,
                RolloutThresholds = settings.Rounds > 1 ? settings.RolloutThresholds : [],
                BestIteration = fit.BestIteration,
                LearningRate = settings.LearningRate,
                WeightDecay = fitOptions.WeightDecay,
                FalseAcceptWeight = fitOptions.FalseAcceptWeight,
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
                RoundSeconds = roundSeconds,
                CalibrationSeconds = calibrationTime.TotalSeconds,
                RunSeconds = clock.Elapsed.TotalSeconds,
            },
            Command = settings.CommandLine,
            Created = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        };
        sidecar.Save(sidecarPath);
        FilterFile.Save(filter, settings.OutPath, FilterMetadata(settings, modelName, choice.Point.Threshold));

        return new TrainFilterReport(sidecar, metrics, choice, settings.OutPath, sidecarPath, labelsPath) { Reliability = reliability };
    }

    /// <summary>What label recording leaves for the fit: the model and decoder (disposed with it), prompts, split and records.</summary>
    private sealed record LabelRun(Stopwatch Clock, DecodeOptions DecodeOptions, string LabelsPath, PromptSplit Split, LLaDATokenizer Tokenizer,
        int[][] Prompts, LabelFileHeader Header, IReadOnlyList<int[]> ValidationBatches, IReadOnlyList<int[]> Batches, BlockDecoder Decoder, IReadOnlyList<PromptLabels> Recorded,
        string Source, string ModelName) : IDisposable
    {
        public void Dispose() => Decoder.Model.Dispose();
    }

    /// <summary>Steps 1–2: every input checked, then reference answers and oracle labels, appended batch by batch (resumable).</summary>
    private static LabelRun Record(TrainFilterSettings settings, IWorkProgress progress, TextWriter log, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var decodeOptions = settings.Validate();
        string labelsPath = settings.LabelsFile;
        if (settings.Shard is null) EnsureWritable(settings.OutPath, "--out");
        EnsureWritable(labelsPath, "--labels");
        var (texts, source) = ReadPrompts(settings);
        var split = PromptSplit.Create(texts.Count, settings.ValidationFraction, settings.Seed);

        var device = TorchRuntime.ParseDevice(settings.Device);
        var dtype = TorchRuntime.ParseDType(settings.Dtype, device);
        var loaded = PretrainedModel.Load(settings.ModelDirectory, dtype, device, requireTokenizer: true);
        var model = loaded.Model;
        try
        {
            var config = model.Config;
            var tokenizer = loaded.Tokenizer!;
            var encoder = new PromptEncoder(tokenizer);
            var prompts = texts.Select((t, i) => encoder.Encode(t, $"prompt {i + 1}")).ToArray();
            int longest = prompts.Max(p => p.Length);
            if (longest + settings.GenLength > config.MaxSequenceLength)
                throw new Learn2PdException($"the longest prompt ({longest} tokens) plus --gen-length {settings.GenLength} exceeds the model's max_sequence_length {config.MaxSequenceLength}");

            string modelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.ModelDirectory)));
            var header = new LabelFileHeader
            {
                Model = modelName,
                ModelFingerprint = ModelFingerprint.Compute(settings.ModelDirectory),
                Dtype = TorchRuntime.DTypeName(dtype),
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
                Trajectories = OracleLabels.Trajectories(settings.ReferenceTrajectory, sampled: settings.References > 1),
                References = settings.References,
                ReferenceTemperature = settings.References > 1 ? settings.ReferenceTemperature : 0,
                Shard = settings.Shard?.ToString(),
                Created = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            };
            var trainBatches = PromptBatches.Plan(prompts, split.Train, settings.BatchSize);
            var validationBatches = PromptBatches.Plan(prompts, split.Validation, settings.BatchSize);
            // A shard takes every N-th batch of the one plan, so each prompt keeps the batch (and padding) an unsharded run gives it.
            IReadOnlyList<int[]> plan = [.. validationBatches, .. trainBatches], batches = plan;
            if (settings.Shard is { } shard) batches = plan.Where((_, i) => shard.Owns(i)).ToArray();
            var decoder = new BlockDecoder(model);

            IReadOnlyList<PromptLabels> recorded;
            var (file, pending) = OpenLabels(labelsPath, header, batches, log);
            using (file)
            {
                if (pending.Count > 0)
                {
                    // The bar counts reference blocks (the bulk of the time); the oracle runs show in the status.
                    var sampling = settings.References > 1
                        ? new ReferenceSampling(settings.References, settings.ReferenceTemperature, SameFinalAnswer(tokenizer))
                        : null;
                    var recorder = new OracleLabels(decoder, decodeOptions, OracleStallGuard.UnchangedPredictions, settings.ReferenceTrajectory, sampling);
                    progress.Run("labels", pending.Sum(b => b.Length) * decodeOptions.BlockCount, bar => recorder.Record(prompts, pending, file,
                        rows => bar.Advance(rows),
                        batch => bar.Advance(0, $"{batch.ReferenceSeconds / batch.Prompts.Count:F2} + {batch.OracleSeconds / batch.Prompts.Count:F2} s/prompt (reference + oracle)"),
                        cancel));
                }
                recorded = settings.Shard is null ? Enumerable.Range(0, prompts.Length).Select(i => file.Recorded[i]).ToArray() : file.Recorded.Values.ToArray();
            }
            return new LabelRun(clock, decodeOptions, labelsPath, split, tokenizer, prompts, header, validationBatches, plan, decoder, recorded, source, modelName);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Round <paramref name="round"/>: <paramref name="filter"/> (the round before's) saved beside the labels, every prompt decoded
    /// with it at each rollout τ_f in the batches the references were decoded in, those steps labelled against the prompt's
    /// references (its own file, resumable like the first), and <paramref name="labelled"/> with them added to each prompt's records.
    /// </summary>
    private static PromptLabels[] RecordRound(TrainFilterSettings settings, LabelRun run, IReadOnlyList<PromptLabels> labelled, ICommitFilter filter, int round, string modelName,
        IWorkProgress progress, TextWriter log, CancellationToken cancel)
    {
        string filterPath = settings.RoundFilterFile(round), labelsPath = settings.RoundLabelsFile(round);
        FilterFile.Save(filter, filterPath, FilterMetadata(settings, modelName, acceptThreshold: null));
        var header = run.Header with
        {
            Trajectories = [LabelRecord.RolloutTrajectory],
            RolloutFilter = ModelFingerprint.OfFile(filterPath),
            RolloutThresholds = settings.RolloutThresholds,
        };
        var rollout = new FilterRollout(filter, DecodingMethods.Parse("l2p"), settings.RolloutThresholds, SameFinalAnswer(run.Tokenizer));
        var recorder = new OracleLabels(run.Decoder, run.DecodeOptions, OracleStallGuard.UnchangedPredictions);
        var (file, pending) = OpenLabels(labelsPath, header, run.Batches, log);
        using (file)
        {
            progress.Run($"round {round}", pending.Sum(b => b.Length), bar => recorder.RecordRollouts(run.Prompts, pending, file, labelled, rollout,
                batch => bar.Advance(batch.Prompts.Count, $"{batch.ReferenceSeconds / batch.Prompts.Count:F2} s/prompt"), cancel));
            return labelled.Select((p, i) => p with { Records = [.. p.Records, .. file.Recorded[i].Records] }).ToArray();
        }
    }

    /// <summary>A label file opened (resumed when its header matches), and the batches with a prompt it lacks; says what it found.</summary>
    private static (LabelRecordFile File, IReadOnlyList<int[]> Pending) OpenLabels(string path, LabelFileHeader header, IReadOnlyList<int[]> batches, TextWriter log)
    {
        var file = LabelRecordFile.Open(path, header);
        if (file.DroppedBytes > 0) log.WriteLine($"{path}: dropped a partial last line ({file.DroppedBytes} bytes) left by an interrupted run");
        var pending = OracleLabels.Pending(batches, file);
        if (file.Recorded.Count > 0)
            log.WriteLine($"{path}: {file.Recorded.Count} of {batches.Sum(b => b.Length)} prompts already recorded{(pending.Count == 0 ? ", reusing them" : ", resuming")}");
        return (file, pending);
    }

    /// <summary>A fitted filter, its fit's numbers, and its scores on the held-out masked positions.</summary>
    private sealed record Fitted(ICommitFilter Filter, double InitialTrainLoss, double TrainLoss, double? ValidationLoss, int BestIteration,
        TimeSpan Elapsed, long TrainCount, long ValidationCount, double PositiveRate, (float[] Probabilities, bool[] Labels, float[] Confidences) Validation);

    /// <summary>The authors' recipe: every position of the oracle run's records, the block's confidences in, BCE.</summary>
    private static Fitted FitLearn2Pd(PromptSplit split, IReadOnlyList<PromptLabels> recorded, int blockLength, FilterFitOptions options,
        Action<FitProgress> report, CancellationToken cancel)
    {
        static IEnumerable<LabelRecord> Oracle(IEnumerable<PromptLabels> prompts) =>
            prompts.SelectMany(p => p.Records).Where(r => r.Trajectory == LabelRecord.OracleTrajectory);
        using var train = LabelTensors.From(Oracle(split.Train.Select(i => recorded[i])), blockLength);
        using var validation = LabelTensors.From(Oracle(split.Validation.Select(i => recorded[i])), blockLength);
        var fit = FilterFit.Run(train, validation, options, report, cancel);
        double positiveRate;
        using (NewDisposeScope()) positiveRate = train.Correct.mean().item<float>();
        return new Fitted(fit.Filter, fit.InitialTrainLoss, fit.TrainLoss, fit.ValidationLoss, fit.BestIteration, fit.Elapsed,
            train.Count, validation.Count, positiveRate, validation.MaskedScores(fit.Filter));
    }

    /// <summary>The per-position filter: every masked position of every recorded trajectory.</summary>
    private static Fitted FitPosition(PromptSplit split, IReadOnlyList<PromptLabels> recorded, long endOfText, FilterFitOptions options,
        Action<FitProgress> report, CancellationToken cancel)
    {
        using var train = PositionSamples.From(split.Train.SelectMany(i => recorded[i].Records), endOfText, options.Features);
        using var validation = PositionSamples.From(split.Validation.SelectMany(i => recorded[i].Records), endOfText, options.Features);
        var fit = PositionFilterFit.Run(train, validation, options, report, cancel);
        return new Fitted(fit.Filter, fit.InitialTrainLoss, fit.TrainLoss, fit.ValidationLoss, fit.BestIteration, fit.Elapsed,
            train.Count, validation.Count, train.Labels.Count(l => l) / (double)Math.Max(1, train.Count),
            (PositionFilterFit.Probabilities(fit.Filter, validation), validation.Labels, validation.Confidences));
    }

    /// <summary>The safetensors metadata of a filter this pipeline writes; a later round's filter has no calibrated τ_f.</summary>
    private static Dictionary<string, string> FilterMetadata(TrainFilterSettings settings, string modelName, double? acceptThreshold)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["block_length"] = settings.BlockLength.ToString(CultureInfo.InvariantCulture),
        };
        if (acceptThreshold is { } threshold) metadata["accept_threshold"] = threshold.ToString(CultureInfo.InvariantCulture);
        metadata["model"] = modelName;
        return metadata;
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

    /// <summary>Whether two answers end in the same final answer (the calibration's agreement and the sampled references' test).</summary>
    private static Func<long[], long[], bool> SameFinalAnswer(LLaDATokenizer tokenizer) => (a, b) => FinalAnswer(tokenizer, a) == FinalAnswer(tokenizer, b);

    /// <summary>What accuracy scores in an answer: GSM8K's strict-match, else flexible-extract, else the trimmed text.</summary>
    private static string FinalAnswer(LLaDATokenizer tokenizer, long[] ids)
    {
        string text = GsmScorer.CutAtStop(tokenizer.Decode(ids.Select(id => (int)id), skipSpecialTokens: true));
        return GsmScorer.StrictMatch(text) ?? GsmScorer.FlexibleExtract(text) ?? text.Trim();
    }

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
}
