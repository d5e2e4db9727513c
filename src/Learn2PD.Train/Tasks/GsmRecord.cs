namespace Learn2PD.Train.Tasks;

public enum GsmRecordKind
{
    /// <summary>A GSM8K question, wrapped by <see cref="GsmPrompt.FormatQuery"/> before generation.</summary>
    Question,

    /// <summary>A ready prompt, sent to the model as is.</summary>
    Prompt,
}

/// <summary>One line of a JSONL file: <c>{"question", "answer"}</c> (GSM8K) or <c>{"prompt", "answer"?}</c>.</summary>
public sealed record GsmRecord(GsmRecordKind Kind, string Text, string? Answer)
{
    public static GsmRecord FromProblem(GsmProblem problem) => new(GsmRecordKind.Question, problem.Question, problem.Answer);

    /// <summary>The text to generate from; a ready prompt ignores <paramref name="fewShotPrefix"/>.</summary>
    public string ToPrompt(string fewShotPrefix = "") =>
        Kind == GsmRecordKind.Prompt ? Text : fewShotPrefix + GsmPrompt.FormatQuery(Text);

    /// <summary>The normalized final answer to score against; null when the record has no answer.</summary>
    public string? Reference => Answer is null ? null : GsmScorer.ReferenceAnswer(Answer);
}
