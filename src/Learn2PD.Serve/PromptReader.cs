using System.Text;
using System.Text.Json;
using Learn2PD.Core.Text;

namespace Learn2PD.Serve;

/// <summary>
/// A request's prompt as token ids. <c>/v1/completions</c> takes its prompt as <c>l2pd decode</c> takes
/// <c>--prompt</c> (text, framed for the model) or <c>--prompt-ids</c> (an array of token ids).
/// <c>/v1/chat/completions</c> renders the conversation with the model's chat template; a model without
/// one (the embedded arithmetic model) gets its last user message as a plain prompt, framed the same way.
/// </summary>
internal static class PromptReader
{
    public static int[] Completion(RequestBody body, ServedModel model)
    {
        var prompt = body.Get("prompt") ?? throw ApiError.BadRequest("'prompt' is required", "prompt");
        if (prompt.ValueKind == JsonValueKind.String) return EncodeText(prompt.GetString()!, model, "prompt");
        if (prompt.ValueKind != JsonValueKind.Array) throw RequestBody.WrongType("prompt", "a string or an array of token ids", prompt);
        var items = prompt.EnumerateArray().ToArray();
        if (items.Length == 0) throw ApiError.BadRequest("'prompt' is empty", "prompt");
        if (items.All(i => i.ValueKind == JsonValueKind.String))
        {
            return items.Length == 1 ? EncodeText(items[0].GetString()!, model, "prompt")
                : throw ApiError.BadRequest($"'prompt' holds {items.Length} prompts; send one per request (concurrent requests are batched)", "prompt");
        }
        return TokenIds(items, model);
    }

    public static int[] Chat(RequestBody body, ServedModel model)
    {
        var messages = Messages(body);
        if (model.Tokenizer.HasChatTemplate)
        {
            // The template of the whole conversation; for one user message it equals PromptEncoder's ChatMode.On.
            if (!messages.Any(m => m.Role == "user")) throw ApiError.BadRequest("'messages' has no user message", "messages");
            return ApiError.BadRequestOnFailure(() => model.Tokenizer.EncodeChat(messages).ToArray(), "messages");
        }
        int last = messages.FindLastIndex(m => m.Role == "user");
        if (last < 0) throw ApiError.BadRequest("'messages' has no user message", "messages");
        return EncodeText(messages[last].Content, model, $"messages[{last}].content");
    }

    private static List<ChatMessage> Messages(RequestBody body)
    {
        var messages = body.Get("messages") ?? throw ApiError.BadRequest("'messages' is required", "messages");
        if (messages.ValueKind != JsonValueKind.Array) throw RequestBody.WrongType("messages", "an array of messages", messages);
        var result = new List<ChatMessage>();
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object) throw RequestBody.WrongType(at, "an object with role and content", message);
            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : throw ApiError.BadRequest($"'{at}.role' must be a string", $"{at}.role");
            role = role switch
            {
                "system" or "user" or "assistant" => role,
                "developer" => "system", // OpenAI's newer name for the system message
                _ => throw ApiError.BadRequest($"'{at}.role' is '{role}'; use system, user or assistant", $"{at}.role"),
            };
            result.Add(new ChatMessage(role, Content(message, at)));
        }
        return result.Count > 0 ? result : throw ApiError.BadRequest("'messages' is empty", "messages");
    }

    /// <summary>A message's text: a string, or an array of text parts (images and audio are not understood).</summary>
    private static string Content(JsonElement message, string at)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null) return "";
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array) throw RequestBody.WrongType($"{at}.content", "a string or an array of text parts", content);
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                throw ApiError.BadRequest($"'{at}.content' may only hold text parts ({{\"type\": \"text\", \"text\": ...}})", $"{at}.content");
            text.Append(value.GetString());
        }
        return text.ToString();
    }

    private static int[] EncodeText(string text, ServedModel model, string param)
    {
        if (string.IsNullOrWhiteSpace(text)) throw ApiError.BadRequest($"'{param}' is empty", param);
        var encoder = new PromptEncoder(model.Tokenizer, ChatMode.Off);
        return ApiError.BadRequestOnFailure(() => encoder.Encode(model.FramePrompt(text), $"'{param}'"), param);
    }

    private static int[] TokenIds(JsonElement[] items, ServedModel model)
    {
        var ids = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].ValueKind != JsonValueKind.Number || !items[i].TryGetInt32(out int id))
                throw ApiError.BadRequest($"'prompt' must be a string or an array of token ids (item {i} is {RequestBody.Describe(items[i])})", "prompt");
            ids[i] = id;
        }
        return ApiError.BadRequestOnFailure(() => PromptIds.Prompt(ids, model.Config, "'prompt'"), "prompt");
    }
}
