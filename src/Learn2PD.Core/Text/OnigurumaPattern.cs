using System.Text;

namespace Learn2PD.Core.Text;

/// <summary>
/// HF compiles tokenizer.json regexes with Oniguruma; .NET's syntax is close, and where the two read the same text
/// differently this rewrites it or refuses it. <c>\w</c> (Unicode letter, mark, number or connector punctuation in
/// Oniguruma, narrower in .NET) is spelled out; word boundaries, a <c>[</c> inside a character class (a nested set or
/// POSIX bracket in Oniguruma, a literal in .NET) and <c>&amp;&amp;</c> (intersection) are refused. Constructs .NET does not
/// know at all (possessive quantifiers, <c>\h</c>, <c>\p{Han}</c>, ...) fail to compile and are refused there.
/// </summary>
internal static class OnigurumaPattern
{
    private const string Word = @"\p{L}\p{M}\p{N}\p{Pc}";

    /// <summary>The .NET form of <paramref name="pattern"/>, or null with <paramref name="problem"/> saying what differs.</summary>
    public static string? ToDotNet(string pattern, out string? problem)
    {
        problem = null;
        var output = new StringBuilder(pattern.Length);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char next = pattern[++i];
                switch (next)
                {
                    case 'w': output.Append(inClass ? Word : $"[{Word}]"); break;
                    case 'W' when !inClass: output.Append($"[^{Word}]"); break;
                    case 'W': problem = @"\W inside a character class"; return null;
                    case 'b' or 'B' when !inClass: problem = $@"\{next} (word boundaries differ between Oniguruma and .NET)"; return null;
                    default: output.Append(c).Append(next); break;
                }
                continue;
            }
            if (inClass)
            {
                if (c == '[') { problem = "a '[' inside a character class (a nested set or POSIX class in Oniguruma, a literal in .NET)"; return null; }
                if (c == '&' && i + 1 < pattern.Length && pattern[i + 1] == '&') { problem = "'&&' inside a character class (an intersection in Oniguruma)"; return null; }
                if (c == ']') inClass = false;
            }
            else if (c == '[')
            {
                inClass = true;
                output.Append(c);
                // A ']' right after '[' or '[^' is a literal member in both syntaxes.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^') output.Append(pattern[++i]);
                if (i + 1 < pattern.Length && pattern[i + 1] == ']') output.Append(pattern[++i]);
                continue;
            }
            output.Append(c);
        }
        return output.ToString();
    }
}
