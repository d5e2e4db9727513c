using System.Text.Json;
using System.Text.Json.Serialization;

namespace Learn2PD.Eval;

/// <summary>
/// One decode of one sample by one method at one generation length: cost, output and score. Written
/// to samples.jsonl as soon as it finishes, so a killed run resumes where it stopped.
/// </summary>
public sealed record SampleRecord
{
    public required string Method { get; init; }
    public required int GenLength { get; init; }
    public required int Index { get; init; }
    /// <summary>Hash of the prompt ids (see <see cref="EvalSample.PromptHash"/>).</summary>
    public required string PromptHash { get; init; }
    /// <summary>Forward passes spent on this sample.</summary>
    public required int Nfe { get; init; }
    /// <summary>Wall time of the decode call (batch of one), tokenization and scoring excluded.</summary>
    public required double LatencyMs { get; init; }
    /// <summary>libtorch's CPU threads when it ran (null in files written before it was recorded): a resumed run's timings may mix counts.</summary>
    public int? Threads { get; init; }
    /// <summary>Answer positions the decoder committed: gen_length, or less after an end-of-text cut.</summary>
    public required int GeneratedTokens { get; init; }
    /// <summary>Committed answer tokens other than end-of-text: what tokens/s counts.</summary>
    public required int TextTokens { get; init; }
    /// <summary>The reference answer as scored (GSM8K: the number after ####, normalized).</summary>
    public required string Reference { get; init; }
    /// <summary>The answer decoded with special tokens skipped.</summary>
    public required string Text { get; init; }
    public string? Answer { get; init; }
    public bool Correct { get; init; }
    public string? FlexibleAnswer { get; init; }
    public bool FlexibleCorrect { get; init; }
    /// <summary>The answer ids (the oracle's reference when this is the baseline); kept out of results.json.</summary>
    public long[]? AnswerIds { get; init; }

    /// <summary>The extracted answer by the chosen metric.</summary>
    public string? AnswerBy(EvalMetric metric) => metric == EvalMetric.Flexible ? FlexibleAnswer : Answer;

    public bool CorrectBy(EvalMetric metric) => metric == EvalMetric.Flexible ? FlexibleCorrect : Correct;

    /// <summary>snake_case JSON, nulls omitted, one object per line.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Which of lm-eval's GSM8K scorers the accuracy column uses (exact-match data scores the same either way).</summary>
public enum EvalMetric
{
    Strict,
    Flexible,
}
