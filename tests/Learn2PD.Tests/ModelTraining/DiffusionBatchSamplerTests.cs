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
            var (ids, answerMask, _, _) = sampler.Next();
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
    public void GroupedShortBatches_EndWithinShortSlackOfTheirLongestRow_AndDrawEveryLength()
    {
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 64, shortSlack: 3, longMax: 200, longFraction: 0, seed: 4,
            groupByLength: true);
        var rowLengths = new List<int>();
        for (int i = 0; i < 60; i++)
        {
            var (ids, _, _, _) = sampler.Next();
            long rows = ids.shape[0], total = ids.shape[1];
            Assert.True(rows * total <= 64, $"{rows} rows of {total} tokens");
            var data = ids.data<long>().ToArray();
            var lengths = Enumerable.Range(0, (int)rows).Select(r => (int)total - Tail(data.Skip((int)(r * total)).Take((int)total).ToArray())).ToArray();
            Assert.InRange(total - lengths.Max(), 0, 3);   // the canvas ends 0..shortSlack past the batch's longest row
            rowLengths.AddRange(lengths);
        }
        // Both lengths (5 and 7) keep their share: two of five examples are 7 long, so ~40% of rows.
        double share7 = rowLengths.Count(l => l == 7) / (double)rowLengths.Count;
        Assert.InRange(share7, 0.3, 0.5);
    }

    [Fact]
    public void WithoutTightBatches_EveryRowKeepsAnEndOfTextTail()
    {
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 64, shortSlack: 4, longMax: 200, longFraction: 0, seed: 3);
        for (int i = 0; i < 20; i++)
        {
            var (ids, _, _, _) = sampler.Next();
            long total = ids.shape[1];
            var data = ids.data<long>().ToArray();
            for (int r = 0; r < ids.shape[0]; r++)
                Assert.True(Tail(data.Skip((int)(r * total)).Take((int)total).ToArray()) >= 1);
        }
    }

    [Fact]
    public void BlockwiseRows_AreCleanBeforeOneAnswerBlock_AndHiddenAfterIt()
    {
        // Answers of 2-4 tokens in blocks of 2: the noised block holds part of the answer or its first end-of-text.
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 64, shortSlack: 4, longMax: 200, longFraction: 0, seed: 5,
            blockwiseFraction: 1, blockLength: 2);
        var seenBlocks = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            var (ids, answerMask, clean, hidden) = sampler.Next();
            long total = ids.shape[1];
            bool[] answer = answerMask.data<bool>().ToArray(), c = clean.data<bool>().ToArray(), h = hidden.data<bool>().ToArray();
            for (int r = 0; r < ids.shape[0]; r++)
            {
                var row = Enumerable.Range((int)(r * total), (int)total).ToArray();
                int answerStart = row.First(p => answer[p]) - (int)(r * total);
                int noisedFrom = row.Count(p => c[p]), hiddenFrom = (int)total - row.Count(p => h[p]);
                Assert.All(row, p => Assert.False(c[p] && h[p]));
                Assert.All(row.Where(p => c[p] || h[p]), p => Assert.True(answer[p], "prompt positions are neither clean nor hidden"));
                Assert.Equal(0, noisedFrom % 2);                                   // clean whole blocks from the answer start
                Assert.Equal(Math.Min(total, answerStart + noisedFrom + 2), hiddenFrom); // one noised block, then hidden to the end
                seenBlocks.Add(noisedFrom / 2);
            }
        }
        Assert.Subset(new HashSet<int> { 0, 1, 2 }, seenBlocks);
        Assert.Contains(0, seenBlocks);
        Assert.Contains(1, seenBlocks);
    }

    [Fact]
    public void LongBatches_SpanShortAndLongCanvases()
    {
        var sampler = new DiffusionBatchSampler(Examples, Eos, tokensPerBatch: 4096, shortSlack: 4, longMax: 1024, longFraction: 1, seed: 2);
        var lengths = Enumerable.Range(0, 200).Select(_ => (int)sampler.Next().Ids.shape[1]).ToList();
        Assert.All(lengths, l => Assert.InRange(l, 4 + 4 + 5, 4 + 1024));
        // Log-uniform: as many canvases below 100 tokens as between 100 and 1,000.
        int under100 = lengths.Count(l => l < 100), over100 = lengths.Count(l => l is >= 100 and < 1000);
        Assert.True(under100 > 50 && over100 > 50, $"{under100} under 100, {over100} from 100 to 1,000");
    }
}
