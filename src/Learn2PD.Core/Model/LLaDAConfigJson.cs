using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Learn2PD.Core.Model;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> into an <see cref="LLaDAConfig"/>. Settings this
/// implementation does not support are refused when the file is read, with a message naming the
/// field, so a model never runs as something it is not.
/// </summary>
public static class LLaDAConfigJson
{
    private const int MaxDModel = 1 << 20, MaxLayers = 1024;

    public static LLaDAConfig Load(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, "config.json");
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: model config not found");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new Learn2PdException($"{path}: config is not a JSON object");
            return FromJson(json, path);
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: config is not valid JSON ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // E.g. a key written twice, which JsonObject only notices when first read.
            throw DamagedFile.Error(path, "damaged config", e);
        }
    }

    public static LLaDAConfig FromJson(JsonObject json, string source)
    {
        var f = new ConfigFields(json, source);

        f.Require("model_type", "llada", optional: true);
        f.Require("block_type", "llama");
        f.Require("layer_norm_type", "rms");
        f.Require("activation_type", "silu");
        f.RequireBool("rope", true);
        f.RequireBool("alibi", false, optional: true);
        f.RequireBool("rope_full_precision", true, optional: true);
        f.RequireBool("layer_norm_with_affine", true, optional: true);
        f.RequireBool("attention_layer_norm", false, optional: true);
        f.RequireBool("bias_for_layer_norm", false, optional: true);
        f.RequireBool("include_bias", false, optional: true);
        f.RequireBool("include_qkv_bias", false, optional: true);
        f.RequireBool("input_emb_norm", false, optional: true);
        f.RequireBool("scale_logits", false, optional: true);
        if (f.Int("block_group_size", 1) != 1) throw f.Unsupported("block_group_size", "only 1 is supported");

        // Far beyond any real model; a damaged number would otherwise build a skeleton for minutes or overflow it.
        int dModel = f.PositiveInt("d_model");
        if (dModel > MaxDModel) throw f.Unsupported("d_model", $"{dModel} is beyond any real model (at most {MaxDModel}); a damaged file?");
        int nLayers = f.PositiveInt("n_layers");
        if (nLayers > MaxLayers) throw f.Unsupported("n_layers", $"{nLayers} is beyond any real model (at most {MaxLayers}); a damaged file?");
        int nHeads = f.PositiveInt("n_heads");
        if (dModel % nHeads != 0) throw f.Unsupported("n_heads", $"{nHeads} heads do not divide d_model {dModel}");
        if ((dModel / nHeads) % 2 != 0) throw f.Unsupported("n_heads", $"head size {dModel / nHeads} is odd; RoPE needs it even");
        int? kv = f.OptionalInt("n_kv_heads");
        int nKvHeads = kv ?? (f.Bool("multi_query_attention", false) ? 1 : nHeads);
        if (nKvHeads <= 0 || nHeads % nKvHeads != 0)
            throw f.Unsupported("n_kv_heads", $"{nKvHeads} key/value heads do not divide {nHeads} heads");

        int mlpHidden = f.OptionalInt("mlp_hidden_size") ?? f.PositiveInt("mlp_ratio") * dModel;
        if (mlpHidden <= 0) throw f.Unsupported("mlp_hidden_size", "must be positive");
        int vocab = f.PositiveInt("vocab_size");
        int embedding = f.OptionalInt("embedding_size") ?? vocab;
        if (embedding < vocab) throw f.Unsupported("embedding_size", $"{embedding} is smaller than vocab_size {vocab}");

        int mask = f.PositiveIntOrZero("mask_token_id");
        int eos = f.PositiveIntOrZero("eos_token_id");
        int pad = f.OptionalInt("pad_token_id") ?? eos;
        foreach (var (name, id) in new[] { ("mask_token_id", mask), ("eos_token_id", eos), ("pad_token_id", pad) })
        {
            if (id >= embedding) throw f.Unsupported(name, $"{id} is outside the {embedding}-token embedding");
        }

        return new LLaDAConfig
        {
            DModel = dModel, NHeads = nHeads, NKvHeads = nKvHeads, NLayers = nLayers,
            MlpHiddenSize = mlpHidden, VocabSize = vocab, EmbeddingSize = embedding,
            MaxSequenceLength = f.PositiveInt("max_sequence_length"),
            RopeTheta = f.PositiveDouble("rope_theta"), RmsNormEps = f.PositiveDouble("rms_norm_eps"),
            WeightTying = f.Bool("weight_tying", false),
            MaskTokenId = mask, EosTokenId = eos, PadTokenId = pad,
        };
    }

    /// <summary>The config.json a config stands for, with LLaDA's fixed fields spelled out.</summary>
    public static JsonObject ToJson(LLaDAConfig c) => new()
    {
        ["activation_type"] = "silu", ["alibi"] = false, ["architectures"] = new JsonArray("LLaDAModelLM"),
        ["attention_layer_norm"] = false, ["bias_for_layer_norm"] = false, ["block_group_size"] = 1,
        ["block_type"] = "llama", ["d_model"] = c.DModel, ["embedding_size"] = c.EmbeddingSize,
        ["eos_token_id"] = c.EosTokenId, ["include_bias"] = false, ["include_qkv_bias"] = false,
        ["input_emb_norm"] = false, ["layer_norm_type"] = "rms", ["layer_norm_with_affine"] = true,
        ["mask_token_id"] = c.MaskTokenId, ["max_sequence_length"] = c.MaxSequenceLength,
        ["mlp_hidden_size"] = c.MlpHiddenSize, ["mlp_ratio"] = Math.Max(1, c.MlpHiddenSize / c.DModel),
        ["model_type"] = "llada", ["multi_query_attention"] = null, ["n_heads"] = c.NHeads,
        ["n_kv_heads"] = c.NKvHeads, ["n_layers"] = c.NLayers, ["pad_token_id"] = c.PadTokenId,
        ["rms_norm_eps"] = c.RmsNormEps, ["rope"] = true, ["rope_full_precision"] = true,
        ["rope_theta"] = c.RopeTheta, ["scale_logits"] = false, ["vocab_size"] = c.VocabSize,
        ["weight_tying"] = c.WeightTying,
    };

    /// <summary>Reads typed fields of a config object, failing with messages that name file and field.</summary>
    private sealed class ConfigFields(JsonObject json, string source)
    {
        public Learn2PdException Unsupported(string field, string why) =>
            new($"{source}: unsupported config field '{field}': {why}");

        private Learn2PdException Invalid(string field, string why) =>
            new($"{source}: config field '{field}' {why}");

        private JsonNode? Get(string field) => json.TryGetPropertyValue(field, out var node) ? node : null;

        public void Require(string field, string expected, bool optional = false)
        {
            JsonNode? node = Get(field);
            if (node == null)
            {
                if (optional) return;
                throw Invalid(field, "is missing");
            }
            string? actual = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw Unsupported(field, $"'{actual}' (only '{expected}' is implemented)");
        }

        public void RequireBool(string field, bool expected, bool optional = false)
        {
            if (Get(field) == null && optional) return;
            bool actual = Bool(field, !expected, required: !optional);
            if (actual != expected) throw Unsupported(field, $"{actual.ToString().ToLowerInvariant()} (only {expected.ToString().ToLowerInvariant()} is implemented)");
        }

        public bool Bool(string field, bool fallback, bool required = false)
        {
            JsonNode? node = Get(field);
            if (node == null)
            {
                if (required) throw Invalid(field, "is missing");
                return fallback;
            }
            return node.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => fallback,
                _ => throw Invalid(field, $"must be true or false, not {node.ToJsonString()}"),
            };
        }

        public int? OptionalInt(string field)
        {
            JsonNode? node = Get(field);
            if (node == null || node.GetValueKind() == JsonValueKind.Null) return null;
            // Through the JSON text, so nodes parsed from a file and nodes built in code read alike.
            if (node.GetValueKind() == JsonValueKind.Number
                && long.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
                && v is >= int.MinValue and <= int.MaxValue)
                return (int)v;
            throw Invalid(field, $"must be an integer, not {node.ToJsonString()}");
        }

        public int Int(string field, int fallback) => OptionalInt(field) ?? fallback;

        public int PositiveInt(string field)
        {
            int v = OptionalInt(field) ?? throw Invalid(field, "is missing");
            return v > 0 ? v : throw Invalid(field, $"must be positive, not {v}");
        }

        public int PositiveIntOrZero(string field)
        {
            int v = OptionalInt(field) ?? throw Invalid(field, "is missing");
            return v >= 0 ? v : throw Invalid(field, $"must not be negative, not {v}");
        }

        public double PositiveDouble(string field)
        {
            JsonNode? node = Get(field) ?? throw Invalid(field, "is missing");
            if (node.GetValueKind() != JsonValueKind.Number) throw Invalid(field, $"must be a number, not {node.ToJsonString()}");
            double v = double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            return v > 0 ? v : throw Invalid(field, $"must be positive, not {v}");
        }
    }
}
