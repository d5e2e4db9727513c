using System.Text.Json.Nodes;

namespace Learn2PD.Serve;

/// <summary>What differs between <c>/v1/completions</c> and <c>/v1/chat/completions</c>: where the prompt is and how a choice looks.</summary>
internal interface IOpenAiFormat
{
    /// <summary>The endpoint's path, also its metrics label.</summary>
    string Path { get; }
    /// <summary>"text_completion" or "chat.completion".</summary>
    string Object { get; }
    string ChunkObject { get; }
    string IdPrefix { get; }
    /// <summary>The prompt's field, named in its errors.</summary>
    string PromptField { get; }
    /// <summary>Fields that set the answer's length, in the order read.</summary>
    string[] MaxTokensFields { get; }

    int[] ReadPrompt(RequestBody body, ServedModel model);

    /// <summary>A whole answer's choice.</summary>
    JsonObject Choice(string text, string finishReason);

    /// <summary>A streamed choice: <paramref name="text"/> appended to the answer so far (null: nothing new), or the end.</summary>
    JsonObject ChunkChoice(string? text, string? finishReason);

    /// <summary>The chunk a stream opens with, before any text (chat's assistant role), or null.</summary>
    JsonObject? OpeningChoice();
}
