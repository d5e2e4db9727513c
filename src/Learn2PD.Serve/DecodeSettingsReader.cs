using System.Text.Json;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;

namespace Learn2PD.Serve;

/// <summary>
/// A request's decoding settings: OpenAI's max_tokens and the server's extra fields (policy, threshold,
/// accept_threshold, eotp, cache, block_length), each left out falling back to <see cref="ServeDefaults"/>.
/// The method comes from the registry (<see cref="DecodingMethods.Compose"/>), as <c>l2pd decode</c> builds it.
/// </summary>
internal static class DecodeSettingsReader
{
    /// <summary>OpenAI options this server cannot honour, accepted only at the value that changes nothing.</summary>
    private static readonly (string Name, Func<JsonElement, bool> IsNoOp, string Why)[] Unsupported =
    [
        ("n", v => IsNumber(v, 1), "one choice per request"),
        ("best_of", v => IsNumber(v, 1), "one choice per request"),
        ("temperature", v => IsNumber(v, 0), "decoding is greedy (argmax), as l2pd decode's default; use 0"),
        ("top_p", v => IsNumber(v, 1), "decoding is greedy (argmax); use 1"),
        ("presence_penalty", v => IsNumber(v, 0), "use 0"),
        ("frequency_penalty", v => IsNumber(v, 0), "use 0"),
        ("stop", v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0, "the answer ends at end-of-text"),
        ("logprobs", v => v.ValueKind == JsonValueKind.False || IsNumber(v, 0), "no log-probabilities are returned"),
        ("top_logprobs", v => IsNumber(v, 0), "no log-probabilities are returned"),
        ("echo", v => v.ValueKind == JsonValueKind.False, "the prompt is not echoed"),
        ("suffix", v => v.ValueKind == JsonValueKind.String && v.GetString() == "", "no insertion"),
        ("logit_bias", v => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any(), "no logit bias"),
        ("tools", v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0, "no tool calls"),
    ];

    public static (DecodeSettings Settings, int MaxTokens) Read(RequestBody body, ServedModel model, ServeOptions limits, params string[] maxTokensFields)
    {
        foreach (var (name, isNoOp, why) in Unsupported)
        {
            if (body.Get(name) is { } value && !isNoOp(value))
                throw ApiError.BadRequest($"'{name}' {value.GetRawText()} is not supported by this server ({why})", name);
        }
        int maxTokens = MaxTokens(body, limits, maxTokensFields);

        var fallback = model.DefaultMethod;
        var policy = body.String("policy") is { } policyName ? Policy(policyName) : fallback.Policy;
        bool eotp = body.Bool("eotp") ?? fallback.EndOfTextPrediction;
        var cache = body.String("cache") is { } cacheName ? Cache(cacheName) : fallback.Cache;
        int block = body.Int("block_length") ?? ServeDefaults.BlockLength;
        if (block <= 0) throw ApiError.BadRequest($"'block_length' must be positive (got {block})", "block_length");
        double? threshold = Probability(body, "threshold");
        double? accept = Probability(body, "accept_threshold");
        // A setting the chosen policy would ignore is a mistake, not a no-op (as in l2pd decode).
        if (threshold is not null && policy != PolicyKind.Threshold)
            throw ApiError.BadRequest("'threshold' is only used with policy threshold", "threshold");
        if (accept is not null && policy != PolicyKind.Filter)
            throw ApiError.BadRequest("'accept_threshold' is only used with policy filter", "accept_threshold");
        if (policy == PolicyKind.Filter)
        {
            var filter = model.Filter ?? throw ApiError.BadRequest("policy filter needs a Learn2PD filter and this server has none (start it with --filter FILE)", "policy");
            if (filter.Filter.BlockLength is int width && width != block)
                throw ApiError.BadRequest($"the server's filter reads blocks of {width} confidences but 'block_length' is {block}", "block_length");
        }
        // The parameter in effect, so that equal settings make equal batching keys.
        double? parameter = policy switch
        {
            PolicyKind.Threshold => threshold ?? ThresholdPolicy.FastDllmThreshold,
            PolicyKind.Filter => accept ?? model.Filter!.AcceptThreshold,
            _ => null,
        };
        var method = DecodingMethods.Compose(policy, eotp, cache, parameter);
        int genLength = (maxTokens + block - 1) / block * block;
        var options = method.Configure(new DecodeOptions { GenLength = genLength, BlockLength = block, Steps = genLength });
        return (new DecodeSettings(method, options), maxTokens);
    }

    private static int MaxTokens(RequestBody body, ServeOptions limits, string[] fields)
    {
        foreach (string field in fields)
        {
            if (body.Int(field) is not int value) continue;
            if (value <= 0) throw ApiError.BadRequest($"'{field}' must be positive (got {value})", field);
            if (value > limits.MaxTokensLimit)
                throw ApiError.BadRequest($"'{field}' is {value} but this server generates at most {limits.MaxTokensLimit} tokens (--max-tokens-limit)", field);
            return value;
        }
        return Math.Min(ServeDefaults.MaxTokens, limits.MaxTokensLimit);
    }

    private static PolicyKind Policy(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fixed" => PolicyKind.Fixed,
        "threshold" => PolicyKind.Threshold,
        "filter" => PolicyKind.Filter,
        "oracle" => throw ApiError.BadRequest("policy 'oracle' is not available on a server: it needs the reference answer", "policy"),
        _ => throw ApiError.BadRequest($"unknown policy '{name}'; use fixed, threshold or filter", "policy"),
    };

    private static CacheKind Cache(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" => CacheKind.None,
        "prefix" => CacheKind.Prefix,
        "dual" => CacheKind.Dual,
        _ => throw ApiError.BadRequest($"unknown cache '{name}'; use none, prefix or dual", "cache"),
    };

    private static double? Probability(RequestBody body, string name) =>
        body.Number(name) is double value ? ApiError.BadRequestOnFailure(() => DecodingMethods.CheckParameter(value, $"'{name}'"), name) : null;

    private static bool IsNumber(JsonElement value, double expected) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() == expected;
}
