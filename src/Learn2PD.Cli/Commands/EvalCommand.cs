using System.CommandLine;
using Learn2PD.Eval.Reports;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Text;
using Learn2PD.Eval;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd eval</c>: binds the options to an <see cref="EvalRequest"/>, runs <see cref="EvalPipeline"/>,
/// prints the table and draws speedup.png.
/// </summary>
internal static class EvalCommand
{
    public static readonly string Description =
        "Benchmark the decoding methods side by side: accuracy, NFE, latency, tokens/s, tokens per forward (TPF), " +
        "speed-up over the one-token-per-step baseline (by NFE and by wall time), agreement with the baseline's answers, " +
        "and AUP per generation length. Each sample is decoded alone (batch 1). tokens/s counts the answer tokens that are " +
        "not end-of-text, over the decode's wall time (as the papers count); TPF counts every answer token committed " +
        "(end-of-text included, a tail cut off by end-of-text prediction excluded) per forward, so the baseline's is 1. " +
        "Writes DIR/results.md, DIR/results.json and DIR/speedup.png; per-sample records go to DIR/samples.jsonl as they " +
        "finish, so rerunning the same command resumes a killed run. With no options: the embedded model and filter on " +
        $"the arithmetic test split, every method, gen length {EvalRequest.DefaultGenLength} ({EvalRequest.DefaultShortLimit} samples; about five minutes on 2 CPU cores). " +
        "AUP (accuracy under parallelism) is computed over the methods run at each length, the oracle excluded. Methods: " +
        string.Join("; ", DecodingMethods.All.Select(m => $"{m.Name}: {m.Description}")) +
        ". A threshold or l2p method may carry its parameter: threshold@0.95 (τ), l2p+eotp@0.99 (τ_f).";

