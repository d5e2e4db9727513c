using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// The parts of a model's tokenizer_config.json (transformers' file beside tokenizer.json) that encoding a chat needs:
/// the Jinja <c>chat_template</c> (a string, or named templates of which "default" is used) and the special tokens
/// it refers to (each a string or an <c>{"content": ...}</c> object).
/// </summary>
public sealed record TokenizerConfig(string Path, string? ChatTemplate, bool HasChatTemplate, string? BosToken, string? EosToken, string? PadToken)
{
    /// <summary>Reads <paramref name="path"/>, or returns null when there is no such file.</summary>
    public static TokenizerConfig? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            var json = new JsonFieldReader(path);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw json.Fail("expected a JSON object at the top level");
            (string? template, bool hasTemplate) = ReadTemplate(root, json);
            return new TokenizerConfig(path, template, hasTemplate, Token(root, "bos_token", json), Token(root, "eos_token", json), Token(root, "pad_token", json));
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (IOException e)
        {
            throw new Learn2PdException($"{path}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            throw DamagedFile.Error(path, "damaged tokenizer config", e);
        }
    }

    private static (string? Template, bool Present) ReadTemplate(JsonElement root, JsonFieldReader json)
    {
        if (json.Optional(root, "chat_template", "") is not { } template) return (null, false);
        switch (template.ValueKind)
        {
            case JsonValueKind.String:
                string text = template.GetString()!;
                return (text.Length > 0 ? text : null, text.Length > 0);
            case JsonValueKind.Array:
                // Named templates: [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
                foreach ((JsonElement named, string where) in json.Array(root, "chat_template", ""))
                {
                    if (json.OptionalString(named, "name", where) == "default") return (json.RequiredString(named, "template", where), true);
                }
                return (null, template.GetArrayLength() > 0);
            default:
                throw json.Fail("chat_template: expected a string or a list of named templates");
        }
    }

    private static string? Token(JsonElement root, string name, JsonFieldReader json) =>
        json.Optional(root, name, "") switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o => json.RequiredString(o, "content", name),
            _ => throw json.Fail($"{name}: expected a string or an object with \"content\""),
        };
}
