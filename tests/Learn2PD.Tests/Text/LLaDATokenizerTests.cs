using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Text;

namespace Learn2PD.Tests.Text;

/// <summary>
/// The byte-level BPE path on <see cref="TokenizerFiles.ByteLevel"/>. Expected ids are worked out by hand:
/// a byte is its own id, merges are "Ġ t"=256, "h e"=257, "Ġt he"=258, "l l"=259, "Ċ Ċ"=260, "1 2"=261
/// (Ġ is the space byte 32, Ċ the newline byte 10), added tokens are 262..267.
/// </summary>
public sealed class LLaDATokenizerTests : IDisposable
{
    private readonly TokenizerFiles _files = new();

    public void Dispose() => _files.Dispose();

    private LLaDATokenizer LoadByteLevel(JsonObject? json = null)
    {
        _files.Write(json ?? TokenizerFiles.ByteLevel());
        return LLaDATokenizer.Load(_files.Dir);
    }

    [Fact]
    public void Encode_AppliesMergesInRankOrder()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        // " the": Ġ t -> Ġt (rank 0), h e -> he (rank 1), Ġt he -> Ġthe (rank 2).
        Assert.Equal([258], tokenizer.Encode(" the"));
        // "the" | " hello": t he; Ġ he ll o.
        Assert.Equal([116, 257, 32, 257, 259, 111], tokenizer.Encode("the hello"));
    }

    [Fact]
    public void Encode_SplitsDigitsOnePerToken()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        // The merge "1 2" never applies: the pre-tokenizer isolates every digit.
        Assert.Equal([49, 50, 49, 50], tokenizer.Encode("1212"));
        Assert.Equal([120, 49, 50, 32, 51], tokenizer.Encode("x12 3"));
    }

    [Fact]
    public void Encode_KeepsSpacesAndNewlines()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        // Pieces "a" | " " | " b" | "\n\n" | "c".
        Assert.Equal([97, 32, 32, 98, 260, 99], tokenizer.Encode("a  b\n\nc"));
        Assert.Equal("a  b\n\nc", tokenizer.Decode(tokenizer.Encode("a  b\n\nc")));
    }

    [Fact]
    public void Encode_WritesNonAsciiAsUtf8Bytes()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        Assert.Equal([0xC3, 0xA9], tokenizer.Encode("é"));
        Assert.Equal([0xF0, 0x9F, 0x99, 0x82], tokenizer.Encode("🙂"));
    }

    [Fact]
    public void EncodeDecode_RoundTripsSpacesNewlinesDigitsAndUnicode()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        string[] texts =
        [
            "", " ", "   leading and trailing   ", "line one\nline two\r\n\r\n\ttabbed", "3.14159 and 2024-06-01, x=42",
            "héllo wörld", "你好，世界", "emoji 🙂👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "don't we'll THEY'RE", "\u0000\u001f\u007f control",
        ];
        foreach (string text in texts) Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void Encode_RecognisesSpecialTokensInsideText()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        Assert.Equal([97, 264, 264, 32, 98, 263], tokenizer.Encode("a<|mdm_mask|><|mdm_mask|> b<|endoftext|>"));
        // Not quite a special token: plain bytes.
        Assert.Equal([60, 124, 101, 111, 116], tokenizer.Encode("<|eot"));
    }

    [Fact]
    public void Decode_SkipsSpecialTokensOnlyWhenAsked()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        Assert.Equal("<|endoftext|> the<|mdm_mask|>", tokenizer.Decode([263, 258, 264]));
        Assert.Equal(" the", tokenizer.Decode([263, 258, 264], skipSpecialTokens: true));
    }

    [Fact]
    public void Decode_DropsIdsOutsideTheVocabulary()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        Assert.Equal("ab", tokenizer.Decode([97, 280, 98, 100_000]));
    }

    [Fact]
    public void TokenToId_FindsAddedTokensAndStoredVocabularyForms()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        Assert.Equal(264, tokenizer.TokenToId("<|mdm_mask|>"));
        Assert.Equal(258, tokenizer.TokenToId("Ġthe"));
        Assert.Null(tokenizer.TokenToId("the"));
        Assert.Equal(268, tokenizer.VocabularySize);
    }

    [Fact]
    public void EncodeChat_ProducesTheLLaDAInstructIds()
    {
        LLaDATokenizer tokenizer = LoadByteLevel();
        IReadOnlyList<int> ids = tokenizer.EncodeChat([new("system", "Be brief."), new("user", "  What is 1+1?\n")]);

        int[] expected =
        [
            262, // <|startoftext|>, once
            265, 115, 121, 115, 116, 101, 109, 266, // <|start_header_id|>system<|end_header_id|>
            260, 66, 101, 32, 98, 114, 105, 101, 102, 46, 267, // \n\n | Be | " brief" | . <|eot_id|>
            265, 117, 115, 101, 114, 266, // <|start_header_id|>user<|end_header_id|>
            260, 87, 104, 97, 116, 32, 105, 115, 32, 49, 43, 49, 63, 267, // \n\n | What | " is" | " " | 1 | + | 1 | ? (content stripped)
            265, 97, 115, 115, 105, 115, 116, 97, 110, 116, 266, 260, // <|start_header_id|>assistant<|end_header_id|>\n\n
        ];
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void ChatTemplate_StripsContentLikePython()
    {
        string text = ChatTemplate.Render([new("user", "\u001f\t hi there \u00a0\n")]);
        Assert.Equal("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nhi there<|eot_id|>"
                     + "<|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void HasChatTemplate_ReflectsTokenizerConfig()
    {
        Assert.False(LoadByteLevel().HasChatTemplate);
        _files.Write(new JsonObject { ["chat_template"] = "{{ bos_token }}" }, "tokenizer_config.json");
        Assert.True(LLaDATokenizer.Load(_files.Dir).HasChatTemplate);
        _files.Write(new JsonObject { ["chat_template"] = null }, "tokenizer_config.json");
        Assert.False(LLaDATokenizer.Load(Path.Combine(_files.Dir, "tokenizer.json")).HasChatTemplate);
    }

    [Fact]
    public void Load_NumbersAddedTokensLikeHuggingFace()
    {
        // HF ignores the ids written in added_tokens: a token already in the vocabulary keeps its id, the
        // others follow the vocabulary in file order.
        JsonObject json = TokenizerFiles.ByteLevel();
        JsonArray added = json["added_tokens"]!.AsArray();
        for (int i = 0; i < added.Count; i++) added[i]!["id"] = 300 + i;
        added.Insert(0, new JsonObject { ["id"] = 999, ["content"] = "he", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = false });
        LLaDATokenizer tokenizer = LoadByteLevel(json);

        Assert.Equal(257, tokenizer.TokenToId("he"));
        Assert.Equal(262, tokenizer.TokenToId("<|startoftext|>"));
        Assert.Equal(267, tokenizer.TokenToId("<|eot_id|>"));
        // A non-special added token survives skip-special decoding.
        Assert.Equal("he", tokenizer.Decode([257, 262], skipSpecialTokens: true));
    }

    [Fact]
    public void Load_AcceptsMergesAsStringsOrPairs()
    {
        IReadOnlyList<int> fromStrings = LoadByteLevel(TokenizerFiles.ByteLevel(pairMerges: false)).Encode(" the hello\n\n12");
        IReadOnlyList<int> fromPairs = LoadByteLevel(TokenizerFiles.ByteLevel(pairMerges: true)).Encode(" the hello\n\n12");
        Assert.Equal([258, 32, 257, 259, 111, 260, 49, 50], fromStrings);
        Assert.Equal(fromStrings, fromPairs);
    }

    [Fact]
    public void Encode_WithIgnoreMerges_TakesAWholePieceFromTheVocabulary()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!["vocab"]!["Ġhello"] = 262;
        Assert.Equal([32, 257, 259, 111], LoadByteLevel(json).Encode(" hello"));
        json["model"]!["ignore_merges"] = true;
        Assert.Equal([262], LoadByteLevel(json).Encode(" hello"));
        Assert.Equal([258], LoadByteLevel(json).Encode(" the"));
    }

    [Fact]
    public void Encode_AppliesTheNfcNormalizer()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["normalizer"] = new JsonObject { ["type"] = "NFC" };
        Assert.Equal([0xC3, 0xA9], LoadByteLevel(json).Encode("e\u0301"));
    }

    [Fact]
    public void Encode_ByteLevelPreTokenizerAloneUsesTheGpt2Split()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        LLaDATokenizer tokenizer = LoadByteLevel(json);
        // GPT-2 keeps digit runs together, so the merge "1 2" applies here.
        Assert.Equal([258, 261, 32, 32, 260], tokenizer.Encode(" the12  \n\n"));
        Assert.Equal(" the12  \n\n", tokenizer.Decode(tokenizer.Encode(" the12  \n\n")));
    }
}
