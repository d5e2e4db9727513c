using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Learn2PD.Core.Text;

/// <summary>A pre-tokenized piece of text; <c>AtTextStart</c> when it begins at offset 0 of the original text (Metaspace's "first" needs it).</summary>
internal readonly record struct TextPiece(string Text, bool AtTextStart);

/// <summary>
/// tokenizer.json's <c>pre_tokenizer</c>: the steps that cut normalized text into the pieces the model encodes one by
/// one, each written after the Rust original (<c>tokenizers/src/pre_tokenizers</c>, and <c>NormalizedString::split</c>
/// for the five delimiter behaviours). Empty pieces are dropped, as HF does. The byte-level mapping itself is left to
/// the model (<see cref="ByteLevel"/> tells it to apply it).
/// </summary>
internal sealed class TextPreTokenizer
{
    private const string Supported = "Split, Digits, Punctuation, WhitespaceSplit, CharDelimiterSplit, BertPreTokenizer, Metaspace, ByteLevel and Sequence are";

    // What the ByteLevel pre-tokenizer splits with when use_regex is true (the GPT-2 pattern).
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly List<Func<TextPiece, IEnumerable<TextPiece>>> _steps = [];

    private enum Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

    private TextPreTokenizer() { }

    /// <summary>Whether the pieces are to be encoded byte-level (a ByteLevel pre-tokenizer is present).</summary>
    public bool ByteLevel { get; private set; }

    /// <summary>A pre-tokenizer that keeps each stretch of text whole (tokenizer.json without one).</summary>
    public static TextPreTokenizer None { get; } = new();

    public IReadOnlyList<TextPiece> PreTokenize(TextPiece segment)
    {
        IEnumerable<TextPiece> pieces = [segment];
        foreach (Func<TextPiece, IEnumerable<TextPiece>> step in _steps) pieces = pieces.SelectMany(step).ToList();
        return pieces.Where(p => p.Text.Length > 0).ToList();
    }

    public static TextPreTokenizer Read(JsonElement node, JsonFieldReader json)
    {
        var preTokenizer = new TextPreTokenizer();
        preTokenizer.Add(node, "pre_tokenizer", json);
        return preTokenizer;
    }

    private void Add(JsonElement node, string where, JsonFieldReader json)
    {
        string type = json.TypeOf(node, where);
        // The pieces after ByteLevel are byte symbols, which the model (not the pre-tokenizer) produces here.
        if (ByteLevel) throw json.Fail($"{where}: pre-tokenizer '{type}' after ByteLevel is not supported");
        switch (type)
        {
            case "Sequence":
                foreach ((JsonElement inner, string innerWhere) in json.Array(node, "pretokenizers", where)) Add(inner, innerWhere, json);
                break;
            case "Split":
                CodePointRegex pattern = TextNormalizer.ReadPattern(json.Required(node, "pattern", JsonValueKind.Object, where), $"{where}.pattern", json);
                Behavior behavior = ReadBehavior(node, where, json, fallback: null);
                bool invert = json.RequiredBool(node, "invert", where);
                _steps.Add(p => Split(p, RegexMatches(pattern, p.Text), behavior, invert));
                break;
            case "Digits":
                bool individual = json.OptionalBool(node, "individual_digits", where, fallback: false);
                _steps.Add(p => Split(p, CharMatches(p.Text, RustChar.IsNumeric), individual ? Behavior.Isolated : Behavior.Contiguous));
                break;
            case "Punctuation":
                Behavior punctuation = ReadBehavior(node, where, json, fallback: Behavior.Isolated);
                _steps.Add(p => Split(p, CharMatches(p.Text, RustChar.IsBertPunctuation), punctuation));
                break;
            case "WhitespaceSplit":
                _steps.Add(p => Split(p, CharMatches(p.Text, RustChar.IsWhitespace), Behavior.Removed));
                break;
            case "CharDelimiterSplit":
                Rune delimiter = json.Char(json.Required(node, "delimiter", JsonValueKind.String, where), $"{where}.delimiter");
                _steps.Add(p => Split(p, CharMatches(p.Text, c => c == delimiter), Behavior.Removed));
                break;
            case "BertPreTokenizer":
                _steps.Add(p => Split(p, CharMatches(p.Text, RustChar.IsWhitespace), Behavior.Removed));
                _steps.Add(p => Split(p, CharMatches(p.Text, RustChar.IsBertPunctuation), Behavior.Isolated));
                break;
            case "Metaspace":
                AddMetaspace(node, where, json);
                break;
            case "ByteLevel":
                bool prefixSpace = json.RequiredBool(node, "add_prefix_space", where);
                if (prefixSpace) _steps.Add(p => [p.Text.StartsWith(' ') ? p : p with { Text = " " + p.Text }]);
                if (json.OptionalBool(node, "use_regex", where, fallback: true))
                {
                    CodePointRegex gpt2 = CodePointRegex.Create(Gpt2Pattern, Regex.InfiniteMatchTimeout, out _)!;
                    _steps.Add(p => Split(p, RegexMatches(gpt2, p.Text), Behavior.Isolated));
                }
                ByteLevel = true;
                break;
            case var other:
                throw json.Fail(where == "pre_tokenizer"
                    ? $"pre-tokenizer '{other}' is not supported ({Supported})"
                    : $"pre-tokenizer '{other}' ({where}) is not supported ({Supported})");
        }
    }

