using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Model;

namespace Learn2PD.Tests.Model;

/// <summary>Settings the model does not implement are refused with a message naming the field.</summary>
public sealed class ConfigValidationTests
{
    private static JsonObject Valid() => LLaDAConfigJson.ToJson(ModelConfig.Small(vocabSize: 64, maskTokenId: 62, eosTokenId: 63, dModel: 32, nHeads: 4, nLayers: 1, mlpHiddenSize: 64));

    [Fact]
    public void FromJson_SmallPresetRoundTrips()
    {
        var config = LLaDAConfigJson.FromJson(Valid(), "config.json");
        Assert.Equal(32, config.DModel);
        Assert.Equal(8, config.HeadDim);
        Assert.Equal(62, config.MaskTokenId);
    }

    [Theory]
    [InlineData("alibi", "true")]
    [InlineData("block_type", "\"sequential\"")]
    [InlineData("layer_norm_type", "\"default\"")]
    [InlineData("rope", "false")]
    [InlineData("activation_type", "\"gelu\"")]
    [InlineData("include_bias", "true")]
    [InlineData("scale_logits", "true")]
    [InlineData("rope_full_precision", "false")]
    [InlineData("block_group_size", "2")]
    [InlineData("n_heads", "5")]
    [InlineData("n_kv_heads", "3")]
    [InlineData("embedding_size", "10")]
    [InlineData("mask_token_id", "999")]
    public void FromJson_UnsupportedSetting_IsRefusedNamingTheField(string field, string value)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);

        var error = Assert.Throws<Learn2PdException>(() => LLaDAConfigJson.FromJson(json, "my/config.json"));

        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains("my/config.json", error.Message);
    }

    [Theory]
    [InlineData("d_model")]
    [InlineData("n_layers")]
    [InlineData("vocab_size")]
    [InlineData("rope_theta")]
    public void FromJson_MissingRequiredField_NamesIt(string field)
    {
        var json = Valid();
        json.Remove(field);
        var error = Assert.Throws<Learn2PdException>(() => LLaDAConfigJson.FromJson(json, "config.json"));
        Assert.Contains($"'{field}'", error.Message);
    }

    [Fact]
    public void FromJson_GroupedQueryAttention_IsAccepted()
    {
        var json = Valid();
        json["n_kv_heads"] = 2;
        Assert.Equal(2, LLaDAConfigJson.FromJson(json, "config.json").NKvHeads);
    }

    [Fact]
    public void Load_NotJson_IsOneLineError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"l2pd-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            var error = Assert.Throws<Learn2PdException>(() => ModelConfigJson.Load(path));
            Assert.Contains(path, error.Message);
            Assert.DoesNotContain("\n", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
