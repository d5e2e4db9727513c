using System.Text.RegularExpressions;

namespace Learn2PD.Train.Tasks;

/// <summary>One generation scored both ways lm-eval scores GSM8K.</summary>
public sealed record GsmScore(string? Strict, string? Flexible, bool StrictCorrect, bool FlexibleCorrect);

/// <summary>
/// lm-eval's GSM8K scoring: cut at the stop strings, extract with the strict-match and flexible-extract
/// filters, and compare after its exact_match normalization (drop ',' and '$', lower case, one trailing '.').
/// </summary>
public static partial class GsmScorer
{
    /// <summary>The <c>until</c> strings of lm-eval's gsm8k task.</summary>
    public static IReadOnlyList<string> StopStrings { get; } = ["Question:", "</s>", "<|im_end|>"];

    [GeneratedRegex(@"#### (\-?[0-9\.\,]+)")]
    private static partial Regex StrictPattern();

    [GeneratedRegex(@"(-?[$0-9.,]{2,})|(-?[0-9]+)")]
    private static partial Regex FlexiblePattern();

    [GeneratedRegex(@"\.$")]
    private static partial Regex TrailingDot();

    /// <summary>The text before the earliest stop string (all of it when none occurs).</summary>
    public static string CutAtStop(string text, IReadOnlyList<string>? stops = null)
    {
        int end = text.Length;
        foreach (string stop in stops ?? StopStrings)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < end) end = at;
        }
        return text[..end];
    }

    /// <summary>strict-match: the first <c>#### N</c>, normalized; null when there is none.</summary>
    public static string? StrictMatch(string text)
    {
        Match match = StrictPattern().Match(text);
        return match.Success ? Normalize(match.Groups[1].Value) : null;
    }

    /// <summary>flexible-extract: the last number-like run in the text, normalized; null when there is none.</summary>
    public static string? FlexibleExtract(string text)
    {
        MatchCollection matches = FlexiblePattern().Matches(text);
        return matches.Count > 0 ? Normalize(matches[^1].Value) : null;
    }

    /// <summary>
    /// lm-eval's exact_match normalization for GSM8K (regexes_to_ignore <c>, \$ (?s).*#### \.$</c>, ignore_case),
    /// applied once and in its order.
    /// </summary>
    public static string Normalize(string answer)
    {
        string s = answer.Replace(",", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal);
        int hashes = s.LastIndexOf("#### ", StringComparison.Ordinal);
        if (hashes >= 0) s = s[(hashes + 5)..];
        return TrailingDot().Replace(s, "").ToLowerInvariant();
    }

    /// <summary>
    /// The reference as lm-eval compares it: gsm8k's target is the whole answer, and the <c>(?s).*#### </c>
    /// normalization keeps what follows the last <c>#### </c>. A bare final answer ("1,234") passes through.
    /// </summary>
    public static string ReferenceAnswer(string answer) => Normalize(answer.Trim());

    /// <summary>Whether an extracted prediction (from <see cref="StrictMatch"/> or <see cref="FlexibleExtract"/>)
    /// equals the reference, which may be a full GSM8K answer or just its final number.</summary>
    public static bool IsCorrect(string? prediction, string reference) =>
        prediction is not null && prediction == ReferenceAnswer(reference);

    /// <summary>Cuts <paramref name="generation"/> at the stop strings and scores it with both filters.</summary>
    public static GsmScore Score(string generation, string reference)
    {
        string text = CutAtStop(generation);
        string? strict = StrictMatch(text), flexible = FlexibleExtract(text);
        return new GsmScore(strict, flexible, IsCorrect(strict, reference), IsCorrect(flexible, reference));
    }
}