    private void AddMetaspace(JsonElement node, string where, JsonFieldReader json)
    {
        string replacement = json.Char(json.Required(node, "replacement", JsonValueKind.String, where), $"{where}.replacement").ToString();
        string scheme = json.OptionalString(node, "prepend_scheme", where) ?? "always";
        // Older files say add_prefix_space instead; HF refuses false unless the scheme says "never" too.
        if (json.Optional(node, "add_prefix_space", where) is { } prefix && !json.Bool(prefix, $"{where}.add_prefix_space"))
        {
            if (scheme != "never") throw json.Fail($"{where}: add_prefix_space false contradicts prepend_scheme '{scheme}'");
        }
        if (scheme is not ("always" or "first" or "never")) throw json.Fail($"{where}.prepend_scheme: expected always, first or never, got '{scheme}'");
        bool split = json.OptionalBool(node, "split", where, fallback: true);
        _steps.Add(p =>
        {
            string text = p.Text.Replace(" ", replacement, StringComparison.Ordinal);
            bool prepend = scheme == "always" || scheme == "first" && p.AtTextStart;
            if (prepend && !text.StartsWith(replacement, StringComparison.Ordinal)) text = replacement + text;
            var piece = p with { Text = text };
            return split ? Split(piece, CharMatches(text, c => c.ToString() == replacement), Behavior.MergedWithNext) : [piece];
        });
    }

    private static Behavior ReadBehavior(JsonElement node, string where, JsonFieldReader json, Behavior? fallback)
    {
        string? name = fallback is null ? json.RequiredString(node, "behavior", where) : json.OptionalString(node, "behavior", where);
        if (name is null) return fallback!.Value;
        return Enum.TryParse(name, ignoreCase: false, out Behavior behavior) && Enum.IsDefined(behavior)
            ? behavior
            : throw json.Fail($"{where}.behavior: '{name}' is not a split behavior (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
    }

    // Matches of a regex as (start, end, isMatch) spans covering the text, as HF's Pattern::find_matches; the piece is
    // the regex's whole input, so lookarounds see nothing beyond it.
    private static List<(int Start, int End, bool IsMatch)> RegexMatches(CodePointRegex regex, string text)
    {
        var spans = new List<(int, int, bool)>();
        int previous = 0;
        foreach ((int start, int end) in regex.Matches(text))
        {
            if (start > previous) spans.Add((previous, start, false));
            spans.Add((start, end, true));
            previous = end;
        }
        if (previous < text.Length) spans.Add((previous, text.Length, false));
        return spans;
    }

    // Each character the predicate accepts is a match of its own.
    private static List<(int Start, int End, bool IsMatch)> CharMatches(string text, Func<Rune, bool> isMatch)
    {
        var spans = new List<(int, int, bool)>();
        int previous = 0;
        for (int i = 0; i < text.Length;)
        {
            Rune c = Rune.GetRuneAt(text, i);
            if (isMatch(c))
            {
                if (i > previous) spans.Add((previous, i, false));
                spans.Add((i, i + c.Utf16SequenceLength, true));
                previous = i + c.Utf16SequenceLength;
            }
            i += c.Utf16SequenceLength;
        }
        if (previous < text.Length) spans.Add((previous, text.Length, false));
        return spans;
    }

    private static List<TextPiece> Split(TextPiece piece, List<(int Start, int End, bool IsMatch)> spans, Behavior behavior, bool invert = false)
    {
        if (invert) spans = spans.Select(s => (s.Start, s.End, !s.IsMatch)).ToList();
        var kept = new List<(int Start, int End)>();
        bool previousMatch = false;
        switch (behavior)
        {
            case Behavior.Isolated:
                kept.AddRange(spans.Select(s => (s.Start, s.End)));
                break;
            case Behavior.Removed:
                kept.AddRange(spans.Where(s => !s.IsMatch).Select(s => (s.Start, s.End)));
                break;
            case Behavior.Contiguous:
                foreach ((int start, int end, bool isMatch) in spans)
                {
                    if (isMatch == previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, end);
                    else kept.Add((start, end));
                    previousMatch = isMatch;
                }
                break;
            case Behavior.MergedWithPrevious:
                foreach ((int start, int end, bool isMatch) in spans)
                {
                    if (isMatch && !previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, end);
                    else kept.Add((start, end));
                    previousMatch = isMatch;
                }
                break;
            case Behavior.MergedWithNext:
                for (int i = spans.Count - 1; i >= 0; i--)
                {
                    (int start, int end, bool isMatch) = spans[i];
                    if (isMatch && !previousMatch && kept.Count > 0) kept[^1] = (start, kept[^1].End);
                    else kept.Add((start, end));
                    previousMatch = isMatch;
                }
                kept.Reverse();
                break;
        }
        return kept.Where(k => k.End > k.Start)
            .Select(k => new TextPiece(piece.Text[k.Start..k.End], piece.AtTextStart && k.Start == 0))
            .ToList();
    }
}
