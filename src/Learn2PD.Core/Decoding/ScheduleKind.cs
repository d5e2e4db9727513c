namespace Learn2PD.Core.Decoding;

/// <summary>How many masked positions each step of a block commits (<see cref="BlockStep.ScheduledCount"/>).</summary>
public enum ScheduleKind
{
    /// <summary>LLaDA's <c>get_num_transfer_tokens</c>: the block's masks split evenly over its steps, fixed at the block start (<see cref="TransferSchedule"/>).</summary>
    Linear,
    /// <summary>Dream's timesteps: each step commits a share of the masks still left (<see cref="TimestepSchedule"/>).</summary>
    Timesteps,
}
