using System.Globalization;

namespace Learn2PD.Train.FilterTraining;

/// <summary>The table `l2pd train-filter` prints: data, times, the τ_f calibration and the separation diagnostics.</summary>
public static class TrainFilterSummary
{
    public static void Write(TextWriter o, TrainFilterReport report)
    {
        var s = report.Sidecar;
        var t = s.Times;
        var d = s.TrainingData;
        double perPrompt = d.Prompts == 0 ? 0 : 1.0 / d.Prompts;
        Line(o, $"");
        Line(o, $"train-filter summary");
        Line(o, $"  model          {s.Model.Name} ({s.Model.Dtype}), gen {s.Decode.GenLength}, block {s.Decode.BlockLength}; filter kind {s.Kind}");
        Line(o, $"  prompts        {d.Prompts} ({d.TrainPrompts} train, {d.ValidationPrompts} validation): {d.Source}");
        Line(o, $"  records        {d.TrainRecords:N0} train, {d.ValidationRecords:N0} validation; {d.PositiveRate:P1} of training positions correct");
        Line(o, $"  labels         reference {t.ReferenceSeconds:F1} s ({t.ReferenceSeconds * perPrompt:F2} s/prompt), oracle {t.OracleSeconds:F1} s ({t.OracleSeconds * perPrompt:F2} s/prompt)");
        if (s.Fit.Rounds > 1)
            Line(o, $"  rounds         {s.Fit.Rounds} fits; rounds 2 to {s.Fit.Rounds} decoded every prompt with the round before's filter at τ_f {string.Join(", ", s.Fit.RolloutThresholds)} ({t.RoundSeconds:F1} s with their fits)");
        Line(o, $"  fit            {s.Fit.Iterations} iterations in {t.FitSeconds:F1} s, kept iteration {s.Fit.BestIteration} (lowest validation loss); BCE {s.Fit.InitialTrainLoss:F4} → train {s.Fit.TrainLoss:F4}, validation {s.Fit.ValidationLoss:F4}");
        Line(o, $"  calibration    {s.Calibration.Count} τ_f × {d.ValidationPrompts} prompts in {t.CalibrationSeconds:F1} s");
        Line(o, $"  this run       {t.RunSeconds:F1} s");
        Line(o, $"");
        Line(o, $"  {"τ_f",-9} {"mean NFE",9} {"speed-up",9} {"agreement",10} {"tokens",8} {"precision",10} {"recall",8} {"FPR",8}");
        Line(o, $"  {"baseline",-9} {s.BaselineMeanNfe,9:F1} {1.0,8:F2}× {1.0,10:P1} {1.0,8:P1}");
        Line(o, $"  {"oracle",-9} {s.OracleMeanNfe,9:F1} {s.BaselineMeanNfe / s.OracleMeanNfe,8:F2}× {1.0,10:P1} {1.0,8:P1}");
        foreach (var p in s.Calibration)
        {
            var m = report.Metrics[p.Threshold];
            string mark = p.Threshold == report.Choice.Point.Threshold ? " <" : "";
            Line(o, $"  {p.Threshold,-9} {p.MeanNfe,9:F1} {s.BaselineMeanNfe / p.MeanNfe,8:F2}× {p.Agreement,10:P1} {p.TokenAgreement,8:P1} {Percent(m.Precision),10} {Percent(m.Recall),8} {Percent(m.FalsePositiveRate),8}{mark}");
        }
        Line(o, $"  (agreement: validation answers with the reference's {(s.Agreement == "answer" ? "final answer" : "ids")}, decoded with {s.CalibratedFor?.Method}; precision, recall, FPR: masked positions of validation records)");
        if (s.Diagnostics is { } g)
        {
            Line(o, $"");
            Line(o, $"  separation of right from wrong predictions on {g.Positions:N0} held-out masked positions ({g.PositiveRate:P1} right):");
            Line(o, $"  {"",-22} {"ROC-AUC",8} {"avg precision",14}");
            Line(o, $"  {$"filter ({s.Kind})",-22} {Number(g.FilterRocAuc),8} {Number(g.FilterAveragePrecision),14}");
            Line(o, $"  {"raw confidence",-22} {Number(g.ConfidenceRocAuc),8} {Number(g.ConfidenceAveragePrecision),14}");
        }
        Line(o, $"");
        string verdict = report.Choice.MeetsAgreement
            ? $"the fastest with agreement ≥ {s.MinAgreement:P1}"
            : $"WARNING: no τ_f reached agreement {s.MinAgreement:P1}; this is the most faithful one";
        Line(o, $"suggested τ_f {s.SuggestedThreshold} ({verdict}): mean NFE {report.Choice.Point.MeanNfe:F1}, {s.BaselineMeanNfe / report.Choice.Point.MeanNfe:F2}× fewer than the baseline, {report.Choice.Point.MeanNfe / s.OracleMeanNfe:F2}× the oracle's");
        Line(o, $"wrote {report.FilterPath} and {report.SidecarPath} (labels: {report.LabelsPath})");
    }

    private static string Number(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double value) => double.IsNaN(value) ? "-" : value.ToString("P1", CultureInfo.InvariantCulture);

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(FormattableString.Invariant(text));
}
