using System.Text;
using System.Text.Json.Nodes;
using Learn2PD.Core.Text;

namespace Learn2PD.Tests.Text;

public sealed class CharVocabularyTests : IDisposable
{
    private const string Corpus = "Hello, World!\n\tTabs, CRLF\r\n  and spaces; ünïcödé 中文 🙂 123 <|>";

    private readonly TokenizerFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Write_ThenLoad_RoundTripsEveryCharacter()
    {
        var vocabulary = CharVocabulary.FromText(Corpus);
        vocabulary.Write(_files.Dir);
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(_files.Dir);

        Assert.Equal(vocabulary.Size, tokenizer.VocabularySize);
        for (int i = 0; i < vocabulary.Characters.Count; i++)
        {
            string character = vocabulary.Characters[i].ToString();
            int id = vocabulary.SpecialTokens.Count + i;
            Assert.Equal([id], tokenizer.Encode(character));
            Assert.Equal(character, tokenizer.Decode([id]));
        }
        IReadOnlyList<int> ids = tokenizer.Encode(Corpus);
        Assert.Equal(Corpus.EnumerateRunes().Count(), ids.Count);
        Assert.Equal(Corpus, tokenizer.Decode(ids));
    }

    [Fact]
    public void Write_ReturnsSpecialTokenIdsThatTheLoaderAgreesWith()
    {
        var vocabulary = new CharVocabulary("ab".EnumerateRunes(), "<|eot_id|>");
        IReadOnlyDictionary<string, int> ids = vocabulary.Write(Path.Combine(_files.Dir, "tokenizer.json"));

        Assert.Equal(new Dictionary<string, int> { ["<|endoftext|>"] = 0, ["<|mdm_mask|>"] = 1, ["<|eot_id|>"] = 2 }, ids);
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(_files.Dir);
        foreach ((string token, int id) in ids) Assert.Equal(id, tokenizer.TokenToId(token));
        Assert.Equal([3, 1, 4, 0], tokenizer.Encode("a<|mdm_mask|>b<|endoftext|>"));
        Assert.Equal("ab", tokenizer.Decode([3, 1, 4, 0], skipSpecialTokens: true));
    }

    [Fact]
    public void Write_ProducesAHuggingFaceCharacterLevelBpeFile()
    {
        var vocabulary = new CharVocabulary([new Rune('b'), new Rune(' '), new Rune('a'), new Rune('\n'), new Rune('a')]);
        string path = Path.Combine(_files.Dir, "tokenizer.json");
        vocabulary.Write(path);

        JsonNode json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("BPE", (string?)json["model"]!["type"]);
        Assert.Empty(json["model"]!["merges"]!.AsArray());
        Assert.Null(json["pre_tokenizer"]);
        Assert.Null(json["normalizer"]);
        Assert.Equal("Fuse", (string?)json["decoder"]!["type"]);
        // Special tokens first, then the characters by code point, each once.
        Assert.Equal(["<|endoftext|>=0", "<|mdm_mask|>=1", "\n=2", " =3", "a=4", "b=5"],
                     json["model"]!["vocab"]!.AsObject().Select(p => $"{p.Key}={(int)p.Value!}"));
        Assert.All(json["added_tokens"]!.AsArray(), t => Assert.True((bool)t!["special"]!));
    }

    [Fact]
    public void Write_ReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_files.Dir, "tokenizer.json");
        File.WriteAllText(path, "stale");
        CharVocabulary.FromText("xyz").Write(path);

        Assert.Equal([path], Directory.GetFiles(_files.Dir));
        Assert.Equal([2, 3, 4], LLaDATokenizer.Load(path).Encode("xyz"));
    }

    [Fact]
    public void Constructor_RejectsASpecialTokenThatIsOneOfTheCharacters() =>
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromText("ab", "a"));
}
