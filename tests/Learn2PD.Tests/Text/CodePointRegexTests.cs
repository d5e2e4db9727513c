using System.Text.RegularExpressions;
using Learn2PD.Core.Text;

namespace Learn2PD.Tests.Text;

/// <summary>Patterns match whole code points beyond U+FFFF, with their own category, as Oniguruma does in HF.</summary>
public sealed class CodePointRegexTests
{
    private static List<(int Start, int End)> Matches(string pattern, string text) =>
        CodePointRegex.Create(pattern, Regex.InfiniteMatchTimeout, out _)!.Matches(text);

    [Fact]
    public void LetterClass_TakesMathematicalLettersAsLetters() =>
        Assert.Equal([(0, 4), (4, 5)], Matches(@"\p{L}+|\p{P}", "a𝔘b!")); // 𝔘 is two UTF-16 units

    [Fact]
    public void NegatedClass_NeverCutsAnEmojiInTwo() =>
        Assert.Equal([(1, 3), (4, 6)], Matches(@"[^\p{L}\s]", "a🙂 🙂"));

    [Fact]
    public void Replace_ReplacesAWholeCodePointOnce() =>
        Assert.Equal("x_y", CodePointRegex.Create(@"[^a-z]", Regex.InfiniteMatchTimeout, out _)!.Replace("x🙂y", "_"));

    [Fact]
    public void PatternNamingACharacterBeyondTheBmp_IsRefused()
    {
        Assert.Null(CodePointRegex.Create("🙂+", Regex.InfiniteMatchTimeout, out string? problem));
        Assert.Contains("beyond U+FFFF", problem);
        Assert.Null(CodePointRegex.Create(@"[\uD83D\uDE00]", Regex.InfiniteMatchTimeout, out _));
    }
}
