namespace Learn2PD.Core.Decoding;

/// <summary>
/// Dream's schedule over n steps: timesteps <c>t = linspace(1, ε = 1e−3, n + 1)</c>; step i
/// (t = tᵢ, s = tᵢ₊₁) commits the share <c>1 − s/t</c> of the m positions still masked, truncated:
/// <c>int(m · (1 − s/t))</c>, so a step may commit none; the last step (and any past it) commits all.
/// In fp32 like the reference, linspace included, so the truncations fall where its do.
/// </summary>
public sealed class TimestepSchedule
{
    private const float Eps = 1e-3f;
    private readonly float[] timesteps;

    public TimestepSchedule(int steps)
    {
        Steps = steps;
        timesteps = Linspace(1f, Eps, steps + 1);
    }

    public int Steps { get; }

    /// <summary>The share of the masked positions step <paramref name="index"/> commits: <c>1 − s/t</c>, 1 from the last step on.</summary>
    public float Fraction(int index) => index < Steps - 1 ? 1f - timesteps[index + 1] / timesteps[index] : 1f;

    /// <summary>How many of <paramref name="masked"/> positions step <paramref name="index"/> commits.</summary>
    public int Count(int index, int masked) => index < Steps - 1 ? (int)((float)masked * Fraction(index)) : masked;

    /// <summary>torch.linspace on the CPU in fp32: the first half stepped up from the start, the second half down from the end.</summary>
    private static float[] Linspace(float start, float end, int count)
    {
        var values = new float[count];
        if (count == 1) return [start];
        float step = (end - start) / (count - 1);
        int halfway = count / 2;
        for (int i = 0; i < count; i++) values[i] = i < halfway ? start + step * i : end - step * (count - 1 - i);
        return values;
    }
}
