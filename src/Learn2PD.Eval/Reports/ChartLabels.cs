using ScottPlot;

namespace Learn2PD.Eval.Reports;

/// <summary>
/// Places point labels so that none overlaps another label or a marker: each label tries the spots
/// around its point in turn (right, left, above, below, then further out) and is dropped when none is
/// free. Needs the plot's final axes, so call it after the limits are set, then render again.
/// </summary>
internal static class ChartLabels
{
    private const float CharWidth = 6.6f, LineHeight = 14f, Gap = 5f;

    public static void Place(Plot plot, int width, int height, IReadOnlyList<(double X, double Y, string Text, Color Color)> labels, float fontSize = 11)
    {
        plot.GetImage(width, height).Dispose(); // lays out the axes, so coordinates map to pixels
        var pixels = labels.Select(l => plot.GetPixel(new Coordinates(l.X, l.Y))).ToArray();
        var taken = pixels.Select(p => new PixelRect(p.X - 6, p.X + 6, p.Y - 6, p.Y + 6)).ToList(); // the markers
        var area = plot.RenderManager.LastRender.DataRect;
        for (int i = 0; i < labels.Count; i++)
        {
            var (w, h) = (labels[i].Text.Length * CharWidth * fontSize / 11, LineHeight * fontSize / 11);
            var p = pixels[i];
            foreach (var (dx, dy) in Offsets(w, h))
            {
                var box = new PixelRect(p.X + dx, p.X + dx + w, p.Y + dy, p.Y + dy + h);
                if (box.Left < area.Left || box.Right > area.Right || box.Top < area.Top || box.Bottom > area.Bottom) continue;
                if (taken.Any(t => Overlaps(t, box))) continue;
                taken.Add(box);
                var text = plot.Add.Text(labels[i].Text, plot.GetCoordinates(new Pixel(box.Left, box.Top)));
                text.LabelFontSize = fontSize;
                text.LabelFontColor = labels[i].Color;
                text.LabelAlignment = Alignment.UpperLeft;
                break;
            }
        }
    }

    /// <summary>Top-left corners relative to the point: beside it first, then above and below, then further out.</summary>
    private static IEnumerable<(float Dx, float Dy)> Offsets(float w, float h)
    {
        foreach (float reach in new[] { 1f, 2.2f, 3.6f })
        {
            yield return (Gap * reach, -h / 2);
            yield return (-w - Gap * reach, -h / 2);
            yield return (-w / 2, -h - Gap * reach);
            yield return (-w / 2, Gap * reach);
            yield return (Gap * reach, -h - Gap * reach);
            yield return (Gap * reach, Gap * reach);
            yield return (-w - Gap * reach, -h - Gap * reach);
            yield return (-w - Gap * reach, Gap * reach);
        }
    }

    private static bool Overlaps(PixelRect a, PixelRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
}
