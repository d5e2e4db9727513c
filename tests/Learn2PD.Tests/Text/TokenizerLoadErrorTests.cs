using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Text;

namespace Learn2PD.Tests.Text;

/// <summary>Every file the loader cannot use is refused with a one-line Learn2PdException that names it.</summary>
public sealed class TokenizerLoadErrorTests : IDisposable
{
    private readonly TokenizerFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static Learn2PdException AssertFailsNaming(string file, string fragment, Action load)
    {
        var error = Assert.Throws<Learn2PdException>(load);
        Assert.Contains(file, error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    private void AssertRefused(JsonObject json, string fragment)
    {
        string path = _files.Write(json);
        AssertFailsNaming(path, fragment, () => LLaDATokenizer.Load(_files.Dir));
    }

    [Fact]
    public void Load_DirectoryWithoutTokenizerJson_NamesTheMissingFile() =>
        AssertFailsNaming(Path.Combine(_files.Dir, "tokenizer.json"), "not found", () => LLaDATokenizer.Load(_files.Dir));

    [Fact]
    public void Load_MalformedJson_NamesTheFile()
    {
        string path = _files.WriteText("{ \"model\": { \"type\": \"BPE\", ");
        AssertFailsNaming(path, "not valid JSON", () => LLaDATokenizer.Load(path));
    }

    [Fact]
    public void Load_UnknownModelType_NamesTheType()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!["type"] = "Unigram";
        AssertRefused(json, "model.type 'Unigram' is not supported");
    }

    [Fact]
    public void Load_MissingVocabulary_SaysWhichField()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!.AsObject().Remove("vocab");
        AssertRefused(json, "'vocab' is missing");
    }

    [Fact]
    public void Load_MergeOfTokensOutsideTheVocabulary_IsRefused()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!["merges"]!.AsArray().Add("q z");
        AssertRefused(json, "qz");
    }

    [Fact]
    public void Load_MalformedMerge_IsRefused()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!["merges"]!.AsArray().Add("abc");
        AssertRefused(json, "model.merges[6]");
    }

    [Fact]
    public void Load_UnsupportedPreTokenizer_NamesIt()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["pre_tokenizer"] = new JsonObject { ["type"] = "UnicodeScripts" };
        AssertRefused(json, "pre-tokenizer 'UnicodeScripts' is not supported");
    }

    [Fact]
    public void Load_PatternDotNetCannotCompile_IsRefused()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"] = new JsonObject { ["Regex"] = @"\p{L}++(" };
        AssertRefused(json, "not a .NET regular expression");
    }

    [Theory]
    [InlineData("[[:alpha:]]+", "'[' inside a character class")]
    [InlineData(@"[a-z&&[^aeiou]]", "'&&' inside a character class")]
    [InlineData(@"\bword\b", "word boundaries differ")]
    [InlineData(@"\p{L}?+", "not a .NET regular expression")]
    public void Load_PatternOnigurumaReadsDifferently_IsRefused(string pattern, string fragment)
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"] = new JsonObject { ["Regex"] = pattern };
        AssertRefused(json, fragment);
    }

    [Fact]
    public void Load_ByteFallback_IsRefused()
    {
        JsonObject json = TokenizerFiles.ByteLevel();
        json["model"]!["byte_fallback"] = true;
        AssertRefused(json, "byte_fallback");
    }

    [Fact]
    public void Load_MalformedTokenizerConfig_NamesTheConfigFile()
    {
        _files.Write(TokenizerFiles.ByteLevel());
        string config = _files.WriteText("{ chat_template: ", "tokenizer_config.json");
        AssertFailsNaming(config, "not valid JSON", () => LLaDATokenizer.Load(_files.Dir));
    }

    [Fact]
    public void EncodeChat_WithoutTheLLaDAHeaderTokens_NamesTheTokenizer()
    {
        string path = Path.Combine(_files.Dir, "tokenizer.json");
        new CharVocabulary("abc".EnumerateRunes()).Write(path);
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(path);
        AssertFailsNaming(path, "<|startoftext|>", () => tokenizer.EncodeChat([new("user", "abc")]));
    }
}
