using System.Text.Json;
using Learn2PD.Core.Filter;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Filter;

/// <summary>The authors' released filter (layer_2_flan.pth) loads without running pickle code and reproduces its outputs.</summary>
public sealed class ReleasedFilterTests
{
    [SkippableFact]
    public void LoadPth_ReleasedFilter_MatchesPublishedLogitsAndDecisions()
    {
        var filter = FilterFile.Load(GoldenData.Path("learn2pd-filter", "layer_2_flan.pth"));
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenData.Path("learn2pd-filter", "vectors.json")));
        Assert.Equal(32, filter.BlockLength);
        int cases = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            float[] confidences = c.GetProperty("confidences").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            float[] expected = c.GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            bool[] accept = c.GetProperty("accept_at_0.96").EnumerateArray().Select(e => e.GetBoolean()).ToArray();

            float[] logits = filter.Logits(confidences); // short blocks are zero-padded to 32

            Assert.Equal(expected.Length, logits.Length);
            for (int j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(expected[j] - logits[j]) <= 1e-5f, $"case {cases} position {j}: {logits[j]} vs {expected[j]}");
                Assert.Equal(accept[j], 1 / (1 + Math.Exp(-logits[j])) > 0.96);
            }
            cases++;
        }
        Assert.Equal(12, cases);
    }

    [SkippableFact]
    public void SaveThenLoad_Safetensors_KeepsTheWeightsExactly()
    {
        var filter = FilterFile.Load(GoldenData.Path("learn2pd-filter", "layer_2_flan.pth"));
        string path = Path.Combine(Path.GetTempPath(), $"l2pd-filter-{Guid.NewGuid():N}.safetensors");
        try
        {
            FilterFile.Save(filter, path);
            var again = FilterFile.Load(path);
            float[] input = Enumerable.Range(0, 32).Select(i => i / 32f).ToArray();
            Assert.Equal(filter.Logits(input), again.Logits(input));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_UnknownExtension_IsRefused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"l2pd-filter-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "x");
        try
        {
            var error = Assert.Throws<Learn2PD.Core.Learn2PdException>(() => FilterFile.Load(path));
            Assert.Contains(".safetensors or .pth", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
