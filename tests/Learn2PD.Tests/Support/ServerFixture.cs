using System.Text.Json.Nodes;
using Learn2PD.Cli.Commands;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Serve;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Support;

/// <summary>
/// A live <c>l2pd serve</c> on loopback (a free port) over a model, as the CLI starts it, with an
/// <see cref="HttpClient"/> for it and a second copy of the model that decodes references alone, on
/// the test's thread (the server's copy belongs to its decode worker).
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly Func<ServeOptions> options;
    private readonly Func<(string Directory, Func<string, string>? Frame)> model;

    /// <summary>The embedded model, framed as `l2pd serve` frames it, with the default options.</summary>
    public ServerFixture() : this(() => new ServeOptions(), () => (EmbeddedModel.Directory, EmbeddedModel.FrameQuestion)) { }

    protected ServerFixture(Func<ServeOptions> options, Func<(string Directory, Func<string, string>? Frame)> model)
    {
        this.options = options;
        this.model = model;
    }

    public ServedModel Served { get; private set; } = null!;
    public ServeHost Host { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    private PretrainedModel Reference { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var (directory, frame) = model();
        Served = ServedModel.Load(directory, null, CPU, ScalarType.Float32, frame);
        Reference = PretrainedModel.Load(directory, ScalarType.Float32, CPU);
        Host = ServeHost.Create(Served, options() with { Host = "127.0.0.1", Port = 0 }, logging: _ => { });
        await Host.StartAsync();
        BaseUrl = new Uri(Host.Urls[0]);
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Served.Dispose();
        Reference.Model.Dispose();
    }

    /// <summary>The answer ids a request's settings give for <paramref name="prompt"/> decoded alone, cut as the server cuts them.</summary>
    public long[] DecodeAlone(int[] prompt, string method, int maxTokens, int blockLength = ServeDefaults.BlockLength)
    {
        var family = DecodingMethods.Parse(method);
        int genLength = (maxTokens + blockLength - 1) / blockLength * blockLength;
        var options = family.Configure(new DecodeOptions { GenLength = genLength, BlockLength = blockLength, Steps = genLength });
        lock (Reference)
        {
            var policy = family.CreatePolicy(new PolicyInputs(Served.Filter, null, Served.Config.EosTokenId));
            var ids = new BlockDecoder(Reference.Model).Decode([prompt], options, policy).Rows[0].AnswerIds;
            return CutAnswer(ids, maxTokens);
        }
    }

    /// <summary>What the server returns of a decode's ids: up to the first end-of-text, at most max_tokens.</summary>
    public long[] CutAnswer(long[] ids, int maxTokens)
    {
        int end = Array.IndexOf(ids, (long)Served.Config.EosTokenId);
        return ids[..Math.Min(end < 0 ? ids.Length : end, maxTokens)];
    }

    public string Text(IEnumerable<long> ids) => Served.Tokenizer.Decode(ids.Select(id => (int)id), skipSpecialTokens: true);

    public async Task<(int Status, JsonObject Body)> PostAsync(string path, string json)
    {
        using var response = await Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public Task<(int Status, JsonObject Body)> PostAsync(string path, JsonObject body) => PostAsync(path, body.ToJsonString());

    /// <summary>The value of one metric sample in /metrics ("name{labels}"), or 0 when it is absent.</summary>
    public async Task<double> MetricAsync(string sample)
    {
        string text = await Http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long[] Ids(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
}
