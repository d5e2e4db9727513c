using Learn2PD.Train.ModelTraining;

namespace Learn2PD.Tests.ModelTraining;

public sealed class DiffusionBatchSamplerTests
{
    private const int Eos = 9;

    // Prompt + answer lengths 5 and 7, several examples of each, with answers that never contain Eos.
    private static readonly TrainingExample[] Examples =
    [
        new([1, 2, 3], [4, 5]), new([1, 2], [4, 5, 6]), new([1], [4, 5, 6, 7]),
        new([1, 2, 3, 3], [4, 5, 6]), new([1, 2, 3], [4, 5, 6, 7]),
    ];

    private static int Tail(long[] row) => row.Reverse().TakeWhile(id => id == Eos).Count();

    [Fact]
    public void TightBatches_EndAtMostTightSlackTokensAfterEveryAnswer()
    {
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 64, shortSlack: 32, longMax: 200,
            longFraction: 0, seed: 3, tightFraction: 1, tightSlack: 2);
        for (int i = 0; i < 20; i++)
        {
            var (ids, answerMask) = sampler.Next();
            long rows = ids.shape[0], total = ids.shape[1];
            Assert.InRange(total, 5, 7 + 2);
            var data = ids.data<long>().ToArray();
            var tails = Enumerable.Range(0, (int)rows).Select(r => Tail(data.Skip((int)(r * total)).Take((int)total).ToArray())).ToArray();
            Assert.All(tails, t => Assert.InRange(t, 0, 2));
            Assert.Single(tails.Distinct());      // one prompt + answer length per batch
            Assert.Equal(rows * total, answerMask.numel());
        }
    }

    [Fact]
    public void WithoutTightBatches_EveryRowKeepsAnEndOfTextTail()
    {
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 64, shortSlack: 4, longMax: 200, longFraction: 0, seed: 3);
        for (int i = 0; i < 20; i++)
        {
            var (ids, _) = sampler.Next();
            long total = ids.shape[1];
            var data = ids.data<long>().ToArray();
            for (int r = 0; r < ids.shape[0]; r++)
                Assert.True(Tail(data.Skip((int)(r * total)).Take((int)total).ToArray()) >= 1);
        }
    }
}
