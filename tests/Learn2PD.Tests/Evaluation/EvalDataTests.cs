using Learn2PD.Tests.Support;
using Learn2PD.Eval;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Evaluation;

public sealed class EvalDataTests
{
    private static readonly Lazy<PretrainedModel> Tiny = new(() => PretrainedModel.Load(EvalFixture.ModelDirectory, ScalarType.Float32, CPU));

    [Fact]
    public void DefaultData_IsTheArithmeticTestSplit_InLmEvalsPromptFormat()
    {
        var samples = EvalData.Load(new EvalDataOptions(), Tiny.Value.Tokenizer!, 3);
        var test = ArithmeticTask.Default.Test(3);

        Assert.Equal(3, samples.Count);
        Assert.Equal($"Question: {test[1].Question}\nAnswer:", samples[1].Prompt);
        Assert.Equal(test[1].Answer, samples[1].Reference);
        Assert.Equal(Scoring.Gsm, samples[1].Scoring);
        Assert.Equal(Tiny.Value.Tokenizer!.Encode(samples[1].Prompt), samples[1].PromptIds);
    }

    [Fact]
    public void FewShot_PrefixesKSolvedExamples_TheSameOnEveryRun()
    {
        var options = new EvalDataOptions { Shots = 2, Seed = 5 };

        var first = EvalData.Load(options, Tiny.Value.Tokenizer!, 2);
        var again = EvalData.Load(options, Tiny.Value.Tokenizer!, 2);

        Assert.Equal(first.Select(s => s.Prompt), again.Select(s => s.Prompt));
        string prompt = first[0].Prompt;
        Assert.Equal(3, prompt.Split("Question: ").Length - 1);
        Assert.Equal(2, prompt.Split("\n\n").Length - 1);
        Assert.EndsWith($"Question: {ArithmeticTask.Default.Test(1)[0].Question}\nAnswer:", prompt);
    }

    [Fact]
    public void FewShot_WithADataFile_NeedsAFewShotFile()
    {
        string data = Path.GetTempFileName();
        File.WriteAllText(data, "{\"question\": \"Tom has 2 apples. How many?\", \"answer\": \"#### 2\"}\n");
        try
        {
            var e = Assert.Throws<Learn2PdException>(() =>
                EvalData.Load(new EvalDataOptions { DataPath = data, Shots = 1 }, Tiny.Value.Tokenizer!, 1));
            Assert.Contains("--fewshot-data", e.Message);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Theory]
    [InlineData(" 4 \n", "4", true)]
    [InlineData("4 apples", "4", false)]
    public void ExactMatch_ComparesTrimmedText(string generation, string answer, bool correct)
    {
        var sample = new EvalSample(0, "p", [1], answer, Scoring.ExactMatch);

        var score = SampleScore.Score(generation, sample);

        Assert.Equal(correct, score.Correct);
        Assert.Equal(generation.Trim(), score.Answer);
    }

    [Fact]
    public void Gsm_ScoresStrictAndFlexible_CuttingAtTheStopString()
    {
        var sample = new EvalSample(0, "p", [1], "2 + 3 = 5\n#### 5", Scoring.Gsm);

        var score = SampleScore.Score(" so 5\n#### 6\n\nQuestion: #### 5", sample);

        Assert.Equal(("6", false), (score.Answer, score.Correct));
        Assert.Equal(("6", false), (score.FlexibleAnswer, score.FlexibleCorrect));
        Assert.True(SampleScore.Score(" 2 + 3 = 5\n#### 5", sample).Correct);
    }
}
