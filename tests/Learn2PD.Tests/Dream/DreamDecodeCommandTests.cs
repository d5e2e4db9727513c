using System.Text.Json;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// `l2pd decode` on a Dream checkpoint: the project's own policy names and Dream's own algorithms reproduce
/// the reference samplers (golden cases whose reference has no quirk to switch on).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DreamDecodeCommandTests
{
    [Theory]
    [InlineData("dream-tiny-a/dream_entropy_s7_g24", "--policy entropy --gen-length 24 --block-length 24 --steps 7")]
    [InlineData("dream-tiny-b/dream_topk_margin_top_p0.7_s8_g16", "--policy topk_margin --top-p 0.7 --gen-length 16 --block-length 16 --steps 8")]
    [InlineData("dream-tiny-a/dream_maskgit_plus_top_k4_s8_g16", "--policy maskgit_plus --top-k 4 --gen-length 16 --block-length 16 --steps 8")]
    [InlineData("dream-tiny-a/fastdllm_dual_threshold0.9_b8_g32", "--policy threshold --threshold 0.9 --cache dual --refinement do-while --gen-length 32 --block-length 8 --steps 4")]
    [InlineData("dream-tiny-b/fastdllm_prefix_threshold0.2_b8_g24", "--policy threshold --threshold 0.2 --cache prefix --refinement do-while --gen-length 24 --block-length 8 --steps 3")]
    public void DecodeJson_OnDream_ReproducesReferenceIdsAndNfe(string name, string settings)
    {
        var golden = DreamGoldenCase.Load(name);
        string[] args = ["decode", "--model", DreamGolden.Path(golden.Model, "model"), "--prompt-ids", string.Join(",", golden.Prompts[0]),
            "--output", "json", .. settings.Split(' ')];

        var (code, output, error) = CliRunner.Run(args);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(golden.ExpectedIds[0], json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(golden.ExpectedNfe, json.RootElement.GetProperty("nfe").GetInt32());
    }

    [Fact]
    public void Decode_RegisteredMethodsRunOnDream()
    {
        string model = DreamGolden.Path("dream-tiny-a", "model");
        foreach (var settings in new[] { "--policy fixed --eotp --cache dual", "--policy origin --seed 3", "--policy filter --filter FILTER --eotp --cache prefix" })
        {
            string[] args = ["decode", "--model", model, "--prompt-ids", "5,6,7,8", "--gen-length", "64", "--block-length", "32", "--output", "json",
                .. settings.Replace("FILTER", DreamGolden.Path("filter.safetensors")).Split(' ')];

            var (code, output, error) = CliRunner.Run(args);

            Assert.True(code == 0, $"{settings}: {error}");
            using var json = JsonDocument.Parse(output);
            var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            // Sensible defaults: no mask left behind, and no more forwards than tokens.
            Assert.DoesNotContain(250L, ids);
            Assert.InRange(json.RootElement.GetProperty("nfe").GetInt32(), 1, 64 + 2);
        }
    }
}
