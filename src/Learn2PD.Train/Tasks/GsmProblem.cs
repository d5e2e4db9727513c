namespace Learn2PD.Train.Tasks;

/// <summary>
/// A GSM8K-style problem: a question and a step-by-step answer whose last line is <c>#### N</c>.
/// </summary>
public sealed record GsmProblem(string Question, string Answer)
{
    /// <summary>The reference lm-eval scores against: the text after the last <c>####</c>, normalized.</summary>
    public string FinalAnswer => GsmScorer.ReferenceAnswer(Answer);
}
