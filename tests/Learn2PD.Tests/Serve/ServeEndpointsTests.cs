using System.ClientModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Serve;
using Learn2PD.Tests.Support;
using Learn2PD.Train.Tasks;
using OpenAI;
using OpenAI.Chat;

namespace Learn2PD.Tests.Serve;

/// <summary>
/// `l2pd serve` on the embedded model, through HttpClient and the official OpenAI .NET client: answers
/// equal `l2pd decode`'s for the same prompt and settings, streams end with the same text, bad requests
/// get OpenAI's error object.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ServeEndpointsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Question(int i) => ArithmeticTask.Default.Test(8)[i].Question;

    private ChatClient Chat() => new(server.Served.Id, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });

    private static long[] DecodeCommandIds(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(["decode", "--output", "json", .. args]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    [Theory]
    [InlineData("{}", "--policy filter --eotp", 64)]
    [InlineData("""{"policy": "threshold", "threshold": 0.8, "cache": "dual", "eotp": false}""", "--policy threshold --threshold 0.8 --cache dual", 64)]
    [InlineData("""{"policy": "fixed", "block_length": 16}""", "--policy fixed --eotp --block-length 16", 32)]
    public async Task Completions_EqualDecodeCommand_ForTheSamePromptAndSettings(string settings, string decodeArgs, int maxTokens)
    {
        string question = Question(0);
        var body = JsonNode.Parse(settings)!.AsObject();
        body["prompt"] = question;
        body["max_tokens"] = maxTokens;
        body["return_token_ids"] = true;

        var (status, response) = await server.PostAsync("/v1/completions", body);

        Assert.Equal(200, status);
        var expected = server.CutAnswer(DecodeCommandIds(["--prompt", question, "--gen-length", $"{maxTokens}", .. decodeArgs.Split(' ')]), maxTokens);
        var choice = response["choices"]![0]!;
        Assert.Equal(expected, ServerFixture.Ids(choice["token_ids"]));
        Assert.Equal(server.Text(expected), choice["text"]!.GetValue<string>());
        Assert.Equal("text_completion", response["object"]!.GetValue<string>());
        Assert.Equal(expected.Length, response["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Completions_TokenIdPrompt_IsDecodedAsIs()
    {
        int[] prompt = server.Served.Tokenizer.Encode(GsmPrompt.FormatQuery(Question(1))).ToArray();

        var (status, response) = await server.PostAsync("/v1/completions",
            $$"""{"prompt": [{{string.Join(",", prompt)}}], "max_tokens": 32, "return_token_ids": true}""");

        Assert.Equal(200, status);
        Assert.Equal(prompt.Select(i => (long)i), ServerFixture.Ids(response["choices"]![0]!["prompt_token_ids"]));
        Assert.Equal(server.DecodeAlone(prompt, "l2p+eotp", 32), ServerFixture.Ids(response["choices"]![0]!["token_ids"]));
    }

    [Fact]
    public async Task Chat_WithTheOpenAIClient_AnswersTheLastUserMessageAsDecodeDoes()
    {
        string question = Question(2);
        var decoded = DecodeCommandIds("--prompt", question, "--gen-length", "64", "--policy", "filter", "--eotp");
        var expected = server.CutAnswer(decoded, 64);
        bool endsWithEndOfText = decoded.Contains(server.Served.Config.EosTokenId);

        ChatCompletion completion = await Chat().CompleteChatAsync(
            [new SystemChatMessage("You solve arithmetic problems."), new UserChatMessage("What is 1 + 1?"), new AssistantChatMessage("2"), new UserChatMessage(question)],
            new ChatCompletionOptions { MaxOutputTokenCount = 64 });

        Assert.Equal(server.Text(expected), completion.Content[0].Text);
        Assert.Equal(endsWithEndOfText ? ChatFinishReason.Stop : ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(server.Served.Id, completion.Model);
        Assert.Equal(expected.Length, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task ChatStreaming_WithTheOpenAIClient_AddsUpToTheWholeAnswer()
    {
        var messages = new ChatMessage[] { new UserChatMessage(Question(3)) };
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 64 };
        var whole = (await Chat().CompleteChatAsync(messages, options)).Value;

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        int contentChunks = 0;
        await foreach (var update in Chat().CompleteChatStreamingAsync(messages, options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                contentChunks += part.Text.Length > 0 ? 1 : 0;
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.True(contentChunks >= 1);
        Assert.Equal(whole.FinishReason, finish);
        Assert.Equal(whole.Usage.OutputTokenCount, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task CompletionsStreaming_SendsTheCommittedPrefixAsItGrows_ThenDone()
    {
        // The fixed schedule commits one token per step, and blocks of 8 fill left to right: the prefix grows over many steps.
        string body = $$"""{"prompt": {{JsonSerializer.Serialize(Question(4))}}, "max_tokens": 32, "block_length": 8, "policy": "fixed", "eotp": false}""";
        var (_, whole) = await server.PostAsync("/v1/completions", body);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = new StringContent(body.Replace("\"max_tokens\"", "\"stream\": true, \"max_tokens\""), Encoding.UTF8, "application/json"),
        };
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        string events = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = events.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToArray();
        Assert.All(data, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", data[^1]);
        var chunks = data[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToArray();
        Assert.All(chunks, c => Assert.Equal("text_completion", c["object"]!.GetValue<string>()));
        var texts = chunks.Select(c => c["choices"]![0]!["text"]!.GetValue<string>()).ToArray();
        Assert.Equal(whole["choices"]![0]!["text"]!.GetValue<string>(), string.Concat(texts));
        Assert.True(texts.Count(t => t.Length > 0) > 1, "the answer arrives in several pieces");
        Assert.Equal(whole["choices"]![0]!["finish_reason"]!.GetValue<string>(), chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.All(chunks[..^1], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
    }

    [Theory]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "policy": "greedy"}""", "policy", "unknown policy 'greedy'")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "policy": "oracle"}""", "policy", "not available on a server")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "max_tokens": 100000}""", "max_tokens", "at most 1024 tokens")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "max_tokens": "64"}""", "max_tokens", "must be a whole number")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "max_tokens": 0}""", "max_tokens", "must be positive")]
    [InlineData("/v1/completions", """{"prompt": "   "}""", "prompt", "is empty")]
    [InlineData("/v1/completions", """{"prompt": 42}""", "prompt", "must be a string or an array of token ids")]
    [InlineData("/v1/completions", """{"max_tokens": 8}""", "prompt", "'prompt' is required")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "stream": "yes"}""", "stream", "must be true or false")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "threshold": 0.5}""", "threshold", "only used with policy threshold")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "policy": "threshold", "threshold": 1.5}""", "threshold", "must be in (0, 1]")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "cache": "paged"}""", "cache", "unknown cache 'paged'")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "block_length": 0}""", "block_length", "must be positive")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "temperature": 0.7}""", "temperature", "not supported")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3", "n": 2}""", "n", "not supported")]
    [InlineData("/v1/completions", """{"prompt": [1, 2, 3]}""", "prompt", "is the mask token")]
    [InlineData("/v1/completions", """{"prompt": "LONG"}""", "prompt", "--max-prompt-tokens")]
    [InlineData("/v1/completions", """{"prompt": "2 + 3",""", null, "not valid JSON")]
    [InlineData("/v1/completions", """["2 + 3"]""", null, "must be a JSON object")]
    [InlineData("/v1/chat/completions", """{"messages": []}""", "messages", "'messages' is empty")]
    [InlineData("/v1/chat/completions", """{"messages": "hi"}""", "messages", "must be an array of messages")]
    [InlineData("/v1/chat/completions", """{"messages": [{"role": "assistant", "content": "4"}]}""", "messages", "no user message")]
    [InlineData("/v1/chat/completions", """{"messages": [{"role": "robot", "content": "hi"}]}""", "messages[0].role", "use system, user or assistant")]
    [InlineData("/v1/chat/completions", """{"messages": [{"role": "user", "content": ""}]}""", "messages[0].content", "is empty")]
    [InlineData("/v1/chat/completions", """{"messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 5000}""", "max_completion_tokens", "--max-tokens-limit")]
    public async Task BadRequest_Is400_WithAnOpenAIErrorObject(string path, string body, string? param, string message)
    {
        body = body.Replace("LONG", string.Concat(Enumerable.Repeat("1 + 2 = 3. ", 500)));

        using var response = await server.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>());
        Assert.True(error.AsObject().ContainsKey("code"));
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task BadRequest_ThroughTheOpenAIClient_IsAClientResultExceptionWith400()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat().CompleteChatAsync(
            [new UserChatMessage(Question(0))], new ChatCompletionOptions { MaxOutputTokenCount = 100_000 }));

        Assert.Equal(400, error.Status);
        Assert.Contains("--max-tokens-limit", error.Message);
    }

    [Fact]
    public async Task OversizedBody_Is413_WithAnOpenAIErrorObject()
    {
        string body = $$"""{"prompt": "{{new string('1', 9 << 20)}}"}""";
        // With 100-continue the client waits for the server's verdict before it sends the body.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("too large", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownModel_Is404ModelNotFound()
    {
        var (status, body) = await server.PostAsync("/v1/chat/completions", """{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal(404, status);
        Assert.Equal("model_not_found", body["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Models_Health_AndMetrics_Answer()
    {
        var models = JsonNode.Parse(await server.Http.GetStringAsync("/v1/models"))!;
        var health = JsonNode.Parse(await server.Http.GetStringAsync("/health"))!;
        await server.PostAsync("/v1/completions", $$"""{"prompt": {{JsonSerializer.Serialize(Question(5))}}, "max_tokens": 32}""");
        string metrics = await server.Http.GetStringAsync("/metrics");
        using var missing = await server.Http.GetAsync("/v2/nothing");

        Assert.Equal(server.Served.Id, models["data"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        foreach (string name in (string[])["l2pd_requests_total{endpoint=\"/v1/completions\",status=\"200\"}", "l2pd_queue_length", "l2pd_batch_size_count",
            "l2pd_completion_tokens_total", "l2pd_nfe_total", "l2pd_forwards_total", "l2pd_request_duration_seconds_bucket", "l2pd_queue_wait_seconds_count"])
        {
            Assert.Contains(name, metrics);
        }
        Assert.True(await server.MetricAsync("l2pd_nfe_total") > 0);
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.NotNull(JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]);
    }
}
