namespace Learn2PD.Train.Tasks;

/// <summary>
/// lm-eval's gsm8k prompt: <c>Question: {q}\nAnswer:</c>, the target after a space, and k-shot examples
/// each followed by a blank line before the query.
/// </summary>
public static class GsmPrompt
{
    public const string TargetDelimiter = " ";
    public const string FewShotDelimiter = "\n\n";

    public static string FormatQuery(string question) => $"Question: {question}\nAnswer:";

    /// <summary>A bare question in lm-eval's frame; text that already holds "Answer:" is left as it is.</summary>
    public static string FrameBareQuestion(string text) =>
        text.Contains("Answer:", StringComparison.Ordinal) ? text : FormatQuery(text.Trim());

    /// <summary>What the model should generate after <see cref="FormatQuery"/>.</summary>
    public static string FormatTarget(string answer) => TargetDelimiter + answer;

    /// <summary>A solved example: query and target, as in a k-shot prefix or a training sequence.</summary>
    public static string FormatExample(GsmProblem example) => FormatQuery(example.Question) + FormatTarget(example.Answer);

    /// <summary>The k solved examples, each followed by a blank line (empty for k = 0).</summary>
    public static string FewShotPrefix(IEnumerable<GsmProblem> examples) =>
        string.Concat(examples.Select(e => FormatExample(e) + FewShotDelimiter));

    public static string FormatFewShot(IEnumerable<GsmProblem> examples, string question) =>
        FewShotPrefix(examples) + FormatQuery(question);
}
