using System.CommandLine;
using System.Text.Json;
using Learn2PD.Eval.Reports;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Commands;

/// <summary>`l2pd decode`: one prompt through any commit policy, cache and EoTP setting.</summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var seed = SeedOption.Create();
        var endOfText = new EndOfTextOptions();
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text, through the model's tokenizer (the embedded model frames a bare question as \"Question: ...\\nAnswer:\")" };
        var chat = new Option<bool>("--chat") { Description = "Wrap --prompt in the model's chat template (instruct models)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed)" };
        var genLength = new Option<int>("--gen-length") { Description = "Tokens to generate (a multiple of --block-length)", DefaultValueFactory = _ => 256 };
        var blockLength = new Option<int>("--block-length") { Description = "Block size of semi-autoregressive decoding", DefaultValueFactory = _ => 32 };
        var steps = new Option<int?>("--steps") { Description = "Steps of the fixed schedule, split evenly over blocks (default: --gen-length, one token per step)" };
        var policy = new Option<string>("--policy")
        {
            Description = "fixed (LLaDA), threshold (Fast-dLLM), filter (Learn2PD), oracle (upper bound), or one of Dream's own: "
                + string.Join(", ", DreamAlgorithm.All.Select(a => $"{a.Name} ({a.Description})")),
            DefaultValueFactory = _ => "fixed",
        };
        policy.AcceptOnlyFromAmong([.. PolicyNames, .. DreamAlgorithm.All.Select(a => a.Name)]);
        var topP = new Option<double?>("--top-p") { Description = "Dream's nucleus filter before the softmax: changes confidences, not the argmax" };
        var topK = new Option<int?>("--top-k") { Description = "Dream's top-k filter before the softmax: changes confidences, not the argmax" };
        var threshold = new Option<double>("--threshold") { Description = "Confidence threshold τ of --policy threshold", DefaultValueFactory = _ => ThresholdPolicy.FastDllmThreshold };
        var filter = new Option<string?>("--filter") { Description = "Learn2PD filter for --policy filter (.safetensors or the authors' .pth); default: the embedded model's filter" };
        var acceptThreshold = new Option<double?>("--accept-threshold") { Description = $"τ_f of --policy filter (default: the filter's suggested value, else {FilterLoader.DefaultAcceptThreshold})" };
        var referenceIds = new Option<string?>("--reference-ids") { Description = "Reference answer ids for --policy oracle (default: the baseline's own answer, decoded first)" };
        var eotp = new Option<bool>("--eotp") { Description = "End-of-text prediction: stop decoding the padding after the answer" };
        var cache = new Option<CacheKind>("--cache") { Description = "KV cache: none, prefix or dual (Fast-dLLM)", DefaultValueFactory = _ => CacheKind.None };
        var reference = new Option<bool>("--reference-cache") { Description = "With --eotp --cache dual: keep attending to the positions an end-of-text cut removed, as the reference does (default: trim them)" };
        var refinement = new Option<string>("--refinement") { Description = "Cache refinement loop: check-first, or do-while (Fast-dLLM's first release, one extra forward when a block fills at its first step)", DefaultValueFactory = _ => "check-first" };
        refinement.AcceptOnlyFromAmong("check-first", "do-while");
        var remasking = new Option<string>("--remasking") { Description = "low_confidence or random", DefaultValueFactory = _ => "low_confidence" };
        remasking.AcceptOnlyFromAmong("low_confidence", "random");
        var temperature = new Option<double>("--temperature") { Description = "0 for argmax; above 0, Gumbel-max sampling", DefaultValueFactory = _ => 0.0 };
        var cfgScale = new Option<double>("--cfg-scale") { Description = "Classifier-free guidance scale (0 = off; needs --cache none)", DefaultValueFactory = _ => 0.0 };
        var input = new Option<string?>("--input") { Description = "Decode a JSONL file of prompts, lines {\"prompt\": \"...\"} or {\"prompt_ids\": [1, 2, 3]}; one output line per input line, in order (use with --output jsonl)" };
        var batchSize = new Option<int>("--batch-size") { Description = "With --input: prompts decoded together (left-padded rows; each row's answer equals its batch-1 decode)", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "text (answer and a stats line), json (one line) or jsonl (one line per prompt, with --input)", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json", "jsonl");
        var stream = new Option<bool>("--stream") { Description = "Show the canvas as it fills: redrawn in place on a terminal, one line per step otherwise" };
        var trace = new Option<string?>("--trace") { Description = "Write every step (positions, predictions, confidences, commits) as JSON lines to this file" };
        var traceHtml = new Option<string?>("--trace-html") { Description = "Write one self-contained HTML page showing the answer with each token coloured by the step that committed it, the end-of-text cut, and every step's commits" };

        var command = new Command("decode", "Decode one prompt with a commit policy (fixed, threshold, filter, oracle), optional EoTP and KV cache")
        {
            prompt, chat, promptIds, genLength, blockLength, steps, policy, threshold, filter, acceptThreshold, referenceIds,
            eotp, cache, reference, refinement, remasking, temperature, cfgScale, topP, topK, input, batchSize, output, stream, trace, traceHtml, seed,
        };
        model.AddTo(command);
        runtime.AddTo(command);
        endOfText.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            var algorithm = DreamAlgorithm.Find(parse.GetValue(policy)!);
            var policyKind = algorithm?.Policy ?? Enum.Parse<PolicyKind>(parse.GetValue(policy)!, ignoreCase: true);
            // Options the chosen policy would ignore are mistakes, not no-ops.
            CommandAction.RequireFor(parse, threshold, policyKind == PolicyKind.Threshold, "--policy threshold");
            CommandAction.RequireFor(parse, filter, policyKind == PolicyKind.Filter, "--policy filter");
            CommandAction.RequireFor(parse, acceptThreshold, policyKind == PolicyKind.Filter, "--policy filter");
            CommandAction.RequireFor(parse, referenceIds, policyKind == PolicyKind.Oracle, "--policy oracle");
            CommandAction.RequireFor(parse, reference, parse.GetValue(eotp) && parse.GetValue(cache) == CacheKind.Dual, "--eotp --cache dual");
            int gen = parse.GetValue(genLength);
            var (rule, ruleConfidence) = endOfText.Read(parse, parse.GetValue(eotp), "--eotp");
            var options = new DecodeOptions
            {
                GenLength = gen,
                BlockLength = parse.GetValue(blockLength),
                Steps = parse.GetValue(steps) ?? gen,
                EndOfTextPrediction = parse.GetValue(eotp),
                EndOfTextRule = rule,
                EndOfTextConfidence = ruleConfidence,
                Cache = parse.GetValue(cache),
                TrimCacheAtCut = !parse.GetValue(reference),
                Refinement = parse.GetValue(refinement) == "do-while" ? RefinementLoop.DoWhile : RefinementLoop.CheckFirst,
                Remasking = parse.GetValue(remasking) == "random" ? Remasking.Random : Remasking.LowConfidence,
                Temperature = parse.GetValue(temperature),
                CfgScale = parse.GetValue(cfgScale),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                Seed = parse.GetValue(seed),
            };
            options = (algorithm?.Configure(options) ?? options).Validate();
            double? parameter = policyKind switch
            {
                PolicyKind.Threshold => DecodingMethods.CheckParameter(parse.GetValue(threshold), "--threshold"),
                PolicyKind.Filter => parse.GetValue(acceptThreshold) is { } t ? DecodingMethods.CheckParameter(t, "--accept-threshold") : null,
                _ => null,
            };
            var method = DecodingMethods.Compose(policyKind, options.EndOfTextPrediction, options.Cache, parameter);
            string outputKind = parse.GetValue(output)!;
            bool many = PromptInput.CheckSources(parse.GetValue(prompt), parse.GetValue(promptIds), parse.GetValue(input), outputKind,
                parse.GetValue(batchSize), parse.GetValue(stream) || parse.GetValue(traceHtml) is not null);
            CommandAction.RequireFor(parse, batchSize, many, "--input");
            if (policyKind == PolicyKind.Filter && parse.GetValue(filter) is null && !model.IsEmbedded(parse))
                throw new Learn2PdException("--policy filter needs --filter FILE for a model other than the embedded one");
            var filterInput = policyKind == PolicyKind.Filter ? FilterLoader.Load(parse.GetValue(filter) ?? EmbeddedModel.FilterPath, parameter, options.BlockLength) : null;

            var (device, dtype) = runtime.Apply(parse);
            var loaded = model.Load(parse, device, dtype);
            var config = loaded.Model.Config;
            var prompts = PromptInput.All(parse.GetValue(prompt), parse.GetValue(promptIds), parse.GetValue(input), parse.GetValue(chat), loaded.Tokenizer, config, model.IsEmbedded(parse), io.Error);
            if (prompts.Max(p => p.Length) + gen > config.MaxSequenceLength)
                throw new Learn2PdException($"prompt ({prompts.Max(p => p.Length)} tokens) + --gen-length {gen} exceeds the model's maximum length {config.MaxSequenceLength}");

            var decoder = new BlockDecoder(loaded.Model);
            using var traceWriter = parse.GetValue(trace) is string tracePath ? new StreamWriter(tracePath) : null;
            var traced = new List<StepTrace>();
            var canvas = parse.GetValue(stream) && loaded.Tokenizer is not null ? new CanvasStream(io.Out, loaded.Tokenizer, config, gen) : null;
            Action<StepTrace>? onStep = traceWriter is null && canvas is null && parse.GetValue(traceHtml) is null ? null : t =>
            {
                traceWriter?.WriteLine(JsonSerializer.Serialize(t, TraceJson));
                canvas?.Show(t);
                traced.Add(t);
            };
            var referenceAnswer = parse.GetValue(referenceIds) is { } given ? PromptIds.Parse(given, config, "--reference-ids").Select(i => (long)i).ToArray() : null;
            var rows = BatchedDecode.Run(decoder, prompts, parse.GetValue(batchSize), options, method, filterInput, referenceAnswer, onStep);
            canvas?.Finish();
            if (parse.GetValue(traceHtml) is string htmlPath)
                TraceHtml.Write(htmlPath, traced, rows[0].Row, loaded.Tokenizer, config, method.Id, gen);

            var format = new DecodeOutput(outputKind != "text", loaded.Tokenizer, config.EosTokenId, parse.GetValue(policy)!.ToLowerInvariant(),
                options.EndOfTextPrediction, options.Cache, many ? parse.GetValue(batchSize) : null);
            foreach (var (row, seconds) in rows) format.Write(io.Out, row, seconds);
            return 0;
        });
        return command;
    }

    /// <summary>The policies of this project's own methods, as <c>--policy</c> spells them.</summary>
    private static readonly string[] PolicyNames = ["fixed", "threshold", "filter", "oracle"];

    /// <summary>Trace lines in snake_case, like every other JSON l2pd writes.</summary>
    private static readonly JsonSerializerOptions TraceJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
