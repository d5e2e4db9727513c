using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Learn2PD.Core.Text;

/// <summary>
/// A Hugging Face tokenizer.json (byte-level BPE as in LLaDA-8B-Instruct, the character-level vocabulary
/// written by <see cref="CharVocabulary"/>, or a byte-level WordLevel vocabulary written by
/// <see cref="WordVocabulary"/>) on top of Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>, which also
/// decodes WordLevel ids (a vocabulary without merges).
/// Encoding follows HF: added tokens are matched in the raw text first, the rest is split by the
/// pre-tokenizer's patterns and each piece goes through BPE. <see cref="Encode"/> is HF's
/// <c>encode(text, add_special_tokens=False)</c>: the post_processor is not applied, so no BOS/EOS is added
/// (LLaDA's adds none anyway).
/// </summary>
public sealed class LLaDATokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly SplitPreTokenizer _preTokenizer;
    private readonly Dictionary<string, int> _addedTokens;
    private readonly HashSet<int> _specialIds;
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly bool _byteLevel;
    private readonly bool _ignoreMerges;
    private readonly NormalizationForm? _normalization;
    private readonly TokenModelType _modelType;
    private readonly int? _unknownId;

    private LLaDATokenizer(TokenizerJson json, Dictionary<string, int> addedTokens, BpeTokenizer bpe, SplitPreTokenizer preTokenizer, bool hasChatTemplate)
    {
        Path = json.Path;
        _bpe = bpe;
        _preTokenizer = preTokenizer;
        _addedTokens = addedTokens;
        _specialIds = json.AddedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();
        _vocab = json.Vocab;
        _byteLevel = json.ByteLevel;
        _ignoreMerges = json.IgnoreMerges;
        _normalization = json.Normalization;
        _modelType = json.ModelType;
        _unknownId = json.UnknownToken is { } unknown && json.Vocab.TryGetValue(unknown, out int id) ? id : null;
        VocabularySize = Math.Max(json.Vocab.Values.Max(), json.AddedTokens.Count == 0 ? -1 : json.AddedTokens.Max(t => t.Id)) + 1;
        HasChatTemplate = hasChatTemplate;
    }

    /// <summary>The tokenizer.json this tokenizer was read from.</summary>
    public string Path { get; }

    /// <summary>Highest token id + 1 over the vocabulary and the added tokens: the rows an embedding needs at least.</summary>
    public int VocabularySize { get; }

    /// <summary>Whether tokenizer_config.json beside tokenizer.json defines a <c>chat_template</c>.</summary>
    public bool HasChatTemplate { get; }

    /// <summary>Loads <c>tokenizer.json</c> from a model directory, or the given tokenizer.json file.</summary>
    public static LLaDATokenizer Load(string modelDirOrTokenizerJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirOrTokenizerJson);
        string path = Directory.Exists(modelDirOrTokenizerJson)
            ? System.IO.Path.Combine(modelDirOrTokenizerJson, "tokenizer.json")
            : modelDirOrTokenizerJson;
        TokenizerJson json = TokenizerJson.Read(path);

        if (json.Normalization is { } form && json.AddedTokens.FirstOrDefault(t => !t.Content.IsNormalized(form)) is { } changed)
            throw new Learn2PdException($"{path}: added token '{changed.Content}' changes under the normalizer, which this loader does not support");

        var preTokenizer = new SplitPreTokenizer(json.AddedTokens.Select(t => t.Content), json.SplitPatterns);
        Dictionary<string, int> addedTokens;
        BpeTokenizer bpe;
        try
        {
            addedTokens = json.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
            bpe = BpeTokenizer.Create(new BpeOptions(json.Vocab)
            {
                Merges = json.Merges.Select(m => $"{m.Left} {m.Right}"),
                // Every added token, special or not, is matched before BPE and decodes to its content.
                SpecialTokens = addedTokens,
                PreTokenizer = preTokenizer,
                ByteLevel = json.ByteLevel,
                UnknownToken = json.UnknownToken,
                FuseUnknownTokens = json.FuseUnknown,
                ContinuingSubwordPrefix = json.ContinuingSubwordPrefix,
                EndOfWordSuffix = json.EndOfWordSuffix,
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new Learn2PdException($"{path}: {e.Message}", e);
        }

        string configPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "tokenizer_config.json");
        return new LLaDATokenizer(json, addedTokens, bpe, preTokenizer, ReadHasChatTemplate(configPath));
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Normalizing the whole text equals HF's per-segment normalization because Load checked that the
        // added tokens are unchanged by it.
        if (_normalization is { } form) text = text.Normalize(form);

        var ids = new List<int>();
        foreach ((int offset, int length) in _preTokenizer.PreTokenize(text))
        {
            string piece = text.Substring(offset, length);
            if (_addedTokens.TryGetValue(piece, out int added)) ids.Add(added);
            else if (_modelType == TokenModelType.WordLevel) ids.Add(WordLevelId(piece));
            else if (_ignoreMerges) ids.AddRange(EncodeIgnoringMerges(piece));
            else ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // Ids outside the vocabulary (e.g. the padded tail of an embedding) decode to nothing, as in HF.
        return _bpe.Decode(skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids, considerSpecialTokens: true);
    }

    /// <summary>The id of an added token or of a vocabulary entry (in its stored form, e.g. "Ġthe" when byte-level).</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedTokens.TryGetValue(token, out int id) || _vocab.TryGetValue(token, out id)) return id;
        return null;
    }

    /// <summary>Encodes a conversation with the LLaDA-Instruct template (see <see cref="ChatTemplate"/>), ready for the answer.</summary>
    public IReadOnlyList<int> EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        if (ChatTemplate.RequiredTokens.FirstOrDefault(t => !_addedTokens.ContainsKey(t)) is { } missing)
            throw new Learn2PdException($"{Path}: has no added token {missing}, so it cannot encode the LLaDA chat template");
        return Encode(ChatTemplate.Render(messages));
    }

    // HF's WordLevel: the whole piece (in its stored, byte-level form) is one entry, or the unknown token.
    private int WordLevelId(string piece) =>
        _vocab.TryGetValue(_byteLevel ? ByteLevelAlphabet.Encode(piece) : piece, out int id) ? id : _unknownId!.Value;

    // HF's ignore_merges: a piece that is itself a vocabulary entry becomes that one token, whatever BPE would do.
    private IReadOnlyList<int> EncodeIgnoringMerges(string piece)
    {
        IReadOnlyList<EncodedToken> tokens = _bpe.EncodeToTokens(piece, out _, considerPreTokenization: false, considerNormalization: false);
        // Byte-level BPE never drops bytes, so its tokens' stored forms spell the piece's stored form.
        string stored = _byteLevel ? string.Concat(tokens.Select(t => t.Value)) : piece;
        if (tokens.Count > 1 && _vocab.TryGetValue(stored, out int whole)) return [whole];
        return tokens.Select(t => t.Id).ToList();
    }

    private static bool ReadHasChatTemplate(string configPath)
    {
        if (!File.Exists(configPath)) return false;
        try
        {
            using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(configPath));
            return config.RootElement.ValueKind == JsonValueKind.Object
                && config.RootElement.TryGetProperty("chat_template", out JsonElement template)
                && template.ValueKind switch
                {
                    JsonValueKind.String => template.GetString()!.Length > 0,
                    JsonValueKind.Array => template.GetArrayLength() > 0, // named templates: [{name, template}, ...]
                    _ => false,
                };
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{configPath}: not valid JSON ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new Learn2PdException($"{configPath}: cannot read ({e.Message})", e);
        }
    }
}
