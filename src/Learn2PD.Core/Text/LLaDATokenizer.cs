using System.Text;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// A Hugging Face tokenizer.json, encoding and decoding exactly as HF's <c>tokenizers</c> does: byte-level BPE as in
/// LLaDA-8B-Instruct, GPT-2 and Llama 3 (merges by Microsoft.ML.Tokenizers' BPE), SentencePiece-style BPE with byte
/// fallback as in Mistral, WordPiece as in BERT, the character-level vocabulary written by <see cref="CharVocabulary"/>
/// and the word-level one written by <see cref="WordVocabulary"/>. Whatever part of a file it cannot reproduce is
/// refused at load (see <see cref="TokenizerJson"/>).
/// Encoding follows HF: added tokens are cut out of the text, the rest is normalized, pre-tokenized and each piece
/// encoded by the model; with special tokens the post-processor adds its ids (e.g. Llama 3's BOS, BERT's [CLS] … [SEP]).
/// </summary>
public sealed class LLaDATokenizer
{
    private readonly TokenizerJson _json;
    private readonly AddedVocabulary _added;
    private readonly Dictionary<string, int> _addedIds;
    private readonly HashSet<string> _specialContents;

    private LLaDATokenizer(TokenizerJson json, TokenizerConfig? config)
    {
        _json = json;
        _added = new AddedVocabulary(json.AddedTokens, json.Normalizer);
        _addedIds = json.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        _specialContents = json.AddedTokens.Where(t => t.Special).Select(t => t.Content).ToHashSet(StringComparer.Ordinal);
        Config = config;
        int maxId = json.Model.Vocab.Values.Max();
        if (json.AddedTokens.Count > 0) maxId = Math.Max(maxId, json.AddedTokens.Max(t => t.Id));
        VocabularySize = maxId + 1;
    }

    /// <summary>The tokenizer.json this tokenizer was read from.</summary>
    public string Path => _json.Path;

    /// <summary>Highest token id + 1 over the vocabulary and the added tokens: the rows an embedding needs at least.</summary>
    public int VocabularySize { get; }

    /// <summary>tokenizer_config.json beside tokenizer.json, when there is one.</summary>
    public TokenizerConfig? Config { get; }

    /// <summary>Whether tokenizer_config.json beside tokenizer.json defines a <c>chat_template</c>.</summary>
    public bool HasChatTemplate => Config?.HasChatTemplate == true;

    /// <summary>Loads <c>tokenizer.json</c> from a model directory, or the given tokenizer.json file.</summary>
    public static LLaDATokenizer Load(string modelDirOrTokenizerJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirOrTokenizerJson);
        string path = Directory.Exists(modelDirOrTokenizerJson)
            ? System.IO.Path.Combine(modelDirOrTokenizerJson, "tokenizer.json")
            : modelDirOrTokenizerJson;
        TokenizerJson json = TokenizerJson.Read(path);
        string configPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "tokenizer_config.json");
        return new LLaDATokenizer(json, TokenizerConfig.Read(configPath));
    }

    /// <summary>HF's <c>encode(text, add_special_tokens=False)</c>: no post-processor ids (LLaDA's chat template writes its own BOS).</summary>
    public IReadOnlyList<int> Encode(string text) => Encode(text, addSpecialTokens: false);

    /// <summary>HF's <c>encode(text, add_special_tokens)</c>: with special tokens, the post-processor's ids go around the text.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        // HF takes Rust strings, which cannot hold a lone surrogate; its bindings turn one into U+FFFD.
        if (HasLoneSurrogate(text)) text = ReplaceLoneSurrogates(text);

        var ids = new List<int>();
        if (addSpecialTokens) ids.AddRange(_json.PostProcessor.Prefix);
        try
        {
            foreach (TextSegment segment in _added.Split(text))
            {
                if (segment.TokenId is { } added) { ids.Add(added); continue; }
                foreach (TextPiece piece in _json.PreTokenizer.PreTokenize(new TextPiece(segment.Text, segment.AtTextStart)))
                    _json.Model.Tokenize(piece.Text, ids);
            }
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new Learn2PdException($"{Path}: a pattern of this tokenizer takes too long on the text ({e.Pattern})", e);
        }
        if (addSpecialTokens) ids.AddRange(_json.PostProcessor.Suffix);
        return ids;
    }

    /// <summary>HF's <c>decode(ids, skip_special_tokens)</c>; ids outside the vocabulary (e.g. the padded tail of an embedding) decode to nothing.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string? token = _added.DecodedForm.TryGetValue(id, out string? added) ? added : _json.Model.IdToToken(id);
            if (token is null || skipSpecialTokens && _specialContents.Contains(token)) continue;
            tokens.Add(token);
        }
        return _json.Decoder.Decode(tokens);
    }

    /// <summary>The id of an added token or of a vocabulary entry (in its stored form, e.g. "Ġthe" when byte-level).</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedIds.TryGetValue(token, out int id) || _json.Model.Vocab.TryGetValue(token, out id)) return id;
        return null;
    }

    /// <summary>
    /// Encodes a conversation with the LLaDA-Instruct template (see <see cref="ChatTemplate"/>), ready for the answer,
    /// with tokenizer_config.json's <c>bos_token</c>. A config whose template is another one is refused.
    /// </summary>
    public IReadOnlyList<int> EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        if (Config?.ChatTemplate is { } jinja && !ChatTemplate.IsLLaDAInstruct(jinja))
            throw new Learn2PdException($"{Config.Path}: chat_template is not LLaDA-8B-Instruct's, the only one l2pd renders");
        string bos = Config?.BosToken ?? SpecialToken.StartOfText;
        if (ChatTemplate.RequiredTokens.Select(t => t == SpecialToken.StartOfText ? bos : t).FirstOrDefault(t => !_addedIds.ContainsKey(t)) is { } missing)
            throw new Learn2PdException($"{Path}: has no added token {missing}, so it cannot encode the LLaDA chat template");
        return Encode(ChatTemplate.Render(messages, bos));
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var output = new StringBuilder(text.Length);
        foreach (Rune r in text.EnumerateRunes()) output.Append(r.ToString()); // EnumerateRunes yields U+FFFD for a lone surrogate
        return output.ToString();
    }
}
