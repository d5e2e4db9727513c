using Learn2PD.Eval;

namespace Learn2PD.Tests.Evaluation;

public sealed class AupTests
{
    [Fact]
    public void Aup_HandComputedExample()
    {
        // Sorted by TPF: (1, 80), (2, 79), (4, 70). 70 < 80 - 5, so the third point is dropped.
        // y_max = 80: W(80) = 1, W(79) = exp(-3 (1 - 79/80)) = exp(-0.0375) = 0.963194...
        // AUP = 1·80 + ½ (2 - 1)(79·0.963194 + 80·1) = 80 + ½ (76.09234 + 80) = 158.04617
        double aup = Aup.Compute([(4, 70), (2, 79), (1, 80)]);

        Assert.Equal(80 + 0.5 * (79 * Math.Exp(-0.0375) + 80), aup, 9);
        Assert.Equal(158.0462, aup, 3);
    }

    [Fact]
    public void Aup_OnePoint_IsTpfTimesAccuracy() => Assert.Equal(75.0, Aup.Compute([(1, 75)]), 12);

    [Fact]
    public void Aup_WeightsOnlyUsesTheBestAccuracy_EvenWhenAFasterMethodIsMoreAccurate()
    {
        // (1, 60), (3, 64): y_max 64, W(60) = exp(-3 (1 - 60/64)) = exp(-0.1875), W(64) = 1.
        double aup = Aup.Compute([(1, 60), (3, 64)]);

        Assert.Equal(60 + 0.5 * 2 * (64 + 60 * Math.Exp(-0.1875)), aup, 9);
    }

    [Fact]
    public void Aup_AllWrong_IsZero() => Assert.Equal(0, Aup.Compute([(1, 0), (5, 0)]));
}
