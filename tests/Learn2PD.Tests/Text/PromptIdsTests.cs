using Learn2PD.Core;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Tests.Text;

/// <summary>The one rule for ids given instead of text: inside the vocabulary, and a prompt neither empty nor masked.</summary>
public sealed class PromptIdsTests
{
    private static readonly ModelConfig Config = ModelConfig.Small(vocabSize: 10, maskTokenId: 9, eosTokenId: 8);

    [Fact]
    public void Parse_ReadsCommaSeparatedIds()
    {
        Assert.Equal([1, 2, 9], PromptIds.Parse(" 1, 2,9 ", Config, "--reference-ids"));
    }

    [Theory]
    [InlineData("1,10", "--x: token id 10 is outside the vocabulary (0..9)")]
    [InlineData("1,a", "--x: 'a' is not a token id")]
    [InlineData("-1", "--x: '-1' is not a token id")]
    public void Parse_RefusesIdsOutsideTheVocabulary(string text, string message)
    {
        var e = Assert.Throws<Learn2PdException>(() => PromptIds.Parse(text, Config, "--x"));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Prompt_RefusesTheMaskTokenAndNamesItsPosition()
    {
        var e = Assert.Throws<Learn2PdException>(() => PromptIds.Prompt([1, 2, 9], Config, "'prompt'"));
        Assert.Equal("'prompt': id 9 at position 3 is the mask token; a prompt cannot hold masks", e.Message);
    }

    [Fact]
    public void Prompt_RefusesNoIds()
    {
        Assert.Throws<Learn2PdException>(() => PromptIds.Prompt([], Config, "--prompt-ids"));
    }

    [Fact]
    public void Prompt_KeepsValidIdsInOrder()
    {
        Assert.Equal([3, 1, 8], PromptIds.Prompt([3, 1, 8], Config, "--prompt-ids"));
    }
}
