using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Cli.Commands;
using Learn2PD.Serve;
using Learn2PD.Tests.Support;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Serve;

/// <summary>
/// Dynamic batching under concurrent load: compatible requests share a decode and each still gets its
/// decode-alone answer; a full queue answers 429; a client that goes away stops costing forwards.
/// </summary>
public sealed class ServeBatchingTests(ServeBatchingTests.Server server) : IClassFixture<ServeBatchingTests.Server>
{
    public sealed class Server : ServerFixture;

    /// <summary>One request at a time, one more may wait: the third at once is one too many.</summary>
    public sealed class TinyQueueServer() : ServerFixture(() => new ServeOptions { MaxBatchSize = 1, MaxQueue = 1 },
        () => (EmbeddedModel.Directory, EmbeddedModel.FrameQuestion));

    [Fact]
    public async Task ConcurrentRequests_AreBatched_AndEachEqualsItsDecodeAlone()
    {
        var questions = ArithmeticTask.Default.Test(10).Select(p => p.Question).ToArray();

        var responses = await Task.WhenAll(questions.Select(q => server.PostAsync("/v1/completions",
            $$"""{"prompt": {{JsonSerializer.Serialize(q)}}, "max_tokens": 64, "return_token_ids": true}""")));

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        var batchSizes = responses.Select(r => r.Body["decoding"]!["batch_size"]!.GetValue<int>()).ToArray();
        Assert.True(batchSizes.Max() > 1, $"batch sizes: {string.Join(", ", batchSizes)}");
        Assert.True(await server.MetricAsync("l2pd_batch_size_count") < questions.Length);
        for (int i = 0; i < questions.Length; i++)
        {
            var choice = responses[i].Body["choices"]![0]!;
            int[] prompt = ServerFixture.Ids(choice["prompt_token_ids"]).Select(id => (int)id).ToArray();
            Assert.Equal(server.DecodeAlone(prompt, "l2p+eotp", 64), ServerFixture.Ids(choice["token_ids"]));
        }
    }

    [Fact]
    public async Task ClientThatGoesAway_IsDroppedFromItsBatch_AndCostsNoMoreForwards()
    {
        // The fixed schedule without EoTP runs 256 forwards; the client leaves long before that.
        string body = $$"""{"prompt": {{JsonSerializer.Serialize(ArithmeticTask.Default.Test(1)[0].Question)}}, "max_tokens": 256, "policy": "fixed", "eotp": false}""";
        double nfeBefore = await server.MetricAsync("l2pd_nfe_total");
        using var leave = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            server.Http.PostAsync("/v1/completions", new StringContent(body, Encoding.UTF8, "application/json"), leave.Token));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await server.MetricAsync("l2pd_dropped_requests_total") < 1 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(1, await server.MetricAsync("l2pd_dropped_requests_total"));
        double nfe = await server.MetricAsync("l2pd_nfe_total") - nfeBefore;
        Assert.InRange(nfe, 1, 255);
    }
}

/// <summary>Back-pressure: a request that finds the queue full gets 429 and an OpenAI error object at once.</summary>
public sealed class ServeQueueTests(ServeBatchingTests.TinyQueueServer server) : IClassFixture<ServeBatchingTests.TinyQueueServer>
{
    [Fact]
    public async Task FullQueue_Is429_WithAnOpenAIErrorObject_AndTheOthersComplete()
    {
        // Each takes 64 forwards alone: the first decodes, the second waits, the rest find the queue full.
        string body = $$"""{"prompt": {{JsonSerializer.Serialize(ArithmeticTask.Default.Test(1)[0].Question)}}, "max_tokens": 64, "policy": "fixed", "eotp": false}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await server.Http.PostAsync("/v1/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!, RetryAfter: response.Headers.RetryAfter);
        }));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(responses.Except(refused), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("queue_full", r.Body["error"]!["code"]!.GetValue<string>()));
        Assert.All(refused, r => Assert.NotNull(r.RetryAfter));
        Assert.Equal(refused.Length, await server.MetricAsync("l2pd_requests_total{endpoint=\"/v1/completions\",status=\"429\"}"));
    }
}
