using Learn2PD.Core.Decoding;

namespace Learn2PD.Tests.Dream;

/// <summary>Dream's timestep schedule: int(m · (1 − s/t)) of the m masks left, so early steps may commit nothing; the last commits all.</summary>
public sealed class TimestepScheduleTests
{
    [Fact]
    public void Count_SixteenMasksOverSixteenSteps_FirstStepCommitsNothing()
    {
        var schedule = new TimestepSchedule(16);

        // t = 1, s = 1 − 0.999/16: 16 · 0.0624 = 0.999, truncated.
        Assert.Equal(0, schedule.Count(0, 16));
        Assert.Equal(1, schedule.Count(1, 16));
    }

    [Fact]
    public void Count_FromTheLastStepOn_CommitsEveryRemainingMask()
    {
        var schedule = new TimestepSchedule(8);

        Assert.Equal(5, schedule.Count(7, 5));
        Assert.Equal(5, schedule.Count(9, 5));
        Assert.Equal(1f, schedule.Fraction(7));
        Assert.InRange(schedule.Fraction(6), 0.49f, 0.51f); // t = t₆ = 0.25075, s = t₇ = 0.125875
    }
}
