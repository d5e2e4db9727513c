using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// Dream's config.json (Dream-v0-Instruct-7B's field set, in tests/.../Fixtures/dream-v0-instruct-7b) is
/// recognised by <c>model_type</c>, builds a module tree whose names are the checkpoint's keys, and
/// features the implementation lacks are refused naming the field.
/// </summary>
public sealed class DreamConfigTests
{
    private static string Dream7BConfig => Fixtures.Path(Path.Combine("dream-v0-instruct-7b", "config.json"));

    private static JsonObject Valid() => (JsonObject)JsonNode.Parse(File.ReadAllText(Dream7BConfig))!;

    [Fact]
    public void Load_Dream7BConfig_IsDreamWithItsShapesAndSpecialIds()
    {
        var config = ModelConfigJson.Load(Dream7BConfig);

        Assert.Equal(ModelFamily.Dream, config.Family);
        Assert.Equal((3584, 28, 28, 4, 128, 18944), (config.DModel, config.NLayers, config.NHeads, config.NKvHeads, config.HeadDim, config.MlpHiddenSize));
        Assert.Equal((152064, 152064, 1e6), (config.VocabSize, config.EmbeddingSize, config.RopeTheta));
        Assert.Equal((151666, 151643, 151643), (config.MaskTokenId, config.EosTokenId, config.PadTokenId));
        Assert.False(config.WeightTying);
        Assert.True(config.QkvBias);
    }

    [Fact]
    public void Build_Dream7B_Has339TensorsAnd7615616512Parameters()
    {
        // Per layer: q 3584² + 3584, k and v 3584·512 + 512 each, o 3584², MLP 3 · 3584 · 18944, two norms:
        // 233,057,792; × 28, plus embedding and head (152064 · 3584 each) and the final norm.
        var model = DiffusionModel.Create(ModelConfigJson.Load(Dream7BConfig), META, ScalarType.BFloat16);

        Assert.IsType<DreamModel>(model);
        Assert.Equal(28 * 12 + 3, model.named_parameters().Count());
        Assert.Equal(7_615_616_512L, model.ParameterCount());
    }

    [Fact]
    public void Build_Dream7B_ParameterNamesAndShapesAreTheCheckpointKeys()
    {
        var model = DiffusionModel.Create(ModelConfigJson.Load(Dream7BConfig), META, ScalarType.BFloat16);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        string[] perLayer = ["self_attn.q_proj.weight", "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias",
            "self_attn.v_proj.weight", "self_attn.v_proj.bias", "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
            "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight"];
        var expected = new HashSet<string> { "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight" };
        for (int i = 0; i < 28; i++)
            foreach (string p in perLayer) expected.Add($"model.layers.{i}.{p}");
        Assert.Equal(expected, shapes.Keys.ToHashSet());
        Assert.Equal([152064L, 3584], shapes["model.embed_tokens.weight"]);
        Assert.Equal([512L, 3584], shapes["model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([512L], shapes["model.layers.0.self_attn.v_proj.bias"]);
        Assert.Equal([3584L, 18944], shapes["model.layers.27.mlp.down_proj.weight"]);
        Assert.Equal([152064L, 3584], shapes["lm_head.weight"]);
    }

    [Fact]
    public void Load_GoldenTinyConfig_IsDispatchedOnModelType()
    {
        var config = ModelConfigJson.Load(DreamGolden.Path("dream-tiny-b", "model"));

        Assert.Equal(ModelFamily.Dream, config.Family);
        Assert.Equal((48, 3, 4, 1), (config.DModel, config.NLayers, config.NHeads, config.NKvHeads));
        Assert.Equal((191, 151), (config.MaskTokenId, config.EosTokenId));
    }

    [Theory]
    [InlineData("use_sliding_window", "true")]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}")]
    [InlineData("hidden_act", "\"gelu\"")]
    [InlineData("num_key_value_heads", "3")]
    [InlineData("head_dim", "64")]
    [InlineData("mask_token_id", "152064")]
    [InlineData("model_type", "\"qwen2\"")]
    public void FromJson_UnsupportedSetting_IsRefusedNamingTheField(string field, string value)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);

        var error = Assert.Throws<Learn2PdException>(() => ModelConfigJson.FromJson(json, "dream/config.json"));

        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains("dream/config.json", error.Message);
    }

    [Fact]
    public void ToJson_RoundTripsThroughTheDreamReader()
    {
        var config = ModelConfig.Small(vocabSize: 64, maskTokenId: 62, eosTokenId: 63, dModel: 32, nHeads: 4, nLayers: 2, family: ModelFamily.Dream);

        Assert.Equal(config, ModelConfigJson.FromJson(ModelConfigJson.ToJson(config), "config.json"));
    }
}
