using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Model;

/// <summary>LLaDA-8B-Instruct built from its real config.json on the meta device (no weights, no memory).</summary>
public sealed class LLaDA8BShapeTests
{
    [SkippableFact]
    public void Build_From8BConfig_Has291TensorsAnd8015581184Parameters()
    {
        var config = ModelConfigJson.Load(GoldenData.Path("llada-8b-instruct", "config.json"));
        var model = new LLaDAModelLM(config, META, ScalarType.BFloat16);

        Assert.Equal(291, model.named_parameters().Count());
        Assert.Equal(8_015_581_184L, model.ParameterCount());
        Assert.Equal(126464, config.EmbeddingSize);
        Assert.Equal(126336, config.MaskTokenId);
        Assert.Equal(126081, config.EosTokenId);
    }

    [SkippableFact]
    public void Build_From8BConfig_ParameterNamesAreTheCheckpointKeys()
    {
        var config = ModelConfigJson.Load(GoldenData.Path("llada-8b-instruct", "config.json"));
        var model = new LLaDAModelLM(config, META, ScalarType.BFloat16);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();

        string[] perBlock = ["attn_norm", "q_proj", "k_proj", "v_proj", "attn_out", "ff_norm", "ff_proj", "up_proj", "ff_out"];
        var expected = new HashSet<string> { "model.transformer.wte.weight", "model.transformer.ln_f.weight", "model.transformer.ff_out.weight" };
        for (int i = 0; i < 32; i++)
            foreach (string p in perBlock) expected.Add($"model.transformer.blocks.{i}.{p}.weight");
        Assert.Equal(expected, names);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([126464L, 4096], shapes["model.transformer.wte.weight"]);
        Assert.Equal([12288L, 4096], shapes["model.transformer.blocks.0.ff_proj.weight"]);
        Assert.Equal([4096L, 12288], shapes["model.transformer.blocks.31.ff_out.weight"]);
        Assert.Equal([126464L, 4096], shapes["model.transformer.ff_out.weight"]);
    }
}
