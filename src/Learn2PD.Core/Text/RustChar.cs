using System.Globalization;
using System.Text;

namespace Learn2PD.Core.Text;

/// <summary>
/// The character classes Hugging Face's Rust <c>tokenizers</c> uses (Rust's <c>char</c> methods and the
/// <c>unicode_categories</c> crate), written with .NET's Unicode tables so normalizers and pre-tokenizers split
/// and filter exactly where HF does.
/// </summary>
internal static class RustChar
{
    /// <summary><c>char::is_whitespace</c>: the White_Space property, which is the set <see cref="Rune.IsWhiteSpace"/> tests.</summary>
    public static bool IsWhitespace(Rune c) => Rune.IsWhiteSpace(c);

    /// <summary><c>char::is_numeric</c>: Nd, Nl or No.</summary>
    public static bool IsNumeric(Rune c) => Rune.GetUnicodeCategory(c) is
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary><c>unicode_categories::is_other</c>, which (despite its name) covers only Cc, Cf and Co.</summary>
    public static bool IsOther(Rune c) => Rune.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse;

    public static bool IsMarkNonspacing(Rune c) => Rune.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    /// <summary><c>unicode_normalization::char::is_combining_mark</c>: any mark (Mn, Mc, Me).</summary>
    public static bool IsCombiningMark(Rune c) => Rune.GetUnicodeCategory(c) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>BERT's punctuation: ASCII punctuation (which includes symbols such as $ + &lt; = &gt; ^ ` | ~) or a Unicode P* character.</summary>
    public static bool IsBertPunctuation(Rune c) =>
        c.Value is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || Rune.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK ideograph blocks BERT pads with spaces.</summary>
    public static bool IsChineseChar(Rune c) => c.Value is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF
        or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF
        or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <summary><c>char::to_lowercase</c>: the simple mapping, except U+0130 whose full lowercase is "i̇" (two characters).</summary>
    public static void AppendLowercase(StringBuilder output, Rune c)
    {
        if (c.Value == 0x130) output.Append("i\u0307");
        else output.Append(Rune.ToLowerInvariant(c).ToString());
    }
}