    public static Command Create()
    {
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var seed = SeedOption.Create("few-shot draws, sampling");
        var endOfText = new EndOfTextOptions();
        var filter = new Option<string?>("--filter") { Description = "Learn2PD filter (.safetensors or .pth; default: filter.safetensors in the model directory)" };
        var acceptThreshold = new Option<double?>("--accept-threshold") { Description = "τ_f of l2p methods without @ (default: suggested_threshold in the filter's .json sidecar, else 0.9)" };
        var data = new Option<string?>("--data") { Description = "JSONL data: GSM8K {\"question\", \"answer\"} (lm-eval gsm8k prompt and scorers) or {\"prompt\", \"answer\"} (exact match of the trimmed generation)" };
        var task = new Option<string?>("--task") { Description = "Built-in data instead of --data: arith (the arithmetic task's test split; the default)" };
        task.AcceptOnlyFromAmong("arith");
        var limit = new Option<string?>("--limit") { Description = $"Samples per generation length: N for all, or one per --gen-length (default {EvalRequest.DefaultShortLimit} at gen ≤ 256, {EvalRequest.DefaultLongLimit} above; the first N items of the data)" };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods (each optionally @parameter) or 'all': {DecodingMethods.ValidNames} (baseline always runs)", DefaultValueFactory = _ => "all" };
        var genLength = new Option<string>("--gen-length") { Description = "Comma-separated generation lengths", DefaultValueFactory = _ => EvalRequest.DefaultGenLength.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var blockLength = new Option<int>("--block-length") { Description = "Semi-autoregressive block length (must equal the filter's)", DefaultValueFactory = _ => 32 };
        var shots = new Option<int>("--shots") { Description = "k-shot examples before each GSM8K question (drawn per item with --seed)", DefaultValueFactory = _ => 0 };
        var fewShotData = new Option<string?>("--fewshot-data") { Description = "JSONL of solved {\"question\", \"answer\"} examples for --shots (default with --task arith: its train split)" };
        var chatTemplate = new Option<ChatMode>("--chat-template") { Description = "auto (use the tokenizer's chat template when it has one; the whole prompt as one user message), on or off", DefaultValueFactory = _ => ChatMode.Auto };
        var metric = new Option<EvalMetric>("--metric") { Description = "GSM8K accuracy column: strict (strict-match) or flexible (flexible-extract); both are in results.json", DefaultValueFactory = _ => EvalMetric.Strict };
        var output = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => Path.Combine("runs", "eval") };
        var sweep = new Option<string?>("--sweep")
        {
            Description = "Accuracy–speed frontiers: run each family over its parameter grid on the same samples (τ 0.5–0.99 for threshold families, the filter's τ_f grid for l2p ones), plus the oracle. " +
                "Alone: every family (prefix-cache variants left out); or a comma-separated list, e.g. --sweep threshold,l2p+eotp. Writes a frontier table, frontier-GEN.png and results.json's \"frontier\"",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var shard = new Option<string?>("--shard") { Description = "Decode only shard I of N (every N-th sample from I), e.g. --shard 0/4 on each of four machines; join the outputs with `l2pd eval merge`" };
        var fresh = new Option<bool>("--fresh") { Description = "Discard the records already in --out instead of resuming them" };

        var command = new Command("eval", Description)
        {
            filter, acceptThreshold, data, task, limit, methods, sweep, genLength, blockLength, shots, fewShotData, chatTemplate, metric, output, shard, fresh, seed,
        };
        command.Subcommands.Add(MergeCommand());
        model.AddTo(command);
        runtime.AddTo(command);
        endOfText.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            if (parse.GetValue(task) is not null && parse.GetValue(data) is not null) throw new Learn2PdException("pass --task or --data, not both");
            int block = parse.GetValue(blockLength);
            // With --sweep, --methods adds to the sweep only when given.
            var methodList = EvalRequest.ParseMethods(parse.GetResult(sweep) is not null && parse.GetResult(methods) is null or { Implicit: true }
                ? DecodingMethods.BaselineName : parse.GetValue(methods)!);
            var sweepList = parse.GetResult(sweep) is null ? [] : EvalRequest.ParseSweep(parse.GetValue(sweep));
            var (rule, ruleConfidence) = endOfText.Read(parse, methodList.Concat(sweepList).Any(m => m.EndOfTextPrediction), "a method with end-of-text prediction");
            var request = new EvalRequest
            {
                ModelDirectory = model.Directory(parse),
                EmbeddedModel = model.IsEmbedded(parse),
                FilterPath = parse.GetValue(filter),
                AcceptThreshold = parse.GetValue(acceptThreshold),
                Methods = methodList,
                Sweep = sweepList,
                EndOfTextRule = rule,
                EndOfTextConfidence = ruleConfidence,
                Lengths = EvalRequest.ParseLengths(parse.GetValue(genLength)!, parse.GetValue(limit), block),
                BlockLength = block,
                Data = new EvalDataOptions
                {
                    DataPath = parse.GetValue(data),
                    Shots = parse.GetValue(shots),
                    FewShotPath = parse.GetValue(fewShotData),
                    Chat = parse.GetValue(chatTemplate),
                    Seed = parse.GetValue(seed),
                },
                Metric = parse.GetValue(metric),
                OutDirectory = parse.GetValue(output)!,
                Fresh = parse.GetValue(fresh),
                Device = parse.GetValue(runtime.Device)!,
                DType = parse.GetValue(runtime.DType)!,
                Seed = parse.GetValue(seed),
                CommandLine = "l2pd " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                Shard = parse.GetValue(shard) is { } text ? Shard.Parse(text) : null,
            };
            runtime.Apply(parse);
            request = request with { Threads = runtime.AppliedThreads };
            using var cancel = ConsoleCancel.Create();
            var outcome = EvalPipeline.Run(request, new ProgressReporter(io.Error, TimeSpan.FromSeconds(15)), io.Error, cancel.Token);
            io.Out.Write(outcome.Markdown);
            WriteCharts(outcome, request.OutDirectory, io);
            return 0;
        });
        return command;
    }

    /// <summary>`l2pd eval merge DIR... --out DIR`: the shards of one sharded run as one run's results.</summary>
    private static Command MergeCommand()
    {
        var shards = new Argument<string[]>("shards") { Description = "The output directories of the shard runs (--shard 0/N ... N-1/N)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Directory for the merged samples.jsonl, results.md, results.json and charts", Required = true };
        var command = new Command("merge", "Join the outputs of `l2pd eval --shard I/N` runs into one run's samples.jsonl, results.md, results.json and charts") { shards, output };
        CommandAction.Set(command, (parse, io) =>
        {
            var outcome = EvalPipeline.Merge(parse.GetValue(shards)!, parse.GetValue(output)!, io.Error);
            io.Out.Write(outcome.Markdown);
            WriteCharts(outcome, parse.GetValue(output)!, io);
            return 0;
        });
        return command;
    }

    private static void WriteCharts(EvalOutcome outcome, string outDirectory, CommandIo io)
    {
        SpeedupChart.Write(Path.Combine(outDirectory, EvalReport.ChartFile), outcome.Results, outcome.MetricName);
        var charts = new List<string> { EvalReport.ChartFile };
        foreach (int gen in outcome.Frontiers.Select(f => f.GenLength).Distinct())
        {
            var oracle = outcome.Results.FirstOrDefault(r => r.GenLength == gen && r.Method == "oracle");
            FrontierChart.Write(Path.Combine(outDirectory, FrontierChart.FileName(gen)), gen, outcome.Frontiers, oracle, outcome.MetricName);
            charts.Add(FrontierChart.FileName(gen));
        }
        io.Error.WriteLine($"wrote {Path.Combine(outDirectory, EvalReport.MarkdownFile)}, {EvalReport.JsonFile}, {string.Join(", ", charts)}");
    }
}
