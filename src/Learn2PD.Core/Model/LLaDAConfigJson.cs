using System.Text.Json.Nodes;

namespace Learn2PD.Core.Model;

/// <summary>
/// LLaDA's <c>config.json</c> (the OLMo field set of LLaDA-8B-Instruct) as a <see cref="ModelConfig"/>.
/// Settings this implementation does not support are refused when the file is read, with a message
/// naming the field, so a model never runs as something it is not.
/// </summary>
public static class LLaDAConfigJson
{
    public static ModelConfig FromJson(JsonObject json, string source)
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

        int dModel = f.PositiveInt("d_model");
        if (dModel > ConfigFields.MaxWidth) throw f.Unsupported("d_model", $"{dModel} is beyond any real model (at most {ConfigFields.MaxWidth}); a damaged file?");
        int nLayers = f.PositiveInt("n_layers");
        if (nLayers > ConfigFields.MaxLayers) throw f.Unsupported("n_layers", $"{nLayers} is beyond any real model (at most {ConfigFields.MaxLayers}); a damaged file?");
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

        return new ModelConfig
        {
            Family = ModelFamily.LLaDA, DModel = dModel, NHeads = nHeads, NKvHeads = nKvHeads, NLayers = nLayers,
            MlpHiddenSize = mlpHidden, VocabSize = vocab, EmbeddingSize = embedding,
            MaxSequenceLength = f.PositiveInt("max_sequence_length"),
            RopeTheta = f.PositiveDouble("rope_theta"), RmsNormEps = f.PositiveDouble("rms_norm_eps"),
            WeightTying = f.Bool("weight_tying", false),
            MaskTokenId = mask, EosTokenId = eos, PadTokenId = pad,
        };
    }

    /// <summary>The config.json a config stands for, with LLaDA's fixed fields spelled out.</summary>
    public static JsonObject ToJson(ModelConfig c) => new()
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
}
