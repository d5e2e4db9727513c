namespace Learn2PD.Core.Decoding;

/// <summary>LLaDA's schedule: the k most confident masked positions, k from <see cref="TransferSchedule"/>.</summary>
public sealed class FixedSchedulePolicy : ICommitPolicy
{
    public void Select(BlockStep step) => step.CommitTopK(step.ScheduledCount);
}
