using System.Globalization;
using Learn2PD.Eval;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Learn2PD.Eval.Reports;

/// <summary>
/// speedup.png: accuracy against NFE speed-up over the baseline, one colour and marker per generation
/// length, each point labelled with its method where the label does not overlap another. The speed-up axis is logarithmic (methods span 1× to ~100×).
/// </summary>
public static class SpeedupChart
{
    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];

    public static void Write(string path, IReadOnlyList<MethodResult> results, string metricName, int width = 1000, int height = 650)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var lengths = results.Select(r => r.GenLength).Distinct().Order().ToArray();
        var points = results.Where(r => r.SpeedupNfe is > 0)
            .Select(r => (r.Method, r.GenLength, Color: palette.GetColor(Array.IndexOf(lengths, r.GenLength)), X: Math.Log10(r.SpeedupNfe!.Value), Y: r.Accuracy))
            .ToArray();
        for (int i = 0; i < lengths.Length; i++)
        {
            var mine = points.Where(p => p.GenLength == lengths[i]).ToArray();
            if (mine.Length == 0) continue;
            var scatter = plot.Add.ScatterPoints(mine.Select(p => p.X).ToArray(), mine.Select(p => p.Y).ToArray(), palette.GetColor(i));
            scatter.MarkerSize = 10;
            scatter.MarkerShape = Shapes[i % Shapes.Length];
            scatter.LegendText = $"gen length {lengths[i]}";
        }

        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString("0.#", CultureInfo.InvariantCulture) + "×",
        };
        string counts = string.Join(", ", lengths.Select(l => $"n = {results.Where(r => r.GenLength == l).Min(r => r.N)} at {l}"));
        plot.Title($"Accuracy vs. speed-up over the one-token-per-step baseline ({counts})");
        plot.XLabel("speed-up by NFE (log scale)");
        plot.YLabel($"accuracy % ({metricName})");
        plot.Axes.Margins(horizontal: 0.15, vertical: 0.1);
        if (points.Length > 0)
        {
            // At least a 20-point window, so equal accuracies do not blow up into a ±1 % axis, with room above for labels.
            double low = points.Min(p => p.Y), high = points.Max(p => p.Y);
            plot.Axes.SetLimitsY(Math.Max(-2, Math.Min(low - 5, high - 20)), Math.Min(115, Math.Max(high + 15, low + 20)));
        }
        plot.ShowLegend(Edge.Right);
        ChartLabels.Place(plot, width, height, points.Select(p => (p.X, p.Y, p.Method, p.Color)).ToArray());

        using var image = plot.GetImage(width, height);
        byte[] png = image.GetImageBytes(ImageFormat.Png, 100);
        Learn2PD.Core.AtomicFile.Write(path, stream => stream.Write(png));
    }
}
