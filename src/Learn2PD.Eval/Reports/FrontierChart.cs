using System.Globalization;
using Learn2PD.Eval;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Learn2PD.Eval.Reports;

/// <summary>
/// frontier-GEN.png: one curve per method family (accuracy against NFE speed-up, log x), each point
/// labelled with its parameter where the label fits, the baseline and the oracle as reference marks.
/// </summary>
public static class FrontierChart
{
    public static string FileName(int genLength) => $"frontier-{genLength}.png";

    public static void Write(string path, int genLength, IReadOnlyList<FamilyFrontier> frontiers, MethodResult? oracle, string metricName,
        int width = 1100, int height = 700)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var labels = new List<(double X, double Y, string Text, Color Color)>();
        var mine = frontiers.Where(f => f.GenLength == genLength).ToArray();
        var all = new List<(double X, double Y)>();
        for (int i = 0; i < mine.Length; i++)
        {
            var f = mine[i];
            var color = palette.GetColor(i);
            var points = f.Points.OrderBy(p => p.Param).ToArray(); // a curve along the parameter
            var xs = points.Select(p => Math.Log10(p.SpeedupNfe)).ToArray();
            var ys = points.Select(p => p.Accuracy).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.MarkerSize = 7;
            line.LineWidth = 1.5f;
            line.LegendText = f.Family;
            for (int j = 0; j < points.Length; j++)
            {
                labels.Add((xs[j], ys[j], points[j].Param.ToString("0.###", CultureInfo.InvariantCulture), color));
                all.Add((xs[j], ys[j]));
            }
        }
        if (mine.Length > 0)
        {
            var baseline = plot.Add.Marker(0, mine[0].BaselineAccuracy, MarkerShape.FilledSquare, 10, Colors.Black);
            baseline.LegendText = "baseline";
            all.Add((0, mine[0].BaselineAccuracy));
        }
        if (oracle?.SpeedupNfe is > 0)
        {
            var star = plot.Add.Marker(Math.Log10(oracle.SpeedupNfe.Value), oracle.Accuracy, MarkerShape.FilledDiamond, 11, Colors.Gray);
            star.LegendText = "oracle";
            all.Add((Math.Log10(oracle.SpeedupNfe.Value), oracle.Accuracy));
        }

        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString("0.#", CultureInfo.InvariantCulture) + "×",
        };
        int n = mine.Length == 0 ? 0 : mine.Min(f => f.N);
        plot.Title($"Accuracy–speed frontiers at gen length {genLength} (n = {n})");
        plot.XLabel("speed-up by NFE over the one-token-per-step baseline (log scale)");
        plot.YLabel($"accuracy % ({metricName})");
        if (all.Count > 0)
        {
            double low = all.Min(p => p.Y), high = all.Max(p => p.Y);
            plot.Axes.SetLimitsX(Math.Min(0, all.Min(p => p.X)) - 0.1, all.Max(p => p.X) + 0.25);
            plot.Axes.SetLimitsY(Math.Max(-2, Math.Min(low - 4, high - 15)), Math.Min(106, high + 4));
        }
        plot.ShowLegend(Edge.Right);
        ChartLabels.Place(plot, width, height, labels);

        using var image = plot.GetImage(width, height);
        byte[] png = image.GetImageBytes(ImageFormat.Png, 100);
        Learn2PD.Core.AtomicFile.Write(path, stream => stream.Write(png));
    }
}
