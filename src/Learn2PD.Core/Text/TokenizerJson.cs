using System.Text.Json;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// A Hugging Face tokenizer.json, read, checked and built into its parts once: the model (BPE, WordPiece or
/// WordLevel), the added tokens with the ids HF gives them, normalizer, pre-tokenizer, post-processor and decoder.
/// Anything this loader would get wrong (a Unigram model, a Precompiled normalizer, truncation, a pattern .NET cannot
/// compile, ...) is refused with a one-line <see cref="Learn2PdException"/> naming the file and the component, never
/// approximated; so is a damaged file, whatever the damage.
/// </summary>
internal sealed record TokenizerJson(
    string Path,
    ITokenModel Model,
    IReadOnlyList<AddedToken> AddedTokens,
    TextNormalizer? Normalizer,
    TextPreTokenizer PreTokenizer,
    PostProcessor PostProcessor,
    TokenDecoder Decoder)
{
    public static TokenizerJson Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: tokenizer file not found");
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream);
            return Read(document.RootElement, new JsonFieldReader(path));
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: not valid JSON ({OneLine(e.Message)})", e);
        }
        catch (IOException e)
        {
            throw new Learn2PdException($"{path}: cannot read ({OneLine(e.Message)})", e);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // E.g. a string that is not valid UTF-8 ("Cannot transcode invalid UTF-8").
            throw DamagedFile.Error(path, "damaged tokenizer file", e);
        }
    }

    private static TokenizerJson Read(JsonElement root, JsonFieldReader json)
    {
        if (root.ValueKind != JsonValueKind.Object) throw json.Fail("expected a JSON object at the top level");
        if (json.OptionalString(root, "version", "") is { } version && version != "1.0")
            throw json.Fail($"version '{version}' is not supported (1.0 is)");
        // Either would change the ids of a long text; HF applies them on every encode.
        if (json.Optional(root, "truncation", "") is not null) throw json.Fail("truncation is not supported (set it to null)");
        if (json.Optional(root, "padding", "") is not null) throw json.Fail("padding is not supported (set it to null)");

        TextNormalizer? normalizer = json.Optional(root, "normalizer", "") is { } n ? TextNormalizer.Read(n, json) : null;
        TextPreTokenizer preTokenizer = json.Optional(root, "pre_tokenizer", "") is { } p ? TextPreTokenizer.Read(p, json) : TextPreTokenizer.None;
        PostProcessor postProcessor = json.Optional(root, "post_processor", "") is { } pp ? PostProcessor.Read(pp, json) : PostProcessor.None;
        TokenDecoder decoder = json.Optional(root, "decoder", "") is { } d ? TokenDecoder.Read(d, json) : TokenDecoder.None;
        ITokenModel model = ReadModel(json.Required(root, "model", JsonValueKind.Object, ""), preTokenizer.ByteLevel, json);
        return new TokenizerJson(json.Path, model, ReadAddedTokens(root, model.Vocab, json), normalizer, preTokenizer, postProcessor, decoder);
    }

    private static ITokenModel ReadModel(JsonElement model, bool byteLevel, JsonFieldReader json)
    {
        string type = json.OptionalString(model, "type", "model") ?? LegacyModelType(model, json);
        IReadOnlyDictionary<string, int> vocab = type is "BPE" or "WordPiece" or "WordLevel" ? ReadVocab(model, json) : new Dictionary<string, int>();
        string? unknown = json.OptionalString(model, "unk_token", "model");
        switch (type)
        {
            case "BPE":
                if (json.Optional(model, "dropout", "model") is { } dropout && (dropout.ValueKind != JsonValueKind.Number || dropout.GetDouble() != 0))
                    throw json.Fail("model.dropout is not supported (inference tokenization must be deterministic)");
                var settings = new BpeSettings(
                    vocab,
                    ReadMerges(model, json),
                    unknown,
                    NullIfEmpty(json.OptionalString(model, "continuing_subword_prefix", "model")),
                    NullIfEmpty(json.OptionalString(model, "end_of_word_suffix", "model")),
                    json.OptionalBool(model, "fuse_unk", "model", fallback: false),
                    json.OptionalBool(model, "byte_fallback", "model", fallback: false),
                    json.OptionalBool(model, "ignore_merges", "model", fallback: false));
                return BpeModel.Create(settings, byteLevel, json);
            case "WordPiece":
                if (byteLevel) throw json.Fail("a WordPiece model with the ByteLevel pre-tokenizer is not supported");
                return new WordPieceModel(
                    vocab,
                    UnknownId(unknown, vocab, "WordPiece", json),
                    json.RequiredString(model, "continuing_subword_prefix", "model"),
                    json.Count(json.Required(model, "max_input_chars_per_word", JsonValueKind.Number, "model"), "model.max_input_chars_per_word"));
            case "WordLevel":
                return new WordLevelModel(vocab, UnknownId(unknown, vocab, "WordLevel", json), byteLevel);
            default:
                throw json.Fail($"model.type '{type}' is not supported (BPE, WordPiece and WordLevel are)");
        }
    }

    // Files written before model.type existed: HF tries BPE (it has merges), then WordPiece, WordLevel, Unigram.
    private static string LegacyModelType(JsonElement model, JsonFieldReader json) =>
        json.Optional(model, "merges", "model") is not null ? "BPE"
        : json.Optional(model, "vocab", "model") is { ValueKind: JsonValueKind.Array } ? "Unigram"
        : json.Optional(model, "max_input_chars_per_word", "model") is not null ? "WordPiece"
        : "WordLevel";

    private static int UnknownId(string? unknown, IReadOnlyDictionary<string, int> vocab, string type, JsonFieldReader json)
    {
        if (unknown is null) throw json.Fail($"model.unk_token is missing ({type} needs one)");
        return vocab.TryGetValue(unknown, out int id) ? id : throw json.Fail($"model.unk_token '{unknown}' is not in model.vocab");
    }

    private static Dictionary<string, int> ReadVocab(JsonElement model, JsonFieldReader json)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in json.Required(model, "vocab", JsonValueKind.Object, "model").EnumerateObject())
        {
            int id = json.Count(entry.Value, $"model.vocab['{entry.Name}']");
            if (!result.TryAdd(entry.Name, id)) throw json.Fail($"model.vocab: token '{entry.Name}' appears twice");
        }
        if (result.Count == 0) throw json.Fail("model.vocab is empty");
        return result;
    }

    // HF writes merges as "a b" strings (older files) or ["a", "b"] pairs (tokenizers >= 0.20).
    private static List<(string Left, string Right)> ReadMerges(JsonElement model, JsonFieldReader json)
    {
        var merges = new List<(string Left, string Right)>();
        if (json.Optional(model, "merges", "model") is null) return merges;
        foreach ((JsonElement merge, string where) in json.Array(model, "merges", "model"))
        {
            merges.Add(merge.ValueKind switch
            {
                JsonValueKind.String when merge.GetString()!.Split(' ') is [{ Length: > 0 } a, { Length: > 0 } b] => (a, b),
                JsonValueKind.Array when merge.GetArrayLength() == 2 => (json.String(merge[0], where), json.String(merge[1], where)),
                _ => throw json.Fail($"{where}: expected \"a b\" or [\"a\", \"b\"]"),
            });
        }
        return merges;
    }

    // HF ignores the "id" written in added_tokens (it only warns when it differs): a token in the vocabulary keeps its
    // vocabulary id, any other gets the next id from the vocabulary's size on; a repeated content keeps its first id
    // and takes the last entry's settings. Empty contents are skipped.
    private static List<AddedToken> ReadAddedTokens(JsonElement root, IReadOnlyDictionary<string, int> vocab, JsonFieldReader json)
    {
        var tokens = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        if (json.Optional(root, "added_tokens", "") is null) return [];
        int nextId = vocab.Count;
        foreach ((JsonElement token, string where) in json.Array(root, "added_tokens", ""))
        {
            string content = json.RequiredString(token, "content", where);
            if (content.Length == 0) continue;
            if (json.OptionalBool(token, "single_word", where, fallback: false))
                throw json.Fail($"{where}: single_word added tokens are not supported ('{content}')");
            bool special = json.OptionalBool(token, "special", where, fallback: false);
            int id = tokens.TryGetValue(content, out AddedToken? earlier) ? earlier.Id
                : vocab.TryGetValue(content, out int inVocab) ? inVocab
                : nextId++;
            tokens[content] = new AddedToken(
                id,
                content,
                special || earlier?.Special == true,
                json.OptionalBool(token, "normalized", where, fallback: true),
                json.OptionalBool(token, "lstrip", where, fallback: false),
                json.OptionalBool(token, "rstrip", where, fallback: false));
        }
        return tokens.Values.ToList();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string OneLine(string message) => Regex.Replace(message, @"\s*[\r\n]+\s*", " ");
}
