using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.ModelTraining;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Tests.ModelTraining;

/// <summary>The small-model trainer learns: a few dozen steps on arithmetic problems lower the masked-diffusion loss, for either family.</summary>
public sealed class ModelTrainerTests
{
    [Theory]
    [InlineData(ModelFamily.LLaDA, true)]
    [InlineData(ModelFamily.LLaDA, false)]
    [InlineData(ModelFamily.Dream, true)]
    public void Train_FortySteps_LowersTheLoss(ModelFamily family, bool mixedPrecision)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"l2pd-vocab-{Guid.NewGuid():N}");
        try
        {
            var ids = ArithmeticCorpus.Vocabulary(ArithmeticTask.Default.Train(1000, seed: 0)).Write(Path.Combine(dir, "tokenizer.json"));
            var tokenizer = LLaDATokenizer.Load(dir);
            var config = ModelConfig.Small(tokenizer.VocabularySize, ids[SpecialToken.Mask], ids[SpecialToken.EndOfText],
                dModel: 32, nHeads: 2, nLayers: 1, mlpHiddenSize: 64, maxSequenceLength: 512, family: family);
            var model = DiffusionModel.Create(config);
            ModelInit.Initialize(model, seed: 1);
            var examples = ArithmeticTask.Default.Train(200, seed: 1).Select(p => ArithmeticCorpus.Tokenize(tokenizer, p)).ToArray();
            var options = new TrainModelOptions { Steps = 40, WarmupSteps = 5, LearningRate = 3e-3, TokensPerBatch = 2048, LongFraction = 0, Seed = 1, MixedPrecision = mixedPrecision };
            var sampler = new DiffusionBatchSampler(examples, config.EosTokenId, options.TokensPerBatch, options.ShortSlack, options.LongGenLength, options.LongFraction, seed: 1);
            using var trainer = new ModelTrainer(model, sampler, options);
            var losses = new List<double>();

            trainer.Run(0, report => losses.Add(report.Loss), CancellationToken.None);

            Assert.Equal(40, losses.Count);
            Assert.All(losses, l => Assert.True(double.IsFinite(l)));
            double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
            Assert.True(last < 0.7 * first, $"loss went from {first:F3} to {last:F3}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Loss_IgnoresPromptTokens()
    {
        // With every answer position equal to the prompt's tokens and a model that predicts anything,
        // only masked answer positions contribute: an all-prompt batch has zero answer tokens → loss 0.
        var ids = tensor(new long[] { 1, 2, 3, 4 }, [1, 4]);
        var noAnswer = zeros([1, 4], ScalarType.Bool);
        var loss = MaskedDiffusionLoss.Compute(x => randn([1, 4, 8]), ids, noAnswer, maskTokenId: 7);
        Assert.Equal(0f, loss.item<float>());
    }
}
