using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Learn2PD.Core.Text;

/// <summary>
/// tokenizer.json's <c>decoder</c>: the chain that turns the token strings of a decode (added tokens included, as
/// their content) back into text, each step written after the Rust original (<c>tokenizers/src/decoders</c>). Without
/// a decoder HF joins the tokens with spaces.
/// </summary>
internal sealed class TokenDecoder
{
    private const string Supported = "ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, WordPiece, BPEDecoder, CTC and Sequence are";

    private readonly List<Func<List<string>, List<string>>> _steps = [];
    private readonly bool _joinWithSpaces;

    private TokenDecoder(bool joinWithSpaces) => _joinWithSpaces = joinWithSpaces;

    public static TokenDecoder None { get; } = new(joinWithSpaces: true);

    public string Decode(List<string> tokens)
    {
        if (_joinWithSpaces) return string.Join(' ', tokens);
        foreach (Func<List<string>, List<string>> step in _steps) tokens = step(tokens);
        return string.Concat(tokens);
    }

    public static TokenDecoder Read(JsonElement node, JsonFieldReader json)
    {
        var decoder = new TokenDecoder(joinWithSpaces: false);
        decoder.Add(node, "decoder", json);
        return decoder;
    }

    private void Add(JsonElement node, string where, JsonFieldReader json)
    {
        switch (json.TypeOf(node, where))
        {
            case "Sequence":
                foreach ((JsonElement inner, string innerWhere) in json.Array(node, "decoders", where)) Add(inner, innerWhere, json);
                break;
            case "ByteLevel":
                _steps.Add(ByteLevel);
                break;
            case "Fuse":
                _steps.Add(tokens => [string.Concat(tokens)]);
                break;
            case "ByteFallback":
                _steps.Add(ByteFallback);
                break;
            case "Replace":
                CodePointRegex pattern = TextNormalizer.ReadPattern(json.Required(node, "pattern", JsonValueKind.Object, where), $"{where}.pattern", json);
                string content = json.RequiredString(node, "content", where);
                _steps.Add(tokens => tokens.Select(t => pattern.Replace(t, content)).ToList());
                break;
            case "Strip":
                Rune strip = json.Char(json.Required(node, "content", JsonValueKind.String, where), $"{where}.content");
                int start = json.Count(json.Required(node, "start", JsonValueKind.Number, where), $"{where}.start");
                int stop = json.Count(json.Required(node, "stop", JsonValueKind.Number, where), $"{where}.stop");
                _steps.Add(tokens => tokens.Select(t => Strip(t, strip, start, stop)).ToList());
                break;
            case "Metaspace":
                Rune replacement = json.Char(json.Required(node, "replacement", JsonValueKind.String, where), $"{where}.replacement");
                string scheme = json.OptionalString(node, "prepend_scheme", where) ?? "always";
                if (json.Optional(node, "add_prefix_space", where) is { } prefix && !json.Bool(prefix, $"{where}.add_prefix_space"))
                {
                    if (scheme != "never") throw json.Fail($"{where}: add_prefix_space false contradicts prepend_scheme '{scheme}'");
                }
                // The first token loses every replacement character (it stands for the prepended space), the others read them as spaces.
                _steps.Add(tokens => tokens.Select((t, i) => t.Replace(replacement.ToString(), i == 0 && scheme != "never" ? "" : " ", StringComparison.Ordinal)).ToList());
                break;
            case "WordPiece":
                string wordPrefix = json.RequiredString(node, "prefix", where);
                bool cleanup = json.RequiredBool(node, "cleanup", where);
                _steps.Add(tokens => WordPiece(tokens, wordPrefix, cleanup));
                break;
            case "BPEDecoder":
                string suffix = NonEmpty(json.RequiredString(node, "suffix", where), $"{where}.suffix", json);
                _steps.Add(tokens => tokens.Select((t, i) => t.Replace(suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal)).ToList());
                break;
            case "CTC":
                string pad = NonEmpty(json.RequiredString(node, "pad_token", where), $"{where}.pad_token", json);
                string delimiter = NonEmpty(json.RequiredString(node, "word_delimiter_token", where), $"{where}.word_delimiter_token", json);
                bool ctcCleanup = json.RequiredBool(node, "cleanup", where);
                _steps.Add(tokens => Ctc(tokens, pad, delimiter, ctcCleanup));
                break;
            case var other:
                throw json.Fail(where == "decoder"
                    ? $"decoder '{other}' is not supported ({Supported})"
                    : $"decoder '{other}' ({where}) is not supported ({Supported})");
        }
    }

    // Rust's str::replace with an empty pattern inserts between every character; no real file relies on that.
    private static string NonEmpty(string value, string where, JsonFieldReader json) =>
        value.Length > 0 ? value : throw json.Fail($"{where}: an empty string is not supported");

    // Every token's characters back to bytes (a token with a character outside the byte alphabet gives its own
    // UTF-8), then one lossy UTF-8 decode of the whole.
    private static List<string> ByteLevel(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            int mark = bytes.Count;
            foreach (char c in token)
            {
                if (ByteLevelAlphabet.TryDecode(c, out byte b)) { bytes.Add(b); continue; }
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                break;
            }
        }
        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }

    // Runs of <0xXX> tokens become their UTF-8 text, or one U+FFFD per byte when that is not valid UTF-8.
    private static List<string> ByteFallback(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (string token in tokens)
        {
            if (ByteOf(token) is { } b) { pending.Add(b); continue; }
            Flush(pending, output);
            output.Add(token);
        }
        Flush(pending, output);
        return output;

        static void Flush(List<byte> pending, List<string> output)
        {
            if (pending.Count == 0) return;
            try
            {
                output.Add(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(pending.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                output.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
            }
            pending.Clear();
        }
    }

    // "<0xXX>": six UTF-8 bytes, two hex digits (Rust's from_str_radix also takes a leading '+').
    private static byte? ByteOf(string token)
    {
        if (!token.StartsWith("<0x", StringComparison.Ordinal) || !token.EndsWith('>') || Encoding.UTF8.GetByteCount(token) != 6) return null;
        string digits = token[3..^1];
        if (digits.Length == 2 && digits[0] == '+') digits = digits[1..];
        return digits.All(char.IsAsciiHexDigit) && byte.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b) ? b : null;
    }

    private static string Strip(string token, Rune content, int start, int stop)
    {
        Rune[] runes = token.EnumerateRunes().ToArray();
        int from = 0, to = runes.Length;
        while (from < Math.Min(start, runes.Length) && runes[from] == content) from++;
        while (runes.Length - to < stop && to > from && runes[to - 1] == content) to--;
        return string.Concat(runes[from..to].Select(r => r.ToString()));
    }

    private static List<string> WordPiece(List<string> tokens, string prefix, bool cleanup)
    {
        var output = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (i != 0) token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            output.Add(cleanup ? Cleanup(token) : token);
        }
        return output;
    }

    private static List<string> Ctc(List<string> tokens, string pad, string delimiter, bool cleanup)
    {
        var output = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (i > 0 && tokens[i] == tokens[i - 1]) continue; // consecutive repeats collapse
            string token = tokens[i].Replace(pad, "", StringComparison.Ordinal);
            if (cleanup) token = Cleanup(token).Replace(delimiter, " ", StringComparison.Ordinal);
            if (token.Length > 0) output.Add(token);
        }
        return output;
    }

    // HF's wordpiece::cleanup: glue punctuation and English contractions back to the preceding word.
    private static string Cleanup(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}
