using Learn2PD.Core.Decoding;

namespace Learn2PD.Serve;

/// <summary>
/// The part of one row's answer that streaming may send. A diffusion model commits tokens anywhere in
/// its block, out of order, but never changes a committed token; so the run of committed positions from
/// the answer's start is final text, and it grows as the steps fill the gaps. An end-of-text cut only
/// ends the answer after a position that is still masked or being committed, so it never shortens this run.
/// </summary>
internal sealed class CommittedPrefix(int genLength)
{
    private readonly long[] tokens = new long[genLength];
    private readonly bool[] committed = new bool[genLength];
    private int answerLength = genLength;

    public int Length { get; private set; }

    public long[] Snapshot() => tokens[..Length];

    /// <summary>Records one step of this row; true when the prefix grew.</summary>
    public bool Apply(StepTrace step)
    {
        for (int j = 0; j < step.Committed.Length; j++)
        {
            if (!step.Committed[j]) continue;
            committed[step.AnswerOffset + j] = true;
            tokens[step.AnswerOffset + j] = step.CommittedTokens[j];
        }
        if (step.CutLength is int cut) answerLength = cut - (step.BlockStart - step.AnswerOffset);
        int before = Length;
        while (Length < answerLength && committed[Length]) Length++;
        return Length > before;
    }
}
