using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;
using Learn2PD.Train.FilterTraining;

namespace Learn2PD.Cli.Commands;

/// <summary>`l2pd decode`: one prompt through any commit policy, cache and EoTP setting.</summary>
internal static class DecodeCommand
{
    private static readonly string[] Policies = ["fixed", "threshold", "filter", "oracle"];
    private static readonly string[] Caches = ["none", "prefix", "dual"];

    public static Command Create()
    {
        var common = new CommonOptions();
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text, through the model's tokenizer (the embedded model frames a bare question as \"Question: ...\\nAnswer:\")" };
        var chat = new Option<bool>("--chat") { Description = "Wrap --prompt in the model's chat template (instruct models)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed)" };
        var genLength = new Option<int>("--gen-length") { Description = "Tokens to generate (a multiple of --block-length)", DefaultValueFactory = _ => 256 };
        var blockLength = new Option<int>("--block-length") { Description = "Block size of semi-autoregressive decoding", DefaultValueFactory = _ => 32 };
        var steps = new Option<int?>("--steps") { Description = "Steps of the fixed schedule, split evenly over blocks (default: --gen-length, one token per step)" };
        var policy = new Option<string>("--policy") { Description = "fixed (LLaDA), threshold (Fast-dLLM), filter (Learn2PD) or oracle (upper bound)", DefaultValueFactory = _ => "fixed" };
        var threshold = new Option<double>("--threshold") { Description = "Confidence threshold τ of --policy threshold", DefaultValueFactory = _ => 0.9 };
        var filter = new Option<string?>("--filter") { Description = "Learn2PD filter (.safetensors or the authors' .pth); default: the embedded model's filter" };
        var acceptThreshold = new Option<double?>("--accept-threshold") { Description = "Filter acceptance threshold τ_f (default: the filter's suggested value, else 0.9)" };
        var referenceIds = new Option<string?>("--reference-ids") { Description = "Reference answer ids for --policy oracle (default: the baseline's own answer, decoded first)" };
        var eotp = new Option<bool>("--eotp") { Description = "End-of-text prediction: stop decoding the padding after the answer" };
        var cache = new Option<string>("--cache") { Description = "KV cache: none, prefix or dual (Fast-dLLM)", DefaultValueFactory = _ => "none" };
        var refinement = new Option<string>("--refinement") { Description = "Cache refinement loop: check-first, or do-while (Fast-dLLM's first release, one extra forward when a block fills at its first step)", DefaultValueFactory = _ => "check-first" };
        var remasking = new Option<string>("--remasking") { Description = "low_confidence or random", DefaultValueFactory = _ => "low_confidence" };
        var temperature = new Option<double>("--temperature") { Description = "0 for argmax; above 0, Gumbel-max sampling", DefaultValueFactory = _ => 0.0 };
        var cfgScale = new Option<double>("--cfg-scale") { Description = "Classifier-free guidance scale (0 = off; needs --cache none)", DefaultValueFactory = _ => 0.0 };
        var output = new Option<string>("--output") { Description = "text (answer and a stats line) or json (one line)", DefaultValueFactory = _ => "text" };
        var trace = new Option<string?>("--trace") { Description = "Write every step (positions, predictions, confidences, commits) as JSON lines to this file" };

        var command = new Command("decode", "Decode one prompt with a commit policy (fixed, threshold, filter, oracle), optional EoTP and KV cache")
        {
            prompt, chat, promptIds, genLength, blockLength, steps, policy, threshold, filter, acceptThreshold, referenceIds,
            eotp, cache, refinement, remasking, temperature, cfgScale, output, trace,
        };
        common.AddTo(command);
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string policyName = OneOf(parse.GetValue(policy)!, Policies, "--policy");
            string outputKind = OneOf(parse.GetValue(output)!, ["text", "json"], "--output");
            int gen = parse.GetValue(genLength);
            var options = new DecodeOptions
            {
                GenLength = gen,
                BlockLength = parse.GetValue(blockLength),
                Steps = parse.GetValue(steps) ?? gen,
                EndOfTextPrediction = parse.GetValue(eotp),
                Cache = OneOf(parse.GetValue(cache)!, Caches, "--cache") switch { "prefix" => CacheKind.Prefix, "dual" => CacheKind.Dual, _ => CacheKind.None },
                Refinement = OneOf(parse.GetValue(refinement)!, ["check-first", "do-while"], "--refinement") == "do-while" ? RefinementLoop.DoWhile : RefinementLoop.CheckFirst,
                Remasking = OneOf(parse.GetValue(remasking)!, ["low_confidence", "random"], "--remasking") == "random" ? Remasking.Random : Remasking.LowConfidence,
                Temperature = parse.GetValue(temperature),
                CfgScale = parse.GetValue(cfgScale),
                Seed = parse.GetValue(common.Seed),
            }.Validate();
            double tau = Probability(parse.GetValue(threshold), "--threshold");
            if (parse.GetValue(prompt) is null == parse.GetValue(promptIds) is null)
                throw new Learn2PdException("give exactly one of --prompt TEXT or --prompt-ids 1,2,3");
            if (policyName == "filter" && parse.GetValue(filter) is null && !common.IsEmbeddedModel(parse))
                throw new Learn2PdException("--policy filter needs --filter FILE for a model other than the embedded one");

            var loaded = common.LoadModel(parse);
            var model = loaded.Model;
            int[] promptTokens = PromptTokens(parse.GetValue(prompt), parse.GetValue(chat), parse.GetValue(promptIds), loaded.Tokenizer, model.Config,
                common.IsEmbeddedModel(parse));
            if (promptTokens.Length == 0) throw new Learn2PdException("the prompt is empty");
            if (promptTokens.Length + gen > model.Config.MaxSequenceLength)
                throw new Learn2PdException($"prompt ({promptTokens.Length} tokens) + --gen-length {gen} exceeds the model's maximum length {model.Config.MaxSequenceLength}");

            var decoder = new BlockDecoder(model);
            ICommitPolicy commitPolicy = policyName switch
            {
                "threshold" => new ThresholdPolicy(tau),
                "filter" => FilterPolicyFor(parse.GetValue(filter) ?? EmbeddedModel.FilterPath, parse.GetValue(acceptThreshold), options.BlockLength),
                "oracle" => new OraclePolicy([ReferenceFor(parse.GetValue(referenceIds), decoder, promptTokens, options, model.Config)], model.Config.EosTokenId),
                _ => new FixedSchedulePolicy(),
            };

            using var traceWriter = parse.GetValue(trace) is string tracePath ? new StreamWriter(tracePath) : null;
            Action<StepTrace>? onStep = traceWriter is null ? null : t => traceWriter.WriteLine(JsonSerializer.Serialize(t));
            var result = decoder.Decode([promptTokens], options, commitPolicy, onStep);
            var row = result.Rows[0];
            string text = loaded.Tokenizer?.Decode(row.AnswerIds.Select(id => (int)id), skipSpecialTokens: true) ?? "";
            int tokens = row.AnswerIds.Count(id => id != model.Config.EosTokenId);
            double seconds = result.Elapsed.TotalSeconds;
            if (outputKind == "json")
            {
                var json = new JsonObject
                {
                    ["ids"] = new JsonArray(row.AnswerIds.Select(id => (JsonNode)id).ToArray()),
                    ["text"] = text,
                    ["nfe"] = row.Nfe,
                    ["tokens"] = tokens,
                    ["seconds"] = Math.Round(seconds, 4),
                    ["tokens_per_second"] = Math.Round(tokens / Math.Max(seconds, 1e-9), 2),
                    ["policy"] = policyName,
                    ["cache"] = parse.GetValue(cache),
                    ["eotp"] = options.EndOfTextPrediction,
                };
                Console.WriteLine(json.ToJsonString());
            }
            else
            {
                Console.WriteLine(loaded.Tokenizer is null ? string.Join(",", row.AnswerIds) : text);
                Console.WriteLine(FormattableString.Invariant(
                    $"[NFE {row.Nfe} | {tokens} tokens | {seconds:F2} s | {tokens / Math.Max(seconds, 1e-9):F1} tokens/s | {policyName}{(options.EndOfTextPrediction ? "+eotp" : "")}, cache {parse.GetValue(cache)}]"));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Token ids of the prompt: --prompt-ids as given, or --prompt through the tokenizer (and chat template).</summary>
    private static int[] PromptTokens(string? text, bool chat, string? ids, LLaDATokenizer? tokenizer, LLaDAConfig config, bool embedded)
    {
        if (ids is not null) return ParseIds(ids, "--prompt-ids", config);
        if (tokenizer is null) throw new Learn2PdException("this model has no tokenizer.json: pass --prompt-ids instead of --prompt");
        // The embedded model was trained on lm-eval's GSM8K format: a bare question gets that frame.
        if (embedded && !text!.Contains("Answer:", StringComparison.Ordinal)) text = GsmPrompt.FormatQuery(text.Trim());
        if (!chat) return tokenizer.Encode(text!).ToArray();
        if (!tokenizer.HasChatTemplate) throw new Learn2PdException("--chat: this model has no chat template (tokenizer_config.json has no chat_template)");
        return tokenizer.EncodeChat([new ChatMessage("user", text!)]).ToArray();
    }

    private static long[] ReferenceFor(string? ids, BlockDecoder decoder, int[] prompt, DecodeOptions options, LLaDAConfig config)
    {
        if (ids is not null) return ParseIds(ids, "--reference-ids", config).Select(i => (long)i).ToArray();
        // The oracle's reference is the model's own answer: the baseline decode, one token per step.
        var baseline = options with { Steps = options.GenLength, EndOfTextPrediction = false, Cache = CacheKind.None };
        return decoder.Decode([prompt], baseline, new FixedSchedulePolicy()).Rows[0].AnswerIds;
    }

    internal static FilterPolicy FilterPolicyFor(string path, double? acceptThreshold, int blockLength)
    {
        var filter = FilterFile.Load(path);
        if (filter.BlockLength != blockLength)
            throw new Learn2PdException($"{path}: the filter reads {filter.BlockLength} confidences but --block-length is {blockLength}");
        double tau = acceptThreshold ?? FilterSidecar.SuggestedThresholdFor(path) ?? 0.9;
        return new FilterPolicy(filter, Probability(tau, "--accept-threshold"));
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

    internal static string OneOf(string value, IReadOnlyList<string> allowed, string option)
    {
        string normal = value.Trim().ToLowerInvariant();
        return allowed.Contains(normal) ? normal
            : throw new Learn2PdException($"{option} must be one of {string.Join(", ", allowed)} (got '{value}')");
    }

    internal static double Probability(double value, string option) =>
        value is > 0 and <= 1 ? value : throw new Learn2PdException($"{option} must be in (0, 1] (got {value.ToString(CultureInfo.InvariantCulture)})");
}
