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

        var (text, nfe) = Decode("--prompt", problem.Question);

        Assert.Equal(256, nfe);
        Assert.True(GsmScorer.Score(text, problem.Answer).StrictCorrect, $"answer: {text.Trim()}");
    }

    [Fact]
    public void Decode_WithTheDefaultFilter_SolvesIt_InUnderHalfTheForwards()
    {
        var problem = ArithmeticTask.Default.Test(1)[0];

        var (text, nfe) = Decode("--prompt", problem.Question, "--policy", "filter");

        Assert.True(GsmScorer.Score(text, problem.Answer).StrictCorrect, $"answer: {text.Trim()}");
        Assert.True(nfe < 256 / 2, $"NFE {nfe}");
    }

    [Fact]
    public void ShippedFilter_FitsTheShippedModel()
    {
        string filterPath = Path.Combine(Directory, "filter.safetensors");
        var filter = FilterFile.Load(filterPath);
        var sidecar = FilterSidecar.Load(FilterSidecar.PathFor(filterPath));
        var model = PretrainedModel.Load(Directory, ScalarType.Float32, CPU, requireTokenizer: true);

        Assert.Equal(32, filter.BlockLength);
        Assert.Equal(filter.BlockLength, sidecar.BlockLength);
        Assert.InRange(sidecar.SuggestedThreshold, 0.5, 1.0);
        Assert.True(sidecar.MeetsAgreement);
        Assert.Equal(675_968, model.Model.ParameterCount());
    }
}
