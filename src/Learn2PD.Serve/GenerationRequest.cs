namespace Learn2PD.Serve;

/// <summary>A validated completion or chat request: the prompt's ids, how to decode it, and how to answer.</summary>
/// <param name="MaxTokens">The answer's cap in tokens; the canvas is that rounded up to whole blocks.</param>
/// <param name="IncludeUsage">Streaming: end with a usage chunk (OpenAI's stream_options.include_usage).</param>
/// <param name="ReturnTokenIds">Add the prompt's and the answer's token ids to each choice (as vLLM's return_token_ids).</param>
internal sealed record GenerationRequest(int[] PromptIds, DecodeSettings Settings, int MaxTokens, bool Stream, bool IncludeUsage, bool ReturnTokenIds)
{
    public static GenerationRequest Read(RequestBody body, IOpenAiFormat format, ServedModel model, ServeOptions limits)
    {
        if (body.String("model") is { } name && name != model.Id)
            throw ApiError.NotFound($"the model '{name}' does not exist; this server serves '{model.Id}'", "model_not_found");
        var (settings, maxTokens) = DecodeSettingsReader.Read(body, model, limits, format.MaxTokensFields);
        bool stream = body.Bool("stream") ?? false;
        bool includeUsage = false;
        if (body.Get("stream_options") is { } streamOptions)
        {
            var options = new RequestBody(streamOptions.ValueKind == System.Text.Json.JsonValueKind.Object ? streamOptions
                : throw RequestBody.WrongType("stream_options", "an object", streamOptions));
            includeUsage = options.Bool("include_usage") ?? false;
        }

        int[] prompt = format.ReadPrompt(body, model);
        if (prompt.Length > limits.MaxPromptTokens)
            throw ApiError.BadRequest($"the prompt is {prompt.Length} tokens but this server takes at most {limits.MaxPromptTokens} (--max-prompt-tokens)",
                format.PromptField, "context_length_exceeded");
        int genLength = settings.Options.GenLength;
        if (prompt.Length + genLength > model.Config.MaxSequenceLength)
            throw ApiError.BadRequest($"the prompt ({prompt.Length} tokens) and the canvas of {genLength} tokens (max_tokens in whole blocks) exceed the model's maximum length {model.Config.MaxSequenceLength}",
                format.PromptField, "context_length_exceeded");
        return new GenerationRequest(prompt, settings, maxTokens, stream, includeUsage, body.Bool("return_token_ids") ?? false);
    }
}
