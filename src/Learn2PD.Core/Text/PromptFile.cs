using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>One line of a prompt file: text (through the tokenizer) or token ids.</summary>
public sealed record PromptLine(int Line, string? Text, int[]? Ids);

/// <summary>
/// A JSONL file of prompts for batch decoding: one object per line, <c>{"prompt": "..."}</c> or
/// <c>{"prompt_ids": [1, 2, 3]}</c>; blank lines are skipped. Errors name the file and line.
/// </summary>
public static class PromptFile
{
    public static IReadOnlyList<PromptLine> Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: prompt file not found");
        var prompts = new List<PromptLine>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{path}:{number}";
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new Learn2PdException($"{where}: expected a JSON object");
                bool hasText = root.TryGetProperty("prompt", out var text), hasIds = root.TryGetProperty("prompt_ids", out var ids);
                if (hasText == hasIds) throw new Learn2PdException($"{where}: give exactly one of \"prompt\" or \"prompt_ids\"");
                prompts.Add(hasText
                    ? new PromptLine(number, text.ValueKind == JsonValueKind.String ? text.GetString() : throw new Learn2PdException($"{where}: \"prompt\" must be a string"), null)
                    : new PromptLine(number, null, ids.ValueKind == JsonValueKind.Array
                        ? ids.EnumerateArray().Select(e => e.TryGetInt32(out int id) ? id : throw new Learn2PdException($"{where}: \"prompt_ids\" must hold integers")).ToArray()
                        : throw new Learn2PdException($"{where}: \"prompt_ids\" must be an array of integers")));
            }
            catch (JsonException e)
            {
                throw new Learn2PdException($"{where}: not valid JSON ({e.Message})", e);
            }
        }
        if (prompts.Count == 0) throw new Learn2PdException($"{path}: no prompts");
        return prompts;
    }
}
