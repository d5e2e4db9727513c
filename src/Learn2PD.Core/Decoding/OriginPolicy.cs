namespace Learn2PD.Core.Decoding;

/// <summary>
/// Dream's <c>origin</c> sampler: each masked position is committed with probability <c>1 − s/t</c>
/// (<see cref="BlockStep.ScheduledFraction"/>; 1 at the schedule's last step), one uniform draw per masked
/// position in position order, rows in batch order, as the reference's <c>torch.rand</c> over the masked
/// entries draws them. The confidence plays no part.
/// </summary>
public sealed class OriginPolicy(IUniformSource draws) : ICommitPolicy
{
    public void Select(BlockStep step)
    {
        for (int j = 0; j < step.Length; j++)
        {
            // The reference compares an fp32 draw with an fp32 share.
            if (step.Masked[j] && (float)draws.Next() < step.ScheduledFraction) step.Commit[j] = true;
        }
    }
}
