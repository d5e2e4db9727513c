using Learn2PD.Train.Tasks;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Tests.Decoding;
using Learn2PD.Tests.Support;
using Learn2PD.Train.ModelTraining;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.Support;

/// <summary>Prompts, settings and small models the filter-training tests share.</summary>
internal static class FilterTrainingFixtures
{
    /// <summary>
    /// A private instance of the golden tiny LLaDA: decoding mutates a model's RoPE tables, so tests
    /// that may run in parallel with the golden decode tests must not share <see cref="GoldenModels"/>' instance.
    /// </summary>
    public static DiffusionModel GoldenTinyModel()
    {
        GoldenData.Require();
        return PretrainedModel.Load(GoldenData.Path("llada-tiny", "model"), TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU).Model;
    }

    /// <summary>Three distinct prompts of the golden decode cases (lengths 12, 7 and 20 ids).</summary>
    public static IReadOnlyList<int[]> GoldenPrompts() =>
        GoldenCases.Load().Select(c => c.PromptIds).DistinctBy(p => string.Join(',', p)).Take(3).ToArray();

    public static LabelFileHeader Header(int promptCount, int genLength = 64, int blockLength = 32, IReadOnlyList<int>? validation = null) => new()
    {
        Model = "llada-tiny",
        ModelFingerprint = "sha256:test",
        GenLength = genLength,
        BlockLength = blockLength,
        Steps = genLength,
        BatchSize = 2,
        EndOfText = 109,
        PromptCount = promptCount,
        PromptsSha256 = "sha256:prompts",
        ValidationPrompts = validation ?? [0],
    };

    /// <summary>
    /// A randomly initialised one-layer LLaDA with the arithmetic task's character tokenizer, saved
    /// in HF layout: what the command needs (it reads text), in milliseconds per forward.
    /// </summary>
    public static void WriteTinyTextModel(string directory, int maxSequenceLength = 1024)
    {
        Directory.CreateDirectory(directory);
        var ids = ArithmeticCorpus.Vocabulary(ArithmeticTask.Default.Train(1000, seed: 0)).Write(Path.Combine(directory, "tokenizer.json"));
        var tokenizer = LLaDATokenizer.Load(directory);
        var config = ModelConfig.Small(tokenizer.VocabularySize, ids[SpecialToken.Mask], ids[SpecialToken.EndOfText],
            dModel: 32, nHeads: 2, nLayers: 1, mlpHiddenSize: 64, maxSequenceLength: maxSequenceLength);
        using var model = new LLaDAModelLM(config);
        ModelInit.Initialize(model, seed: 3);
        PretrainedModel.Save(model, directory);
    }
}
