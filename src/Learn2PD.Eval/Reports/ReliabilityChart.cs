using Learn2PD.Train.FilterTraining;
using ScottPlot;

namespace Learn2PD.Eval.Reports;

/// <summary>
/// FILTER.reliability.png: the filter's predicted probability against how often such predictions were
/// right, on held-out masked positions (a calibrated filter lies on the diagonal), with the count per bin.
/// </summary>
public static class ReliabilityChart
{
    public static void Write(string path, TrainFilterReport report, int width = 700, int height = 600)
    {
        var plot = new Plot();
        plot.Axes.SetLimits(0, 1, 0, 1.05);
        var bins = report.Reliability;
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "calibrated";
        if (bins.Count > 0)
        {
            var curve = plot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.Observed).ToArray());
            curve.MarkerSize = 8;
            curve.LegendText = $"filter ({report.Sidecar.Kind})";
            ChartLabels.Place(plot, width, height, bins.Select(b => (b.MeanPredicted, b.Observed, $"{b.Count:N0}", curve.Color)).ToArray(), fontSize: 9);
        }
        var d = report.Sidecar.Diagnostics;
        plot.Title($"Filter reliability, {d?.Positions ?? 0:N0} held-out masked positions\nROC-AUC: filter {d?.FilterRocAuc:F3}, raw confidence {d?.ConfidenceRocAuc:F3}");
        plot.XLabel("filter's probability that the prediction is final");
        plot.YLabel("observed share equal to the reference");
        plot.ShowLegend(Alignment.UpperLeft);
        using var image = plot.GetImage(width, height);
        byte[] png = image.GetImageBytes(ImageFormat.Png, 100);
        Learn2PD.Core.AtomicFile.Write(path, stream => stream.Write(png));
    }
}
