using System.CommandLine;
using System.Globalization;
using Learn2PD.Eval.Reports;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core.Decoding;
using Learn2PD.Train.FilterTraining;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd train-filter</c>: binds the options to <see cref="TrainFilterSettings"/>, runs
/// <see cref="TrainFilterPipeline"/> and prints its summary.
/// </summary>
internal static class TrainFilterCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var seed = SeedOption.Create("prompt draws, validation split, filter initialisation");
        var data = new Option<string?>("--data") { Description = "Prompts: GSM8K JSONL ({\"question\", \"answer\"}) or {\"prompt\": ...} lines (chat template applied where the model has one)" };
        var task = new Option<string?>("--task") { Description = "Built-in prompts instead of --data: arith (the arithmetic task's train split; the default)" };
        task.AcceptOnlyFromAmong("arith");
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
        var minAgreement = new Option<double>("--min-agreement") { Description = "Share of validation answers that must agree with the reference for a τ_f to qualify", DefaultValueFactory = _ => 0.99 };
        var kind = new Option<FilterKind>("--kind") { Description = "position (a per-position MLP over confidence, top-2 margin, entropy, stability, position, neighbours and the block text; works at any block length; its decodes hold back a word written twice by neighbours and an end-of-text before an open word) or learn2pd (the authors' MLP over the block's 32 confidences)", DefaultValueFactory = _ => FilterKind.Position };
        var oracleOnly = new Option<bool>("--oracle-only") { Description = "Learn from the oracle runs' steps only (the authors' data); by default the reference decodes' own steps are recorded too" };
        var falseAccept = new Option<double?>("--false-accept-weight") { Description = $"--kind position: how much more a wrong prediction's loss weighs than a right one's (default {TrainFilterSettings.DefaultFalseAcceptWeight}: a false accept can cost the answer, a late one costs a forward)" };
        var features = new Option<int>("--features") { Description = $"--kind position: {Learn2PD.Core.Filter.PositionFeatures.Count} reads every feature, the left context's and the block text's included; {Learn2PD.Core.Filter.PositionFeatures.LeftContextCount} leaves out the text features, {Learn2PD.Core.Filter.PositionFeatures.FirstCount} the left context's too (the sets of filters fitted before them)", DefaultValueFactory = _ => Learn2PD.Core.Filter.PositionFeatures.Count };
        var hidden = new Option<int>("--hidden") { Description = "--kind position: width of the filter's two hidden layers", DefaultValueFactory = _ => Learn2PD.Core.Filter.PositionFilter.DefaultHidden };
        var references = new Option<int>("--references") { Description = "References per prompt for the labels: the greedy baseline answer and up to N-1 answers sampled at --reference-temperature that agree with it; a prediction is right when, with the others it is labelled with, it matches one of them (1: the paper's labels, against the greedy answer only)", DefaultValueFactory = _ => 1 };
        var referenceTemperature = new Option<double>("--reference-temperature") { Description = "Sampling temperature of the further references", DefaultValueFactory = _ => 1.0 };
        var rounds = new Option<int>("--rounds") { Description = "Fits in all: after the first, each round decodes every prompt with the filter just fitted (l2p at each --rollout-thresholds τ_f), labels those decodes' steps too (the states a filter decode reaches; its answers that agree with the greedy one join the references) and fits again on everything. Each round's labels and filter are kept beside --labels", DefaultValueFactory = _ => 1 };
        var rolloutThresholds = new Option<string>("--rollout-thresholds") { Description = "τ_f values of the later rounds' filter decodes, comma-separated", DefaultValueFactory = _ => string.Join(',', TrainFilterSettings.DefaultRolloutThresholds.Select(t => t.ToString(CultureInfo.InvariantCulture))) };
        var calibrateFor = new Option<string>("--calibrate-for") { Description = "The l2p method τ_f is calibrated with (its end-of-text prediction and cache apply in the calibration decodes)", DefaultValueFactory = _ => "l2p+eotp" };
        calibrateFor.AcceptOnlyFromAmong(DecodingMethods.All.Where(m => m.NeedsFilter).Select(m => m.Name).ToArray());
        var shard = new Option<string?>("--shard") { Description = "Only record the labels of shard I of N (every N-th decode batch from I) and stop, e.g. on N machines; join the label files with `l2pd train-filter merge`, then run once more with --labels MERGED to fit" };
        var agreement = new Option<AgreementKind>("--agreement") { Description = "What agreeing means: answer (the same final answer, GSM8K's strict-match then flexible-extract, else the same text; what accuracy measures) or text (the same ids)", DefaultValueFactory = _ => AgreementKind.Answer };

        var command = new Command("train-filter", "Record oracle labels from full decodes and fit the Learn2PD filter for a model (CPU or GPU).")
        {
            data, task, samples, output, labels, blockLength, genLength, batchSize, iterations, lr, validationFraction, thresholds, minAgreement, agreement, kind, oracleOnly, falseAccept, features, hidden, references, referenceTemperature, rounds, rolloutThresholds, calibrateFor, shard, seed,
        };
        command.Subcommands.Add(MergeCommand());
        model.AddTo(command);
        runtime.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            CommandAction.RequireFor(parse, features, parse.GetValue(kind) == FilterKind.Position, "--kind position");
            CommandAction.RequireFor(parse, hidden, parse.GetValue(kind) == FilterKind.Position, "--kind position");
            CommandAction.RequireFor(parse, referenceTemperature, parse.GetValue(references) > 1, "--references N (N > 1)");
            CommandAction.RequireFor(parse, rolloutThresholds, parse.GetValue(rounds) > 1, "--rounds N (N > 1)");
            var settings = new TrainFilterSettings
            {
                ModelDirectory = model.CheckedDirectory(parse),
                Device = parse.GetValue(runtime.Device)!,
                Dtype = parse.GetValue(runtime.DType)!,
                Seed = parse.GetValue(seed),
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
                Thresholds = TrainFilterSettings.ParseThresholds(parse.GetValue(thresholds)!),
                MinAgreement = parse.GetValue(minAgreement),
                Agreement = parse.GetValue(agreement),
                Kind = parse.GetValue(kind),
                ReferenceTrajectory = !parse.GetValue(oracleOnly),
                FalseAcceptWeight = parse.GetValue(falseAccept),
                Features = parse.GetValue(features),
                Hidden = parse.GetValue(hidden),
                References = parse.GetValue(references),
                ReferenceTemperature = parse.GetValue(referenceTemperature),
                Rounds = parse.GetValue(rounds),
                RolloutThresholds = TrainFilterSettings.ParseThresholds(parse.GetValue(rolloutThresholds)!, "--rollout-thresholds"),
                CalibrationMethod = DecodingMethods.Parse(parse.GetValue(calibrateFor)!, "--calibrate-for"),
                Shard = parse.GetValue(shard) is { } text ? Learn2PD.Core.Shard.Parse(text) : null,
                CommandLine = "l2pd " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            runtime.Apply(parse);
            using var cancel = ConsoleCancel.Create();
            if (settings.Shard is { } part)
            {
                string labels = TrainFilterPipeline.RecordShard(settings, new ProgressReporter(io.Error), io.Error, cancel.Token);
                io.Out.WriteLine($"shard {part}: labels in {labels}; when every shard is done: l2pd train-filter merge SHARD-FILES... --out MERGED.jsonl, then train-filter --labels MERGED.jsonl with the same settings");
                return 0;
            }
            var report = TrainFilterPipeline.Run(settings, new ProgressReporter(io.Error), io.Error, cancel.Token);
            string plot = Path.ChangeExtension(report.FilterPath, ".reliability.png");
            ReliabilityChart.Write(plot, report);
            TrainFilterSummary.Write(io.Out, report);
            io.Out.WriteLine($"reliability plot: {plot}");
            return 0;
        });
        return command;
    }

    /// <summary>`l2pd train-filter merge FILES... --out FILE`: the shards' label files as one.</summary>
    private static Command MergeCommand()
    {
        var files = new Argument<string[]>("labels") { Description = "The label files of the shard runs (--shard 0/N ... N-1/N)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The merged label file, for train-filter --labels", Required = true };
        var command = new Command("merge", "Join the label files of `l2pd train-filter --shard I/N` runs into one, which a run with --labels fits on without decoding") { files, output };
        CommandAction.Set(command, (parse, io) =>
        {
            int prompts = Learn2PD.Train.Oracle.LabelRecordFile.Merge(parse.GetValue(files)!, parse.GetValue(output)!);
            io.Out.WriteLine($"merged {prompts} prompts' labels into {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
