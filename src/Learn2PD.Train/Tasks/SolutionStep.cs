namespace Learn2PD.Train.Tasks;

/// <summary>
/// One line of a worked answer before it is worded: "{Subject} {Verb} {A} {Op} {B} = {Result} …", where
/// <see cref="Holding"/> is what the subject ends up with ("12 pens", "4 more pencils than Leo").
/// </summary>
/// <param name="Subject">"Leo", "then he", "together they": lower case unless a name, so it can open or follow a clause.</param>
internal sealed record SolutionStep(string Subject, string Verb, int A, char Op, int B, int Result, string Holding)
{
    public bool IsCommutative => Op is '+' or '*';
}
