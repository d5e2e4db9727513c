using Learn2PD.Core.Decoding;
using Learn2PD.Eval;

namespace Learn2PD.Tests.Evaluation;

public sealed class MethodResultTests
{
    private static SampleRecord Record(string method, int index, int nfe, double ms, int generated, int text, string? answer, bool correct,
        string? flexible = null, bool flexibleCorrect = false, string? body = null) => new()
    {
        Method = method, GenLength = 64, Index = index, PromptHash = "h", Reference = "5", Nfe = nfe, LatencyMs = ms,
        GeneratedTokens = generated, TextTokens = text, Text = body ?? $"#### {answer}", Answer = answer, Correct = correct,
        FlexibleAnswer = flexible ?? answer, FlexibleCorrect = flexible is null ? correct : flexibleCorrect,
    };

    private static readonly SampleRecord[] Baseline =
    [
        Record("baseline", 0, nfe: 64, ms: 640, generated: 64, text: 10, answer: "5", correct: true),
        Record("baseline", 1, nfe: 64, ms: 660, generated: 64, text: 14, answer: "7", correct: false, flexible: "3", flexibleCorrect: true),
    ];

    private static readonly SampleRecord[] Fast =
    [
        Record("l2p+eotp", 0, nfe: 4, ms: 50, generated: 12, text: 11, answer: "5", correct: true, body: "other text #### 5"),
        Record("l2p+eotp", 1, nfe: 4, ms: 50, generated: 16, text: 15, answer: "8", correct: false),
    ];

    private static readonly LengthPlan[] Length = [new(64, 10)];

    private static IReadOnlyList<MethodResult> Summarize(EvalMetric metric = EvalMetric.Strict) =>
        MethodResult.Summarize([.. Baseline, .. Fast], EvalRequest.ParseMethods("l2p+eotp"), Length, metric);

    [Fact]
    public void Baseline_HasTpfOne_AndNoSpeedUp()
    {
        var baseline = Summarize()[0];

        Assert.Equal(("baseline", 2), (baseline.Method, baseline.N));
        Assert.Equal(1.0, baseline.Tpf, 12);
        Assert.Equal(1.0, baseline.SpeedupNfe!.Value, 12);
        Assert.Equal(1.0, baseline.SpeedupTime!.Value, 12);
        Assert.Equal(100.0, baseline.Agreement);
        Assert.Equal(50.0, baseline.Accuracy);
        // (10 + 14) non-end-of-text tokens over 1.3 s.
        Assert.Equal(24 / 1.3, baseline.TokensPerSecond, 9);
        Assert.Equal(650, baseline.MeanLatencyMs, 9);
    }

    [Fact]
    public void Method_TpfSpeedUpAndAgreement_AreTotalsOverTotals()
    {
        var fast = Summarize()[1];

        Assert.Equal(4, fast.MeanNfe);
        Assert.Equal(28 / 8.0, fast.Tpf, 12);                 // committed tokens / NFE
        Assert.Equal(128 / 8.0, fast.SpeedupNfe!.Value, 12);    // baseline NFE / method NFE
        Assert.Equal(1300 / 100.0, fast.SpeedupTime!.Value, 12);
        Assert.Equal(1300 / 100.0 / 16, fast.TimeToNfeRatio!.Value, 12);
        Assert.Equal(26 / 0.1, fast.TokensPerSecond, 9);
        Assert.Equal(50.0, fast.Agreement);                      // "5" = "5"; "8" ≠ "7"
        Assert.Equal(0.0, fast.IdenticalText);
        Assert.Equal(50.0, fast.Accuracy);
    }

    [Fact]
    public void Metric_ChoosesTheAccuracyColumnAndTheAnswersCompared()
    {
        var baseline = Summarize(EvalMetric.Flexible)[0];

        Assert.Equal(100.0, baseline.Accuracy);
        Assert.Equal(50.0, baseline.AccuracyStrict);
        Assert.Equal(100.0, baseline.AccuracyFlexible);
    }

    [Fact]
    public void Limit_CountsOnlyTheFirstSamples_AndWithoutBaselineThereIsNoSpeedUp()
    {
        var results = MethodResult.Summarize(Fast, EvalRequest.ParseMethods("l2p+eotp"), [new LengthPlan(64, 1)], EvalMetric.Strict);

        var only = Assert.Single(results);
        Assert.Equal(1, only.N);
        Assert.Null(only.SpeedupNfe);
        Assert.Null(only.Agreement);
    }
}
