using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// An entry of tokenizer.json's <c>added_tokens</c>, with the id Hugging Face gives it (see <c>HuggingFaceId</c>);
/// <c>Special</c> ones are dropped by skip-special decoding.
/// </summary>
internal sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>The tokenizer.json models this loader reproduces exactly.</summary>
internal enum TokenModelType
{
    /// <summary>Byte-pair encoding (byte-level as in LLaDA, or a plain character vocabulary).</summary>
    Bpe,
    /// <summary>Each pre-tokenized piece is one vocabulary entry, or the unknown token.</summary>
    WordLevel,
}

/// <summary>
/// The parts of a Hugging Face tokenizer.json that a BPE or WordLevel tokenizer needs, read and checked once. Anything
/// this loader would get wrong (another model type, byte fallback, a pre-tokenizer it does not know) is
/// refused with a one-line <see cref="Learn2PdException"/> naming the file, never approximated.
/// </summary>
internal sealed record TokenizerJson(
    string Path,
    TokenModelType ModelType,
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    IReadOnlyList<Regex> SplitPatterns,
    bool ByteLevel,
    NormalizationForm? Normalization,
    string? UnknownToken,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix,
    bool FuseUnknown,
    bool IgnoreMerges)
{
    // What the ByteLevel pre-tokenizer splits with when use_regex is true (the GPT-2 pattern).
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static TokenizerJson Read(string path)
    {
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: tokenizer file not found");
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream);
            return new Reader(path).Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: not valid JSON ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new Learn2PdException($"{path}: cannot read ({e.Message})", e);
        }
    }

    private sealed class Reader(string path)
    {
        private readonly List<Regex> _patterns = [];
        private bool _byteLevel;

        public TokenizerJson Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Fail("expected a JSON object at the top level");
            JsonElement model = Required(root, "model", JsonValueKind.Object, "");
            string type = Optional(model, "type") is { } t ? String(t, "model.type") : "BPE";
            TokenModelType modelType = type switch
            {
                "BPE" => TokenModelType.Bpe,
                "WordLevel" => TokenModelType.WordLevel,
                _ => throw Fail($"model.type '{type}' is not supported (BPE and WordLevel are)"),
            };
            string? unknown = OptionalString(model, "unk_token");
            if (modelType == TokenModelType.WordLevel && unknown is null) throw Fail("model.unk_token is missing (WordLevel needs one)");
            if (Optional(model, "byte_fallback") is { } fallback && Bool(fallback, "model.byte_fallback"))
                throw Fail("model.byte_fallback is not supported");
            if (Optional(model, "dropout") is { } dropout && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
                throw Fail("model.dropout is not supported (inference tokenization must be deterministic)");

            NormalizationForm? normalization = Optional(root, "normalizer") is { } normalizer
                ? TypeOf(normalizer, "normalizer") switch
                {
                    "NFC" => NormalizationForm.FormC,
                    "NFD" => NormalizationForm.FormD,
                    "NFKC" => NormalizationForm.FormKC,
                    "NFKD" => NormalizationForm.FormKD,
                    var other => throw Fail($"normalizer '{other}' is not supported (NFC, NFD, NFKC and NFKD are)"),
                }
                : null;
            if (Optional(root, "pre_tokenizer") is { } preTokenizer) AddPreTokenizer(preTokenizer, "pre_tokenizer");
            string? decoderType = Optional(root, "decoder") is { } decoder ? TypeOf(decoder, "decoder") : null;
            if (decoderType is not (null or "ByteLevel" or "Fuse"))
                throw Fail($"decoder '{decoderType}' is not supported (ByteLevel or Fuse are)");
            // Without the byte-level decoder, Hugging Face joins WordLevel tokens with spaces.
            if (modelType == TokenModelType.WordLevel && decoderType != "ByteLevel")
                throw Fail($"a WordLevel model needs the ByteLevel decoder (got {decoderType ?? "none"})");

            Dictionary<string, int> vocab = ReadVocab(Required(model, "vocab", JsonValueKind.Object, "model"));
            if (unknown is not null && modelType == TokenModelType.WordLevel && !vocab.ContainsKey(unknown))
                throw Fail($"model.unk_token '{unknown}' is not in model.vocab");
            return new TokenizerJson(
                path,
                modelType,
                vocab,
                ReadMerges(model),
                ReadAddedTokens(root, vocab),
                _patterns,
                _byteLevel,
                normalization,
                unknown,
                OptionalString(model, "continuing_subword_prefix"),
                OptionalString(model, "end_of_word_suffix"),
                Optional(model, "fuse_unk") is { } fuse && Bool(fuse, "model.fuse_unk"),
                Optional(model, "ignore_merges") is { } ignore && Bool(ignore, "model.ignore_merges"));
        }

        private void AddPreTokenizer(JsonElement node, string where)
        {
            switch (TypeOf(node, where))
            {
                case "Sequence":
                    int i = 0;
                    foreach (JsonElement inner in Required(node, "pretokenizers", JsonValueKind.Array, where).EnumerateArray())
                        AddPreTokenizer(inner, $"{where}.pretokenizers[{i++}]");
                    break;
                case "Split":
                    string behavior = String(Required(node, "behavior", JsonValueKind.String, where), $"{where}.behavior");
                    // Isolated keeps matches and gaps alike, so `invert` makes no difference to it.
                    if (behavior != "Isolated") throw Fail($"{where}: Split behavior '{behavior}' is not supported (only Isolated is)");
                    JsonElement pattern = Required(node, "pattern", JsonValueKind.Object, where);
                    if (Optional(pattern, "Regex") is { } regex) AddPattern(String(regex, $"{where}.pattern.Regex"), where);
                    else if (Optional(pattern, "String") is { } literal) AddPattern(Regex.Escape(String(literal, $"{where}.pattern.String")), where);
                    else throw Fail($"{where}.pattern: expected Regex or String");
                    break;
                case "Digits":
                    bool individual = Optional(node, "individual_digits") is { } d && Bool(d, $"{where}.individual_digits");
                    AddPattern(individual ? @"\p{N}" : @"\p{N}+", where);
                    break;
                case "ByteLevel":
                    if (Optional(node, "add_prefix_space") is { } prefix && Bool(prefix, $"{where}.add_prefix_space"))
                        throw Fail($"{where}: add_prefix_space is not supported");
                    if (Optional(node, "use_regex") is not { } useRegex || Bool(useRegex, $"{where}.use_regex")) AddPattern(Gpt2Pattern, where);
                    _byteLevel = true;
                    break;
                case var other:
                    throw Fail($"{where}: pre-tokenizer '{other}' is not supported (Split, Digits, ByteLevel and Sequence are)");
            }
        }

        private void AddPattern(string pattern, string where)
        {
            try
            {
                _patterns.Add(new Regex(pattern, RegexOptions.CultureInvariant));
            }
            catch (ArgumentException e)
            {
                throw Fail($"{where}: pattern is not a .NET regular expression ({e.Message})");
            }
        }

        private Dictionary<string, int> ReadVocab(JsonElement vocab)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (JsonProperty entry in vocab.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                    throw Fail($"model.vocab['{entry.Name}']: expected a non-negative integer id");
                if (!result.TryAdd(entry.Name, id)) throw Fail($"model.vocab: token '{entry.Name}' appears twice");
            }
            if (result.Count == 0) throw Fail("model.vocab is empty");
            return result;
        }

        // HF writes merges as "a b" strings (older files) or ["a", "b"] pairs (tokenizers >= 0.20).
        private List<(string Left, string Right)> ReadMerges(JsonElement model)
        {
            var merges = new List<(string Left, string Right)>();
            if (Optional(model, "merges") is not { } array) return merges;
            if (array.ValueKind != JsonValueKind.Array) throw Fail("model.merges: expected an array");
            foreach (JsonElement merge in array.EnumerateArray())
            {
                string where = $"model.merges[{merges.Count}]";
                (string left, string right) = merge.ValueKind switch
                {
                    JsonValueKind.String when merge.GetString()!.Split(' ') is [var a, var b] => (a, b),
                    JsonValueKind.Array when merge.GetArrayLength() == 2 => (String(merge[0], where), String(merge[1], where)),
                    _ => throw Fail($"{where}: expected \"a b\" or [\"a\", \"b\"]"),
                };
                // Microsoft.ML.Tokenizers takes merges only as "a b" strings.
                if (left.Length == 0 || right.Length == 0 || left.Contains(' ') || right.Contains(' '))
                    throw Fail($"{where}: merge parts must be non-empty and contain no space");
                merges.Add((left, right));
            }
            return merges;
        }

        private List<AddedToken> ReadAddedTokens(JsonElement root, Dictionary<string, int> vocab)
        {
            var tokens = new List<AddedToken>();
            if (Optional(root, "added_tokens") is not { } array) return tokens;
            if (array.ValueKind != JsonValueKind.Array) throw Fail("added_tokens: expected an array");
            foreach (JsonElement token in array.EnumerateArray())
            {
                string where = $"added_tokens[{tokens.Count}]";
                if (token.ValueKind != JsonValueKind.Object) throw Fail($"{where}: expected an object");
                string content = String(Required(token, "content", JsonValueKind.String, where), $"{where}.content");
                if (content.Length == 0) throw Fail($"{where}.content is empty");
                bool special = Optional(token, "special") is { } s && Bool(s, $"{where}.special");
                // single_word / lstrip / rstrip / normalized are not modelled: LLaDA's added tokens leave them false.
                tokens.Add(new AddedToken(HuggingFaceId(content, vocab, tokens), content, special));
            }
            return tokens;
        }

        // HF ignores the "id" written in added_tokens (it only warns when it differs): a token in the vocabulary
        // keeps its vocabulary id, any other gets the next id after the vocabulary and the added tokens so far.
        private static int HuggingFaceId(string content, Dictionary<string, int> vocab, List<AddedToken> earlier)
        {
            if (vocab.TryGetValue(content, out int id)) return id;
            int? max = earlier.Count == 0 ? null : earlier.Max(t => t.Id);
            return max is { } m && m >= vocab.Count ? m + 1 : vocab.Count;
        }

        private string TypeOf(JsonElement node, string where)
        {
            if (node.ValueKind != JsonValueKind.Object) throw Fail($"{where}: expected an object");
            return String(Required(node, "type", JsonValueKind.String, where), $"{where}.type");
        }

        // `parent` is the JSON path of obj ("" for the top level), for the message.
        private JsonElement Required(JsonElement obj, string name, JsonValueKind kind, string parent)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
                throw Fail(parent.Length == 0 ? $"'{name}' is missing" : $"{parent}: '{name}' is missing");
            if (value.ValueKind != kind)
                throw Fail($"{(parent.Length == 0 ? name : $"{parent}.{name}")}: expected {kind.ToString().ToLowerInvariant()}, found {value.ValueKind.ToString().ToLowerInvariant()}");
            return value;
        }

        // An absent property and an explicit null mean the same in tokenizer.json.
        private static JsonElement? Optional(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private string? OptionalString(JsonElement obj, string name) =>
            Optional(obj, name) is { } value ? String(value, $"model.{name}") : null;

        private string String(JsonElement value, string where) =>
            value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail($"{where}: expected a string");

        private bool Bool(JsonElement value, string where) => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"{where}: expected true or false"),
        };

        private Learn2PdException Fail(string message) => new($"{path}: {message}");
    }
}
