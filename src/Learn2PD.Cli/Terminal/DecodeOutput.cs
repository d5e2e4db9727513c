using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Terminal;

/// <summary>
/// How `l2pd decode` prints a decoded row: the answer and a stats line, or one JSON object per row
/// (<c>ids</c>, <c>text</c>, <c>nfe</c>, <c>tokens</c>, <c>seconds</c>, …).
/// </summary>
internal sealed class DecodeOutput(bool json, LLaDATokenizer? tokenizer, long endOfText, string policy, bool eotp, CacheKind cache, int? batchSize)
{
    /// <summary>Answer lines with text as written ("+" stays "+").</summary>
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _cache = cache.ToString().ToLowerInvariant();

    public void Write(TextWriter output, RowResult row, double seconds)
    {
        string text = tokenizer?.Decode(row.AnswerIds.Select(id => (int)id), skipSpecialTokens: true) ?? "";
        int tokens = row.AnswerIds.Count(id => id != endOfText);
        double perSecond = tokens / Math.Max(seconds, 1e-9);
        if (!json)
        {
            output.WriteLine(tokenizer is null ? string.Join(",", row.AnswerIds) : text);
            output.WriteLine(FormattableString.Invariant(
                $"[NFE {row.Nfe} | {tokens} tokens | {seconds:F2} s | {perSecond:F1} tokens/s | {policy}{(eotp ? "+eotp" : "")}, cache {_cache}]"));
            return;
        }
        var record = new JsonObject
        {
            ["ids"] = new JsonArray(row.AnswerIds.Select(id => (JsonNode)id).ToArray()),
            ["text"] = text,
            ["nfe"] = row.Nfe,
            ["tokens"] = tokens,
            ["seconds"] = Math.Round(seconds, 4),
            ["tokens_per_second"] = Math.Round(perSecond, 2),
            ["policy"] = policy,
            ["cache"] = _cache,
            ["eotp"] = eotp,
        };
        if (batchSize is int b) record["batch_size"] = b;
        output.WriteLine(record.ToJsonString(OutputJson));
    }
}
