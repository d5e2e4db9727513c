using System.Text.Json;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Filter;
using Learn2PD.Tests.Support;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Cli;

/// <summary>
/// The model and filter shipped in models/arith-llada: the defaults of every command. These decode
/// real test-split problems with the trained weights, so they fail if the shipped files regress.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class EmbeddedModelTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "models", "arith-llada");

    private static (string Text, int Nfe) Decode(params string[] extra)
    {
        var args = new List<string> { "decode", "--output", "json" };
        args.AddRange(extra);
        var (code, output, error) = CliRunner.Run(args.ToArray());
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.GetProperty("text").GetString()!, json.RootElement.GetProperty("nfe").GetInt32());
    }

    [Fact]
    public void Decode_WithNoModel_SolvesATestProblem_WithTheBaseline()
    {
        var problem = ArithmeticTask.Default.Test(1)[0];

        var (text, nfe) = Decode("--prompt", problem.Question, "--gen-length", "64");

        Assert.Equal(64, nfe);
        Assert.True(GsmScorer.Score(text, problem.Answer).StrictCorrect, $"answer: {text.Trim()}");
    }

    /// <summary>The README's examples (in the task's own phrasing), a multiplication and a two-step problem.</summary>
    [Theory]
    [InlineData("Mia has 3 apples. She buys 2 more. How many apples does Mia have now?", "5")]
    [InlineData("Emma has 3 boxes with 4 stickers in each. How many stickers does Emma have altogether?", "12")]
    [InlineData("Leo buys 3 boxes of pens. Each box has 4 pens. He gives away 5. How many pens does Leo have now?", "7")]
    [InlineData("Leo has 7 cookies. Sam has 3 fewer cookies than Leo. How many cookies do they have together?", "11")]
    public void Decode_TheReadmeExamples_WithTheFilterAndEndOfTextPrediction(string question, string answer)
    {
        var (text, nfe) = Decode("--prompt", question, "--policy", "filter", "--eotp");

        Assert.Equal(answer, GsmScorer.StrictMatch(text));
        Assert.True(nfe <= 32, $"NFE {nfe}: {text}");   // the baseline spends 256
    }

    /// <summary>A short filter + EoTP decode in the text output, with its stdout and stderr.</summary>
    private static (int Code, string Output, string Error) DecodeText(string prompt) =>
        CliRunner.Run("decode", "--prompt", prompt, "--policy", "filter", "--eotp", "--gen-length", "64");

    [Fact]
    public void Decode_WordsTheModelDoesNotKnow_AreNamedInAWarning()
    {
        var (code, output, error) = DecodeText("Leo has 5 cookies and eats 2 of them. How many cookies does Leo have left?");

        Assert.Equal(0, code);
        Assert.NotEqual("", output);
        string warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: --prompt: the embedded model does not know 'eats', 'them';", warning);
    }

    [Fact]
    public void Decode_AQuestionInTheTasksWords_HasNoWarning()
    {
        var (code, _, error) = DecodeText("Question: Mia has 3 apples. She buys 2 more. How many apples does Mia have now?\nAnswer:");

        Assert.Equal(0, code);
        Assert.Equal("", error);
    }

    [Fact]
    public void ShippedFilter_FitsTheShippedModel()
    {
        string filterPath = Path.Combine(Directory, "filter.safetensors");
        using var filter = FilterLoader.Load(filterPath, acceptThreshold: null, blockLength: 32);
        var sidecar = FilterSidecar.Load(FilterSidecar.PathFor(filterPath));
        var model = PretrainedModel.Load(Directory, ScalarType.Float32, CPU, requireTokenizer: true);

        Assert.IsType<PositionFilter>(filter.Filter);
        Assert.Equal("position", sidecar.Kind);
        Assert.Equal(sidecar.SuggestedThreshold, filter.AcceptThreshold);
        Assert.True(sidecar.MeetsAgreement);
        // It separates final from not-yet-final predictions better than the raw confidence thresholding reads.
        Assert.True(sidecar.Diagnostics!.FilterRocAuc > sidecar.Diagnostics.ConfidenceRocAuc,
            $"filter ROC-AUC {sidecar.Diagnostics.FilterRocAuc}, confidence's {sidecar.Diagnostics.ConfidenceRocAuc}");
        Assert.Equal(sidecar.Model.Fingerprint, ModelFingerprint.Compute(Directory));
        Assert.Equal(2_766_592, model.Model.ParameterCount());
    }
}
