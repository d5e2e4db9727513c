using System.Text.Json.Nodes;

namespace Learn2PD.Serve;

/// <summary>OpenAI's legacy <c>/v1/completions</c>: a prompt in, <c>choices[0].text</c> out.</summary>
internal sealed class CompletionFormat : IOpenAiFormat
{
    public static CompletionFormat Instance { get; } = new();

    public string Path => "/v1/completions";
    public string Object => "text_completion";
    public string ChunkObject => "text_completion";
    public string IdPrefix => "cmpl-";
    public string PromptField => "prompt";
    public string[] MaxTokensFields { get; } = ["max_tokens"];

    public int[] ReadPrompt(RequestBody body, ServedModel model) => PromptReader.Completion(body, model);

    public JsonObject Choice(string text, string finishReason) =>
        new() { ["index"] = 0, ["text"] = text, ["logprobs"] = null, ["finish_reason"] = finishReason };

    public JsonObject ChunkChoice(string? text, string? finishReason) =>
        new() { ["index"] = 0, ["text"] = text ?? "", ["logprobs"] = null, ["finish_reason"] = finishReason };

    public JsonObject? OpeningChoice() => null;
}
