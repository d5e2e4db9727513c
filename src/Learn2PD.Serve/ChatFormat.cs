using System.Text.Json.Nodes;

namespace Learn2PD.Serve;

/// <summary>OpenAI's <c>/v1/chat/completions</c>: messages in, the assistant's message out.</summary>
internal sealed class ChatFormat : IOpenAiFormat
{
    public static ChatFormat Instance { get; } = new();

    public string Path => "/v1/chat/completions";
    public string Object => "chat.completion";
    public string ChunkObject => "chat.completion.chunk";
    public string IdPrefix => "chatcmpl-";
    public string PromptField => "messages";
    // max_tokens is the older name; OpenAI's current clients send max_completion_tokens.
    public string[] MaxTokensFields { get; } = ["max_completion_tokens", "max_tokens"];

    public int[] ReadPrompt(RequestBody body, ServedModel model) => PromptReader.Chat(body, model);

    public JsonObject Choice(string text, string finishReason) => new()
    {
        ["index"] = 0,
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
        ["logprobs"] = null,
        ["finish_reason"] = finishReason,
    };

    public JsonObject ChunkChoice(string? text, string? finishReason) => new()
    {
        ["index"] = 0,
        ["delta"] = text is null ? new JsonObject() : new JsonObject { ["content"] = text },
        ["logprobs"] = null,
        ["finish_reason"] = finishReason,
    };

    public JsonObject? OpeningChoice() => new()
    {
        ["index"] = 0,
        ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = "" },
        ["logprobs"] = null,
        ["finish_reason"] = null,
    };
}
