using System.Globalization;
using System.Net;
using System.Text;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Eval.Reports;

/// <summary>
/// `decode --trace-html`: one self-contained HTML page (no scripts or network) showing how the canvas
/// filled: the answer with each token coloured by the forward that committed it, the end-of-text cut,
/// and a table of every step's commits.
/// </summary>
public static class TraceHtml
{
    public static void Write(string path, IReadOnlyList<StepTrace> steps, RowResult row, LLaDATokenizer? tokenizer, ModelConfig config,
        string method, int genLength)
    {
        var mine = steps.Where(s => s.Row == 0).ToArray();
        // When and how each answer position was committed: the forward (1-based, across blocks) and its confidence.
        var committedAt = new int[genLength];
        var confidence = new double[genLength];
        var tokens = Enumerable.Repeat((long)config.MaskTokenId, genLength).ToArray();
        int? cutAt = null, cutStep = null;
        for (int f = 0; f < mine.Length; f++)
        {
            var s = mine[f];
            for (int j = 0; j < s.Committed.Length; j++)
            {
                if (!s.Committed[j]) continue;
                int p = s.AnswerOffset + j;
                (committedAt[p], confidence[p], tokens[p]) = (f + 1, s.Confidences[j], s.CommittedTokens[j]);
            }
            if (s.CutLength is int cut) (cutAt, cutStep) = (cut - (s.BlockStart - s.AnswerOffset), f + 1);
        }
        int forwards = Math.Max(1, mine.Length);

        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>l2pd decode trace</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 70em; }
            .canvas { font-family: ui-monospace, monospace; font-size: 15px; line-height: 2.1; background: #fafafa; border: 1px solid #ddd; padding: 1em; }
            .tok { padding: 2px 1px; border-radius: 3px; white-space: pre; }
            .eot { color: #888; font-size: 11px; }
            .masked { color: #bbb; }
            .cut { border-left: 3px solid #d62728; padding-left: 4px; color: #d62728; font-weight: bold; font-family: system-ui, sans-serif; font-size: 12px; }
            table { border-collapse: collapse; margin-top: 1em; font-size: 13px; }
            td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
            .legend span { display: inline-block; width: 2.2em; text-align: center; font-size: 11px; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Decode trace: {Escape(method)}</h1>");
        html.Append(string.Create(CultureInfo.InvariantCulture,
            $"<p>{row.Nfe} forwards (NFE) for a canvas of {genLength} tokens; {row.AnswerIds.Length} answer positions kept{(cutAt is int c ? $", end-of-text cut after position {c} at forward {cutStep}" : "")}. " +
            $"Each token's colour is the forward that committed it; hover for its position and confidence.</p>"));
        html.Append("<p class=\"legend\">forward: ");
        foreach (int f in Enumerable.Range(1, Math.Min(forwards, 12)).Select(i => (int)Math.Round(1 + (i - 1) * (forwards - 1) / Math.Max(1.0, Math.Min(forwards, 12) - 1))).Distinct())
            html.Append(CultureInfo.InvariantCulture, $"<span style=\"background:{Colour(f, forwards)};color:{Ink(f, forwards)}\">{f}</span>");
        html.Append("</p><div class=\"canvas\">");
        int shown = cutAt ?? genLength;
        for (int p = 0; p < genLength; p++)
        {
            if (p == shown) html.Append(CultureInfo.InvariantCulture, $"<span class=\"cut\">✂ end of text (forward {cutStep})</span>");
            if (p >= shown) break;
            if (tokens[p] == config.MaskTokenId)
            {
                html.Append(CultureInfo.InvariantCulture, $"<span class=\"tok masked\" title=\"position {p}: never committed\">░</span>");
                continue;
            }
            bool eot = tokens[p] == config.EosTokenId;
            string text = eot ? "⟨eot⟩" : tokenizer?.Decode([(int)tokens[p]]) ?? tokens[p].ToString(CultureInfo.InvariantCulture);
            string title = string.Create(CultureInfo.InvariantCulture, $"position {p}, forward {committedAt[p]}, confidence {confidence[p]:F3}");
            html.Append(CultureInfo.InvariantCulture,
                $"<span class=\"tok{(eot ? " eot" : "")}\" style=\"background:{Colour(committedAt[p], forwards)};color:{Ink(committedAt[p], forwards)}\" title=\"{Escape(title)}\">{Escape(text).Replace("\n", "⏎<br>", StringComparison.Ordinal)}</span>");
        }
        html.Append("</div><h2>Steps</h2><table><tr><th>forward</th><th>block</th><th>step</th><th>committed (position: token)</th><th>cut</th></tr>");
        for (int f = 0; f < mine.Length; f++)
        {
            var s = mine[f];
            var commits = Enumerable.Range(0, s.Committed.Length).Where(j => s.Committed[j])
                .Select(j => $"{s.AnswerOffset + j}: {(s.CommittedTokens[j] == config.EosTokenId ? "⟨eot⟩" : tokenizer?.Decode([(int)s.CommittedTokens[j]]) ?? s.CommittedTokens[j].ToString(CultureInfo.InvariantCulture))}");
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{f + 1}</td><td>{s.Block}</td><td>{s.Step}</td><td>{Escape(string.Join(" · ", commits)).Replace("\n", "⏎", StringComparison.Ordinal)}</td><td>{(s.CutLength is null ? "" : "✂")}</td></tr>");
        }
        html.Append("</table></body></html>\n");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    /// <summary>From dark blue (first forward) through green to yellow (last), like viridis.</summary>
    private static string Colour(int forward, int forwards)
    {
        double t = forwards <= 1 ? 0 : (forward - 1) / (double)(forwards - 1);
        (double R, double G, double B)[] stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];
        double x = t * (stops.Length - 1);
        int i = Math.Min((int)x, stops.Length - 2);
        double u = x - i;
        var (a, b) = (stops[i], stops[i + 1]);
        return string.Create(CultureInfo.InvariantCulture, $"rgb({a.R + u * (b.R - a.R):F0},{a.G + u * (b.G - a.G):F0},{a.B + u * (b.B - a.B):F0})");
    }

    private static string Ink(int forward, int forwards) => forwards > 1 && (forward - 1) / (double)(forwards - 1) > 0.55 ? "#111" : "#fff";

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
