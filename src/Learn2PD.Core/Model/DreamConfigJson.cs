using System.Text.Json.Nodes;

namespace Learn2PD.Core.Model;

/// <summary>
/// Dream's <c>config.json</c> (Qwen2's field set plus <c>mask_token_id</c>, as Dream-v0-Instruct-7B and
/// DiffuCoder ship it) as a <see cref="ModelConfig"/>. Sizes must be given; the other fields default as
/// the reference <c>DreamConfig</c> does. Features this implementation lacks (sliding-window attention,
/// RoPE scaling, other activations) are refused naming the field.
/// </summary>
public static class DreamConfigJson
{
    public static ModelConfig FromJson(JsonObject json, string source)
    {
        var f = new ConfigFields(json, source);
        f.Require("model_type", "Dream", optional: true);
        f.Require("hidden_act", "silu", optional: true);
        if (f.Bool("use_sliding_window", false))
            throw f.Unsupported("use_sliding_window", "true (sliding-window attention is not implemented; every layer attends to the whole sequence)");
        if (f.IsSet("rope_scaling"))
            throw f.Unsupported("rope_scaling", $"{f.Text("rope_scaling")} (only plain RoPE is implemented; rope_scaling must be null)");

        int hidden = f.PositiveInt("hidden_size");
        if (hidden > ConfigFields.MaxWidth) throw f.Unsupported("hidden_size", $"{hidden} is beyond any real model (at most {ConfigFields.MaxWidth}); a damaged file?");
        int layers = f.PositiveInt("num_hidden_layers");
        if (layers > ConfigFields.MaxLayers) throw f.Unsupported("num_hidden_layers", $"{layers} is beyond any real model (at most {ConfigFields.MaxLayers}); a damaged file?");
        int heads = f.PositiveInt("num_attention_heads");
        if (hidden % heads != 0) throw f.Unsupported("num_attention_heads", $"{heads} heads do not divide hidden_size {hidden}");
        if ((hidden / heads) % 2 != 0) throw f.Unsupported("num_attention_heads", $"head size {hidden / heads} is odd; RoPE needs it even");
        if (f.OptionalInt("head_dim") is int headDim && headDim != hidden / heads)
            throw f.Unsupported("head_dim", $"{headDim} differs from hidden_size / num_attention_heads = {hidden / heads}");
        int kvHeads = f.OptionalInt("num_key_value_heads") ?? heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw f.Unsupported("num_key_value_heads", $"{kvHeads} key/value heads do not divide {heads} heads");
        int intermediate = f.PositiveInt("intermediate_size");
        if (intermediate > ConfigFields.MaxWidth * 8) throw f.Unsupported("intermediate_size", $"{intermediate} is beyond any real model; a damaged file?");
        int vocab = f.PositiveInt("vocab_size");
        if (vocab > ConfigFields.MaxWidth * 4) throw f.Unsupported("vocab_size", $"{vocab} is beyond any real model; a damaged file?");

        int mask = f.OptionalInt("mask_token_id") ?? 151666;
        int eos = f.PositiveIntOrZero("eos_token_id");
        int pad = f.OptionalInt("pad_token_id") ?? eos;
        foreach (var (name, id) in new[] { ("mask_token_id", mask), ("eos_token_id", eos), ("pad_token_id", pad) })
        {
            if (id < 0 || id >= vocab) throw f.Unsupported(name, $"{id} is outside the {vocab}-token vocabulary");
        }

        return new ModelConfig
        {
            Family = ModelFamily.Dream, DModel = hidden, NHeads = heads, NKvHeads = kvHeads, NLayers = layers,
            MlpHiddenSize = intermediate, VocabSize = vocab, EmbeddingSize = vocab,
            MaxSequenceLength = f.OptionalInt("max_position_embeddings") is int max ? Positive(f, "max_position_embeddings", max) : 32768,
            RopeTheta = f.PositiveDouble("rope_theta", 10000.0), RmsNormEps = f.PositiveDouble("rms_norm_eps", 1e-6),
            WeightTying = f.Bool("tie_word_embeddings", false), QkvBias = true,
            MaskTokenId = mask, EosTokenId = eos, PadTokenId = pad,
        };
    }

    private static int Positive(ConfigFields f, string field, int value) =>
        value > 0 ? value : throw f.Unsupported(field, $"must be positive, not {value}");

    /// <summary>The config.json a config stands for, in Dream-v0-Instruct-7B's field set.</summary>
    public static JsonObject ToJson(ModelConfig c) => new()
    {
        ["architectures"] = new JsonArray("DreamModel"), ["attention_dropout"] = 0.0,
        ["bos_token_id"] = c.EosTokenId, ["eos_token_id"] = c.EosTokenId, ["hidden_act"] = "silu",
        ["hidden_size"] = c.DModel, ["initializer_range"] = 0.02, ["intermediate_size"] = c.MlpHiddenSize,
        ["mask_token_id"] = c.MaskTokenId, ["max_position_embeddings"] = c.MaxSequenceLength,
        ["max_window_layers"] = c.NLayers, ["model_type"] = "Dream", ["num_attention_heads"] = c.NHeads,
        ["num_hidden_layers"] = c.NLayers, ["num_key_value_heads"] = c.NKvHeads, ["pad_token_id"] = c.PadTokenId,
        ["rms_norm_eps"] = c.RmsNormEps, ["rope_scaling"] = null, ["rope_theta"] = c.RopeTheta,
        ["sliding_window"] = null, ["tie_word_embeddings"] = c.WeightTying, ["torch_dtype"] = "float32",
        ["use_cache"] = false, ["use_sliding_window"] = false, ["vocab_size"] = c.VocabSize,
    };
}
