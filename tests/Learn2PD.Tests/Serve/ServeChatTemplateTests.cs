using System.Text.Json.Nodes;
using Learn2PD.Core.Text;
using Learn2PD.Serve;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Serve;

/// <summary>A model with a chat template gets the whole conversation through it, as l2pd decode --chat encodes one message.</summary>
public sealed class ServeChatTemplateTests(ServeChatTemplateTests.Server server) : IClassFixture<ServeChatTemplateTests.Server>
{
    /// <summary>The random instruct-style model has no filter: requests default to threshold+eotp.</summary>
    public sealed class Server() : ServerFixture(() => new ServeOptions(), () => (ChatModelFixture.ModelDirectory, null));

    [Fact]
    public async Task Chat_RendersTheConversationWithTheTemplate_AndDecodesItAsAlone()
    {
        ChatMessage[] conversation = [new("system", "Be brief."), new("user", "What is 2 + 3?"), new("assistant", "5"), new("user", "And 4 * 2?")];
        var messages = new JsonArray(conversation.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());

        var (status, body) = await server.PostAsync("/v1/chat/completions",
            new JsonObject { ["messages"] = messages, ["max_tokens"] = 32, ["return_token_ids"] = true });

        Assert.Equal(200, status);
        int[] expectedPrompt = server.Served.Tokenizer.EncodeChat(conversation).ToArray();
        var choice = body["choices"]![0]!;
        Assert.Equal(expectedPrompt.Select(i => (long)i), ServerFixture.Ids(choice["prompt_token_ids"]));
        Assert.Equal(server.DecodeAlone(expectedPrompt, "threshold+eotp", 32), ServerFixture.Ids(choice["token_ids"]));
        Assert.Equal("threshold+eotp@0.9", body["decoding"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_OneUserMessage_IsWhatThePromptEncoderMakesOfIt()
    {
        var (status, body) = await server.PostAsync("/v1/chat/completions",
            """{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is "}, {"type": "text", "text": "2 + 3?"}]}], "max_tokens": 32, "return_token_ids": true}""");

        Assert.Equal(200, status);
        int[] expected = new PromptEncoder(server.Served.Tokenizer, ChatMode.On).Encode("What is 2 + 3?");
        Assert.Equal(expected.Select(i => (long)i), ServerFixture.Ids(body["choices"]![0]!["prompt_token_ids"]));
    }

    [Fact]
    public async Task Filter_OnAServerWithoutOne_Is400()
    {
        var (status, body) = await server.PostAsync("/v1/completions", """{"prompt": "2 + 3", "policy": "filter"}""");

        Assert.Equal(400, status);
        Assert.Contains("--filter FILE", body["error"]!["message"]!.GetValue<string>());
    }
}
