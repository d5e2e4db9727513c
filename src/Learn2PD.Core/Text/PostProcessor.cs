using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// tokenizer.json's <c>post_processor</c> for one sequence, applied when special tokens are asked for
/// (<c>add_special_tokens=True</c>): the ids it puts before and after the encoded text (TemplateProcessing's
/// <c>single</c>, BertProcessing's and RobertaProcessing's [CLS] … [SEP]; ByteLevel only moves offsets).
/// </summary>
internal sealed record PostProcessor(IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix)
{
    private const string Supported = "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence are";

    public static PostProcessor None { get; } = new([], []);

    public static PostProcessor Read(JsonElement node, JsonFieldReader json) => Read(node, "post_processor", json);

    private static PostProcessor Read(JsonElement node, string where, JsonFieldReader json)
    {
        switch (json.TypeOf(node, where))
        {
            case "ByteLevel":
                return None;
            case "Sequence":
                // Each processor wraps what the previous ones produced.
                PostProcessor result = None;
                foreach ((JsonElement inner, string innerWhere) in json.Array(node, "processors", where))
                {
                    PostProcessor next = Read(inner, innerWhere, json);
                    result = new PostProcessor([.. next.Prefix, .. result.Prefix], [.. result.Suffix, .. next.Suffix]);
                }
                return result;
            case "BertProcessing" or "RobertaProcessing":
                return new PostProcessor([TokenId(node, "cls", where, json)], [TokenId(node, "sep", where, json)]);
            case "TemplateProcessing":
                return Template(node, where, json);
            case var other:
                throw json.Fail(where == "post_processor"
                    ? $"post-processor '{other}' is not supported ({Supported})"
                    : $"post-processor '{other}' ({where}) is not supported ({Supported})");
        }
    }

    // "cls": ["[CLS]", 101]
    private static int TokenId(JsonElement node, string name, string where, JsonFieldReader json)
    {
        JsonElement pair = json.Required(node, name, JsonValueKind.Array, where);
        if (pair.GetArrayLength() != 2) throw json.Fail($"{where}.{name}: expected [token, id]");
        return json.Count(pair[1], $"{where}.{name}[1]");
    }

    private static PostProcessor Template(JsonElement node, string where, JsonFieldReader json)
    {
        JsonElement specials = json.Required(node, "special_tokens", JsonValueKind.Object, where);
        var prefix = new List<int>();
        var suffix = new List<int>();
        bool sequenceSeen = false;
        foreach ((JsonElement piece, string pieceWhere) in json.Array(node, "single", where))
        {
            if (json.Optional(piece, "Sequence", pieceWhere) is { } sequence)
            {
                string id = json.RequiredString(sequence, "id", $"{pieceWhere}.Sequence");
                if (id != "A" || sequenceSeen) throw json.Fail($"{pieceWhere}: a single-sequence template must hold sequence A exactly once");
                sequenceSeen = true;
            }
            else if (json.Optional(piece, "SpecialToken", pieceWhere) is { } special)
            {
                string name = json.RequiredString(special, "id", $"{pieceWhere}.SpecialToken");
                JsonElement entry = json.Optional(specials, name, $"{where}.special_tokens")
                    ?? throw json.Fail($"{pieceWhere}: special token '{name}' is not in {where}.special_tokens");
                string entryWhere = $"{where}.special_tokens.{name}";
                (sequenceSeen ? suffix : prefix).AddRange(json.Array(entry, "ids", entryWhere).Select(p => json.Count(p.Item, p.Where)));
            }
            else
            {
                throw json.Fail($"{pieceWhere}: expected Sequence or SpecialToken");
            }
        }
        if (!sequenceSeen) throw json.Fail($"{where}.single: the template has no sequence A");
        return new PostProcessor(prefix, suffix);
    }
}
