namespace Learn2PD.Core.Decoding;

/// <summary>
/// Two checks on the positions a filter accepts in one step, against two ways parallel commits break a text that
/// one-token-a-step decoding does not, each time two positions are filled from different wordings:
/// <list type="bullet">
/// <item>two neighbouring accepted positions that predict the same word (<c>21 - 6 6</c>) keep only the more
/// confident one;</item>
/// <item>an end-of-text waits while its left neighbour is masked and predicts a word: the answer's end is not
/// fixed before the text that may still need the room (<c>#### </c> then end-of-text, where a wording one
/// token longer won).</item>
/// </list>
/// A dropped position waits for the next forward, which sees what its neighbours committed. The schedule's
/// top-k, which the policy ORs in afterwards, is not checked, so a block always progresses.
/// </summary>
public static class CommitGuards
{
    public static void Apply(BlockStep step)
    {
        for (int j = 1; j < step.Length; j++)
        {
            if (!step.Accepted[j] || !step.Accepted[j - 1]) continue;
            long token = step.Predictions[j];
            if (token == step.EndOfText || token != step.Predictions[j - 1]) continue;
            Drop(step, step.Confidences[j] > step.Confidences[j - 1] ? j - 1 : j);
        }
        for (int j = 1; j < step.Length; j++)
        {
            if (!step.Accepted[j] || step.Predictions[j] != step.EndOfText) continue;
            if (step.Masked[j - 1] && step.Predictions[j - 1] != step.EndOfText) Drop(step, j);
        }
    }

    private static void Drop(BlockStep step, int j) => step.Commit[j] = step.Accepted[j] = false;
}
