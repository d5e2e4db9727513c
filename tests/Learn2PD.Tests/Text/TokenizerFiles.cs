using System.Text.Json.Nodes;

namespace Learn2PD.Tests.Text;

/// <summary>
/// Small tokenizer.json files written by the tests. The byte-level one is LLaDA's shape in miniature: the 256
/// byte symbols (id = byte value), six merges, the LLaDA added tokens at 262..267, a Split pre-tokenizer with a
/// llama-3 style pattern whose digits go one per piece, then ByteLevel without its own regex.
/// </summary>
internal sealed class TokenizerFiles : IDisposable
{
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // Merge ranks in order; the merged token's id is 256 + rank.
    public static readonly (string Left, string Right)[] Merges =
        [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("l", "l"), ("Ċ", "Ċ"), ("1", "2")];

    public static readonly (int Id, string Content)[] AddedTokens =
        [(262, "<|startoftext|>"), (263, "<|endoftext|>"), (264, "<|mdm_mask|>"),
         (265, "<|start_header_id|>"), (266, "<|end_header_id|>"), (267, "<|eot_id|>")];

    public string Dir { get; } = Directory.CreateTempSubdirectory("l2pd-text-").FullName;

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>Writes <paramref name="json"/> as <paramref name="name"/> in <see cref="Dir"/> and returns its path.</summary>
    public string Write(JsonNode json, string name = "tokenizer.json") => WriteText(json.ToJsonString(), name);

    public string WriteText(string text, string name = "tokenizer.json")
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static JsonObject ByteLevel(bool pairMerges = false)
    {
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[ByteSymbol((byte)b)] = b;
        var merges = new JsonArray();
        for (int rank = 0; rank < Merges.Length; rank++)
        {
            (string left, string right) = Merges[rank];
            vocab[left + right] = 256 + rank;
            merges.Add(pairMerges ? new JsonArray(left, right) : JsonValue.Create($"{left} {right}"));
        }

        var added = new JsonArray();
        foreach ((int id, string content) in AddedTokens)
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false,
                ["vocab"] = vocab, ["merges"] = merges,
            },
        };
    }

    /// <summary>GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for 256, 257, ... in byte order.</summary>
    public static string ByteSymbol(byte value)
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
        if (Printable(value)) return ((char)value).ToString();
        int shifted = 0;
        for (int b = 0; b < value; b++) if (!Printable(b)) shifted++;
        return ((char)(256 + shifted)).ToString();
    }
}
