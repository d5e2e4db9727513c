using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text, through the model's tokenizer (the embedded model frames a bare question as \"Question: ...\\nAnswer:\")" };
        var chat = new Option<bool>("--chat") { Description = "Wrap --prompt in the model's chat template (instruct models)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed)" };
        var genLength = new Option<int>("--gen-length") { Description = "Tokens to generate (a multiple of --block-length)", DefaultValueFactory = _ => 256 };
        var blockLength = new Option<int>("--block-length") { Description = "Block size of semi-autoregressive decoding", DefaultValueFactory = _ => 32 };
        var steps = new Option<int?>("--steps") { Description = "Steps of the fixed schedule, split evenly over blocks (default: --gen-length, one token per step)" };
        var policy = new Option<PolicyKind>("--policy") { Description = "fixed (LLaDA), threshold (Fast-dLLM), filter (Learn2PD) or oracle (upper bound)", DefaultValueFactory = _ => PolicyKind.Fixed };
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
        var output = new Option<string>("--output") { Description = "text (answer and a stats line) or json (one line)", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var trace = new Option<string?>("--trace") { Description = "Write every step (positions, predictions, confidences, commits) as JSON lines to this file" };

        var command = new Command("decode", "Decode one prompt with a commit policy (fixed, threshold, filter, oracle), optional EoTP and KV cache")
        {
            prompt, chat, promptIds, genLength, blockLength, steps, policy, threshold, filter, acceptThreshold, referenceIds,
            eotp, cache, reference, refinement, remasking, temperature, cfgScale, output, trace, seed,
        };
        model.AddTo(command);
        runtime.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            var policyKind = parse.GetValue(policy);
            // Options the chosen policy would ignore are mistakes, not no-ops.
            RequireFor(parse, threshold, policyKind == PolicyKind.Threshold, "--policy threshold");
            RequireFor(parse, filter, policyKind == PolicyKind.Filter, "--policy filter");
            RequireFor(parse, acceptThreshold, policyKind == PolicyKind.Filter, "--policy filter");
            RequireFor(parse, referenceIds, policyKind == PolicyKind.Oracle, "--policy oracle");
            RequireFor(parse, reference, parse.GetValue(eotp) && parse.GetValue(cache) == CacheKind.Dual, "--eotp --cache dual");
            int gen = parse.GetValue(genLength);
            var options = new DecodeOptions
            {
                GenLength = gen,
                BlockLength = parse.GetValue(blockLength),
                Steps = parse.GetValue(steps) ?? gen,
                EndOfTextPrediction = parse.GetValue(eotp),
                Cache = parse.GetValue(cache),
                TrimCacheAtCut = !parse.GetValue(reference),
                Refinement = parse.GetValue(refinement) == "do-while" ? RefinementLoop.DoWhile : RefinementLoop.CheckFirst,
                Remasking = parse.GetValue(remasking) == "random" ? Remasking.Random : Remasking.LowConfidence,
                Temperature = parse.GetValue(temperature),
                CfgScale = parse.GetValue(cfgScale),
                Seed = parse.GetValue(seed),
            }.Validate();
            double? parameter = policyKind switch
            {
                PolicyKind.Threshold => Probability(parse.GetValue(threshold), "--threshold"),
                PolicyKind.Filter => parse.GetValue(acceptThreshold) is { } t ? FilterLoader.CheckThreshold(t, "--accept-threshold") : null,
                _ => null,
            };
            var method = DecodingMethods.Compose(policyKind, options.EndOfTextPrediction, options.Cache, parameter);
            if (parse.GetValue(prompt) is null == parse.GetValue(promptIds) is null)
                throw new Learn2PdException("give exactly one of --prompt TEXT or --prompt-ids 1,2,3");
            if (policyKind == PolicyKind.Filter && parse.GetValue(filter) is null && !model.IsEmbedded(parse))
                throw new Learn2PdException("--policy filter needs --filter FILE for a model other than the embedded one");
            var filterInput = policyKind == PolicyKind.Filter
                ? FilterLoader.Load(parse.GetValue(filter) ?? EmbeddedModel.FilterPath, parameter, options.BlockLength)
                : null;

            var (device, dtype) = runtime.Apply(parse);
            var loaded = model.Load(parse, device, dtype);
            var config = loaded.Model.Config;
            int[] promptTokens = PromptTokens(parse.GetValue(prompt), parse.GetValue(chat), parse.GetValue(promptIds), loaded.Tokenizer, config,
                model.IsEmbedded(parse));
            if (promptTokens.Length + gen > config.MaxSequenceLength)
                throw new Learn2PdException($"prompt ({promptTokens.Length} tokens) + --gen-length {gen} exceeds the model's maximum length {config.MaxSequenceLength}");

            var decoder = new BlockDecoder(loaded.Model);
            var references = policyKind == PolicyKind.Oracle
                ? new[] { ReferenceFor(parse.GetValue(referenceIds), decoder, promptTokens, options, config) }
                : null;
            var commitPolicy = method.CreatePolicy(new PolicyInputs(filterInput, references, config.EosTokenId));

            using var traceWriter = parse.GetValue(trace) is string tracePath ? new StreamWriter(tracePath) : null;
            Action<StepTrace>? onStep = traceWriter is null ? null : t => traceWriter.WriteLine(JsonSerializer.Serialize(t));
            var result = decoder.Decode([promptTokens], options, commitPolicy, onStep);
            var row = result.Rows[0];
            string text = loaded.Tokenizer?.Decode(row.AnswerIds.Select(id => (int)id), skipSpecialTokens: true) ?? "";
            int tokens = row.AnswerIds.Count(id => id != config.EosTokenId);
            double seconds = result.Elapsed.TotalSeconds;
            string cacheName = options.Cache.ToString().ToLowerInvariant();
            if (parse.GetValue(output) == "json")
            {
                var json = new JsonObject
                {
                    ["ids"] = new JsonArray(row.AnswerIds.Select(id => (JsonNode)id).ToArray()),
                    ["text"] = text,
                    ["nfe"] = row.Nfe,
                    ["tokens"] = tokens,
                    ["seconds"] = Math.Round(seconds, 4),
                    ["tokens_per_second"] = Math.Round(tokens / Math.Max(seconds, 1e-9), 2),
                    ["policy"] = parse.GetValue(policy).ToString().ToLowerInvariant(),
                    ["cache"] = cacheName,
                    ["eotp"] = options.EndOfTextPrediction,
                };
                io.Out.WriteLine(json.ToJsonString());
            }
            else
            {
                io.Out.WriteLine(loaded.Tokenizer is null ? string.Join(",", row.AnswerIds) : text);
                io.Out.WriteLine(FormattableString.Invariant(
                    $"[NFE {row.Nfe} | {tokens} tokens | {seconds:F2} s | {tokens / Math.Max(seconds, 1e-9):F1} tokens/s | {parse.GetValue(policy).ToString().ToLowerInvariant()}{(options.EndOfTextPrediction ? "+eotp" : "")}, cache {cacheName}]"));
            }
            return 0;
        });
        return command;
    }

    /// <summary>An option given on the command line although the chosen setting does not use it is an error naming both.</summary>
    private static void RequireFor(ParseResult parse, Option option, bool used, string needs)
    {
        if (!used && parse.GetResult(option) is { Implicit: false })
            throw new Learn2PdException($"{option.Name} is only used with {needs}; remove it or add {needs}");
    }

    /// <summary>Token ids of the prompt: --prompt-ids as given, or --prompt through the tokenizer (and chat template).</summary>
    private static int[] PromptTokens(string? text, bool chat, string? ids, LLaDATokenizer? tokenizer, LLaDAConfig config, bool embedded)
    {
        if (ids is not null)
        {
            int[] parsed = ParseIds(ids, "--prompt-ids", config);
            if (parsed.Length == 0) throw new Learn2PdException("--prompt-ids is empty");
            if (Array.IndexOf(parsed, config.MaskTokenId) is int at and >= 0)
                throw new Learn2PdException($"--prompt-ids: id {config.MaskTokenId} at position {at + 1} is the mask token; a prompt cannot hold masks");
            return parsed;
        }
        if (string.IsNullOrWhiteSpace(text)) throw new Learn2PdException("--prompt is empty");
        if (tokenizer is null) throw new Learn2PdException("this model has no tokenizer.json: pass --prompt-ids instead of --prompt");
        if (embedded) text = EmbeddedModel.FrameQuestion(text);
        return new PromptEncoder(tokenizer, chat ? ChatMode.On : ChatMode.Off).Encode(text, "--prompt");
    }

    private static long[] ReferenceFor(string? ids, BlockDecoder decoder, int[] prompt, DecodeOptions options, LLaDAConfig config)
    {
        if (ids is not null) return ParseIds(ids, "--reference-ids", config).Select(i => (long)i).ToArray();
        // The oracle's reference is the model's own answer: the baseline decode, one token per step.
        var baseline = options with { Steps = options.GenLength, EndOfTextPrediction = false, Cache = CacheKind.None };
        return decoder.Decode([prompt], baseline, new FixedSchedulePolicy()).Rows[0].AnswerIds;
    }

    internal static int[] ParseIds(string text, string option, LLaDAConfig config)
    {
        var ids = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
                throw new Learn2PdException($"{option}: '{part}' is not a token id (expected comma-separated integers, e.g. 1,2,3)");
            if (id < 0 || id >= config.EmbeddingSize)
                throw new Learn2PdException($"{option}: token id {id} is outside the vocabulary (0..{config.EmbeddingSize - 1})");
            ids.Add(id);
        }
        return ids.ToArray();
    }

    internal static double Probability(double value, string option) =>
        value is > 0 and <= 1 ? value : throw new Learn2PdException($"{option} must be in (0, 1] (got {value.ToString(CultureInfo.InvariantCulture)})");
}
