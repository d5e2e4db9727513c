using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Eval;
using Learn2PD.Serve;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// The Learn2PD workflow on a Dream checkpoint, through the same commands as on LLaDA: a tiny Dream trained on
/// the arithmetic task by <c>train-model --architecture dream</c>, its filter fitted by <c>train-filter</c>,
/// benchmarked by <c>eval --sweep</c> and served by <c>serve</c>, whose answer equals <c>decode</c>'s.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DreamEndToEndTests(DreamEndToEndTests.TinyDream dream) : IClassFixture<DreamEndToEndTests.TinyDream>, IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>The tiny Dream and its filter, trained once for the class and deleted after it.</summary>
    public sealed class TinyDream : IDisposable
    {
        private readonly TempDirectory folder = new();

        public TinyDream()
        {
            ModelDirectory = folder.File("model");
            var (code, _, error) = CliRunner.Run("train-model", "--out", ModelDirectory, "--architecture", "dream", "--steps", "6", "--eval-every", "6",
                "--checkpoint-every", "6", "--d-model", "32", "--heads", "2", "--layers", "1", "--mlp-hidden", "64", "--train-problems", "200",
                "--batch-tokens", "1024", "--long-fraction", "0");
            Assert.True(code == 0, error);

            Filter = folder.File("filter.safetensors");
            (code, var output, error) = CliRunner.Run("train-filter", "--model", ModelDirectory, "--samples", "8", "--gen-length", "32",
                "--batch-size", "4", "--iterations", "50", "--thresholds", "0.5,0.9", "--out", Filter);
            Assert.True(code == 0, error);
            Assert.Contains("ROC-AUC", output);
        }

        public string ModelDirectory { get; }
        public string Filter { get; }

        public void Dispose() => folder.Dispose();
    }

    [Fact]
    public void TrainFilter_ThenEvalSweep_OnDream()
    {
        string filter = dream.Filter;
        using (var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(filter, ".json"))))
            Assert.True(sidecar.RootElement.TryGetProperty("suggested_threshold", out _));

        string outDir = temp.File("eval");
        var (code, _, error) = CliRunner.Run("eval", "--model", dream.ModelDirectory, "--filter", filter, "--sweep", "threshold,l2p",
            "--gen-length", "32", "--limit", "2", "--out", outDir);

        Assert.True(code == 0, error);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, EvalReport.JsonFile)))!;
        Assert.Equal(["threshold", "l2p"], json["frontier"]!.AsArray().Select(f => (string)f!["family"]!));
        Assert.All(json["frontier"]!.AsArray(), f => Assert.NotEmpty(f!["points"]!.AsArray()));
    }

    [Fact]
    public async Task Serve_OnDream_AnswersAsDecodeDoes()
    {
        string filter = dream.Filter;
        const string prompt = "What is 2 plus 3?";
        var (code, output, error) = CliRunner.Run("decode", "--model", dream.ModelDirectory, "--policy", "filter", "--filter", filter, "--eotp",
            "--prompt", prompt, "--gen-length", "32", "--output", "json");
        Assert.True(code == 0, error);
        string expected;
        using (var decoded = JsonDocument.Parse(output)) expected = decoded.RootElement.GetProperty("text").GetString()!;

        using var served = ServedModel.Load(dream.ModelDirectory, filter, CPU, ScalarType.Float32);
        await using var host = ServeHost.Create(served, new ServeOptions { Host = "127.0.0.1", Port = 0 }, logging: _ => { });
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls[0]), Timeout = TimeSpan.FromSeconds(60) };
        var body = new JsonObject { ["model"] = served.Id, ["prompt"] = prompt, ["max_tokens"] = 32, ["policy"] = "filter", ["eotp"] = true };
        using var response = await http.PostAsync("/v1/completions", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        Assert.Equal(expected, (string)json["choices"]![0]!["text"]!);
    }
}
