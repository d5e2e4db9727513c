using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// A regex that sees code points, as Oniguruma does in HF, instead of .NET's UTF-16 units. .NET would match each half
/// of a surrogate pair on its own (category Cs): <c>\p{L}</c> would miss 𝔘, <c>[^\p{L}]</c> or <c>\W</c> would cut
/// 🙂 in two. So text with characters beyond U+FFFF is matched in a projection where each of them is one BMP stand-in
/// of the same general category, and the match offsets are mapped back. Patterns holding such characters themselves
/// cannot be projected and are refused by <see cref="Create"/>.
/// </summary>
internal sealed class CodePointRegex
{
    private static readonly Dictionary<UnicodeCategory, char> StandIns = FindStandIns();

    private readonly Regex _regex;

    private CodePointRegex(Regex regex) => _regex = regex;

    /// <summary>The compiled pattern, or null with <paramref name="problem"/> when it names a character beyond U+FFFF.</summary>
    public static CodePointRegex? Create(string pattern, TimeSpan timeout, out string? problem)
    {
        problem = null;
        if (pattern.Any(char.IsSurrogate) || Regex.IsMatch(pattern, @"\\u[dD][89a-fA-F]|\\[xX]\{[0-9a-fA-F]{5,}\}|\\[uU]\{?[0-9a-fA-F]{5,}"))
        {
            problem = "a character beyond U+FFFF in the pattern";
            return null;
        }
        return new CodePointRegex(new Regex(pattern, RegexOptions.CultureInvariant, timeout));
    }

    public string Pattern => _regex.ToString();

    /// <summary>The non-overlapping matches, leftmost first, as UTF-16 (start, end) offsets into <paramref name="text"/>.</summary>
    public List<(int Start, int End)> Matches(string text)
    {
        (string projected, int[]? map) = Project(text);
        var matches = new List<(int, int)>();
        for (Match m = _regex.Match(projected); m.Success; m = m.NextMatch())
            matches.Add(map is null ? (m.Index, m.Index + m.Length) : (map[m.Index], map[m.Index + m.Length]));
        return matches;
    }

    public string Replace(string text, string content)
    {
        var output = new StringBuilder(text.Length);
        int at = 0;
        foreach ((int start, int end) in Matches(text))
        {
            output.Append(text, at, start - at).Append(content);
            at = end;
        }
        return output.Append(text, at, text.Length - at).ToString();
    }

    // One char per code point; map[k] is the UTF-16 offset in text of projected offset k (map[^1] = text.Length).
    private static (string Projected, int[]? Map) Project(string text)
    {
        if (!text.Any(char.IsSurrogate)) return (text, null);
        var projected = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            map.Add(i);
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used); // a lone surrogate gives U+FFFD
            projected.Append(rune.IsBmp ? (char)rune.Value : StandIns.GetValueOrDefault(Rune.GetUnicodeCategory(rune), '\uFFFE'));
            i += used;
        }
        map.Add(text.Length);
        return (projected.ToString(), map.ToArray());
    }

    // Per general category, the first BMP character of it from U+2C00 on, outside the ranges patterns name most
    // (CJK, kana, Hangul, private use but U+E000, compatibility ideographs), so a stand-in falls under the same
    // \p{..}, \w, \d and '.' as the character it stands for; a category without one (Lt) reads as unassigned (U+FFFE).
    private static Dictionary<UnicodeCategory, char> FindStandIns()
    {
        var standIns = new Dictionary<UnicodeCategory, char>();
        for (int c = 0x2C00; c < 0xFFF0; c++)
        {
            if (c is >= 0x2E80 and < 0xA000 or >= 0xAC00 and < 0xE000 or > 0xE000 and < 0xFB00) continue;
            standIns.TryAdd(CharUnicodeInfo.GetUnicodeCategory((char)c), (char)c);
        }
        return standIns;
    }
}
