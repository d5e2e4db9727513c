using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;

namespace Learn2PD.Cli.Terminal;

/// <summary>
/// `decode --stream`: the answer canvas after every step, masks shown as ░. On an interactive terminal
/// the canvas is redrawn in place; otherwise (a pipe, a log) each step is one line with newlines shown as ⏎.
/// </summary>
internal sealed class CanvasStream(TextWriter output, LLaDATokenizer tokenizer, ModelConfig config, int genLength)
{
    private const string Mask = "░";
    private readonly long[] canvas = Enumerable.Repeat((long)config.MaskTokenId, genLength).ToArray();
    private readonly bool inPlace = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private int length = genLength, drawnLines, step;

    public void Show(StepTrace t)
    {
        if (t.Row != 0) return;
        step++;
        for (int j = 0; j < t.Committed.Length; j++)
        {
            if (t.Committed[j]) canvas[t.AnswerOffset + j] = t.CommittedTokens[j];
        }
        if (t.CutLength is int cut) length = cut - (t.BlockStart - t.AnswerOffset); // the cut is absolute; the canvas starts at the answer
        string text = Render();
        if (!inPlace)
        {
            output.WriteLine($"step {step} (block {t.Block}): {text.Replace("\n", "⏎", StringComparison.Ordinal)}");
            return;
        }
        // Move to the first line of the last drawing and clear it before drawing again.
        if (drawnLines > 0) output.Write($"\u001b[{drawnLines}F\u001b[J");
        output.WriteLine($"step {step}, block {t.Block}");
        output.WriteLine(text);
        drawnLines = 2 + text.Count(c => c == '\n');
        output.Flush();
    }

    public void Finish()
    {
        if (inPlace) output.WriteLine();
    }

    /// <summary>The committed tokens as text, each mask as ░ (a long masked tail shortened), end-of-text left out, up to the cut.</summary>
    private string Render()
    {
        int end = Math.Min(length, canvas.Length), tail = 0;
        while (tail < end && canvas[end - 1 - tail] == config.MaskTokenId) tail++;
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count == 0) return;
            text.Append(tokenizer.Decode(run, skipSpecialTokens: true));
            run.Clear();
        }
        for (int i = 0; i < end - tail; i++)
        {
            if (canvas[i] == config.MaskTokenId)
            {
                Flush();
                text.Append(Mask);
            }
            else if (canvas[i] != config.EosTokenId) run.Add((int)canvas[i]);
        }
        Flush();
        if (tail > 0) text.Append(tail <= 8 ? string.Concat(Enumerable.Repeat(Mask, tail)) : $"{Mask}{Mask}{Mask}… ({tail} masked)");
        return text.ToString();
    }
}
