namespace Learn2PD.Core.Decoding;

/// <summary>LLaDA's <c>get_num_transfer_tokens</c>: how many tokens each step of a block commits.</summary>
public static class TransferSchedule
{
    /// <summary>M masks over S steps: each step M / S, the first M % S steps one more.</summary>
    public static int[] Compute(int maskedCount, int steps)
    {
        var schedule = new int[steps];
        int baseCount = maskedCount / steps, remainder = maskedCount % steps;
        for (int i = 0; i < steps; i++) schedule[i] = baseCount + (i < remainder ? 1 : 0);
        return schedule;
    }
}
