using Learn2PD.Train.Tasks;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.ModelTraining;

namespace Learn2PD.Tests.Support;

/// <summary>
/// A randomly initialised char-level LLaDA (1 layer, d_model 32) over the arithmetic alphabet, saved
/// once per test run as a model directory: untrained, so answers are noise, but every decode path
/// and every output file of the benchmark can be exercised in milliseconds per forward.
/// </summary>
internal static class EvalFixture
{
    private static readonly Lazy<string> Directory = new(Create);

    public static string ModelDirectory => Directory.Value;

    private static string Create()
    {
        string dir = Path.Combine(Path.GetTempPath(), "l2pd-eval-model-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var ids = ArithmeticCorpus.Vocabulary(ArithmeticTask.Default.Train(1000, seed: 0)).Write(Path.Combine(dir, "tokenizer.json"));
        var tokenizer = LLaDATokenizer.Load(dir);
        var config = ModelConfig.Small(tokenizer.VocabularySize, ids[SpecialToken.Mask], ids[SpecialToken.EndOfText],
            dModel: 32, nHeads: 2, nLayers: 1, mlpHiddenSize: 64, maxSequenceLength: 512);
        using var model = new LLaDAModelLM(config);
        ModelInit.Initialize(model, seed: 1);
        PretrainedModel.Save(model, dir);
        return dir;
    }
}
