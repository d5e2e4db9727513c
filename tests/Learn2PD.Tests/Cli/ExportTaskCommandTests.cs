using Learn2PD.Tests.Checkpoints;
using Learn2PD.Tests.Support;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Cli;

public class ExportTaskCommandTests
{
    [Fact]
    public void ExportTest_WritesTheSplitEvalScoresOn_AsGsmJsonl()
    {
        using var temp = new TempDirectory();
        string path = temp.File("test.jsonl");
        var (code, output, error) = CliRunner.Run("export-task", "--split", "test", "--count", "5", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("wrote 5 test problems", output);

        var written = GsmJsonl.ReadProblems(path);
        var expected = ArithmeticTask.Default.Test(5);
        Assert.Equal(expected.Select(p => (p.Question, p.Answer)), written.Select(p => (p.Question, p.Answer)));
        Assert.All(written, p => Assert.Equal(TaskSplit.Test, ArithmeticTask.SplitOf(p.Question)));
    }

    [Theory]
    [InlineData("--split", "dev", "--split: 'dev' is not one of train, validation, test")]
    [InlineData("--count", "0", "--count must be at least 1")]
    public void ExportTask_BadInput_IsAShortError_AndWritesNothing(string option, string value, string message)
    {
        using var temp = new TempDirectory();
        string path = temp.File("out.jsonl");
        var (code, _, error) = CliRunner.Run("export-task", option, value, "--out", path);
        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
        Assert.InRange(error.Trim().Split('\n').Length, 1, 2);
        Assert.False(File.Exists(path));
    }
}
