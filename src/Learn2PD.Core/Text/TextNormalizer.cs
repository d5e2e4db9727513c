using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>
/// tokenizer.json's <c>normalizer</c>: the steps HF applies to each stretch of text between added tokens before
/// pre-tokenization, each written after the Rust original (<c>tokenizers/src/normalizers</c>). A normalizer
/// outside this set (Precompiled, ByteLevel) is refused at load.
/// </summary>
internal sealed class TextNormalizer
{
    private const string Supported = "NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, Replace, Nmt, BertNormalizer and Sequence are";

    private readonly IReadOnlyList<Func<string, string>> _steps;

    private TextNormalizer(IReadOnlyList<Func<string, string>> steps) => _steps = steps;

    public string Normalize(string text)
    {
        foreach (Func<string, string> step in _steps) text = step(text);
        return text;
    }

    public static TextNormalizer Read(JsonElement node, JsonFieldReader json)
    {
        var steps = new List<Func<string, string>>();
        AddSteps(node, "normalizer", json, steps);
        return new TextNormalizer(steps);
    }

    private static void AddSteps(JsonElement node, string where, JsonFieldReader json, List<Func<string, string>> steps)
    {
        switch (json.TypeOf(node, where))
        {
            case "Sequence":
                foreach ((JsonElement inner, string innerWhere) in json.Array(node, "normalizers", where)) AddSteps(inner, innerWhere, json, steps);
                break;
            case "NFC": steps.Add(s => s.Normalize(NormalizationForm.FormC)); break;
            case "NFD": steps.Add(s => s.Normalize(NormalizationForm.FormD)); break;
            case "NFKC": steps.Add(s => s.Normalize(NormalizationForm.FormKC)); break;
            case "NFKD": steps.Add(s => s.Normalize(NormalizationForm.FormKD)); break;
            case "Lowercase": steps.Add(Lowercase); break;
            case "StripAccents": steps.Add(s => Filter(s, c => !RustChar.IsCombiningMark(c))); break;
            case "Nmt": steps.Add(Nmt); break;
            case "Strip":
                bool left = json.RequiredBool(node, "strip_left", where), right = json.RequiredBool(node, "strip_right", where);
                steps.Add(s => Strip(s, left, right));
                break;
            case "Prepend":
                string prefix = json.RequiredString(node, "prepend", where);
                steps.Add(s => s.Length == 0 ? s : prefix + s);
                break;
            case "Replace":
                CodePointRegex pattern = ReadPattern(json.Required(node, "pattern", JsonValueKind.Object, where), $"{where}.pattern", json);
                string content = json.RequiredString(node, "content", where);
                steps.Add(s => pattern.Replace(s, content));
                break;
            case "BertNormalizer":
                bool clean = json.RequiredBool(node, "clean_text", where);
                bool chinese = json.RequiredBool(node, "handle_chinese_chars", where);
                bool lowercase = json.RequiredBool(node, "lowercase", where);
                bool stripAccents = json.Optional(node, "strip_accents", where) is { } strip ? json.Bool(strip, $"{where}.strip_accents") : lowercase;
                steps.Add(s => Bert(s, clean, chinese, stripAccents, lowercase));
                break;
            case var other:
                throw json.Fail(where == "normalizer"
                    ? $"normalizer '{other}' is not supported ({Supported})"
                    : $"normalizer '{other}' ({where}) is not supported ({Supported})");
        }
    }

    /// <summary>HF's String or Regex pattern (Replace, Split) as a regex over code points; String is matched literally.</summary>
    public static CodePointRegex ReadPattern(JsonElement pattern, string where, JsonFieldReader json)
    {
        string regex;
        if (json.Optional(pattern, "Regex", where) is { } r)
        {
            regex = OnigurumaPattern.ToDotNet(json.String(r, $"{where}.Regex"), out string? problem)
                ?? throw json.Fail($"{where}.Regex: {problem} is not supported");
        }
        else
        {
            regex = json.Optional(pattern, "String", where) is { } literal ? Regex.Escape(json.String(literal, $"{where}.String"))
                : throw json.Fail($"{where}: expected Regex or String");
        }
        // An empty pattern matches between every character, which HF handles inconsistently from step to step.
        if (regex.Length == 0) throw json.Fail($"{where}: the pattern is empty");
        try
        {
            // A pattern from a file can backtrack catastrophically; encoding then fails instead of hanging.
            return CodePointRegex.Create(regex, TimeSpan.FromSeconds(10), out string? problem)
                ?? throw json.Fail($"{where}: {problem} is not supported");
        }
        catch (ArgumentException e)
        {
            throw json.Fail($"{where}: pattern is not a .NET regular expression ({e.Message})");
        }
    }

    private static string Filter(string s, Func<Rune, bool> keep)
    {
        var output = new StringBuilder(s.Length);
        foreach (Rune c in s.EnumerateRunes()) if (keep(c)) output.Append(c.ToString());
        return output.ToString();
    }

    private static string Lowercase(string s)
    {
        var output = new StringBuilder(s.Length);
        foreach (Rune c in s.EnumerateRunes()) RustChar.AppendLowercase(output, c);
        return output.ToString();
    }

    private static string Strip(string s, bool left, bool right)
    {
        Rune[] runes = s.EnumerateRunes().ToArray();
        int start = 0, end = runes.Length;
        if (left) while (start < end && RustChar.IsWhitespace(runes[start])) start++;
        if (right) while (end > start && RustChar.IsWhitespace(runes[end - 1])) end--;
        return string.Concat(runes[start..end].Select(r => r.ToString()));
    }

    private static string Nmt(string s)
    {
        var output = new StringBuilder(s.Length);
        foreach (Rune c in s.EnumerateRunes())
        {
            switch (c.Value)
            {
                case >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or 0x8F or 0x9F: break;
                case 0x09 or 0x0A or 0x0C or 0x0D or 0x1680 or >= 0x200B and <= 0x200F or 0x2028 or 0x2029 or 0x2581 or 0xFEFF or 0xFFFD:
                    output.Append(' ');
                    break;
                default: output.Append(c.ToString()); break;
            }
        }
        return output.ToString();
    }

    // BertNormalizer: clean (drop NUL, U+FFFD and controls; whitespace becomes ' '), pad CJK ideographs with spaces,
    // strip accents (NFD, then drop Mn), lowercase — in that order.
    private static string Bert(string s, bool clean, bool chinese, bool stripAccents, bool lowercase)
    {
        var output = new StringBuilder(s.Length);
        foreach (Rune c in s.EnumerateRunes())
        {
            // Tab, newline and carriage return count as whitespace; every other control (VT, FF, NEL too) is dropped.
            bool tabOrNewline = c.Value is '\t' or '\n' or '\r';
            if (clean && (c.Value is 0 or 0xFFFD || !tabOrNewline && RustChar.IsOther(c))) continue;
            Rune kept = clean && (tabOrNewline || RustChar.IsWhitespace(c)) ? new Rune(' ') : c;
            if (chinese && RustChar.IsChineseChar(kept)) output.Append(' ').Append(kept.ToString()).Append(' ');
            else output.Append(kept.ToString());
        }
        string text = output.ToString();
        if (stripAccents) text = Filter(text.Normalize(NormalizationForm.FormD), c => !RustChar.IsMarkNonspacing(c));
        return lowercase ? Lowercase(text) : text;
    }
}
