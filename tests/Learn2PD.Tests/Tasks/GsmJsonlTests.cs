using System.Text;
using Learn2PD.Core;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Tasks;

public sealed class GsmJsonlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("l2pd-jsonl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WriteText(string name, string text)
    {
        string path = PathOf(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void WriteThenRead_RoundTripsProblems()
    {
        var problems = ArithmeticTask.Default.Test(50).Append(new GsmProblem("Say \"hi\" \\ café?", "a\tb\n#### 1")).ToList();
        string path = PathOf("test.jsonl");
        GsmJsonl.Write(path, problems);
        Assert.Equal(problems, GsmJsonl.ReadProblems(path));
        Assert.All(GsmJsonl.Read(path), r => Assert.Equal(GsmRecordKind.Question, r.Kind));
    }

    [Fact]
    public void Write_ProducesGsm8kLines_Utf8WithoutBom()
    {
        string path = PathOf("one.jsonl");
        GsmJsonl.Write(path, [new GsmProblem("Mia's 4 pencils?", "Mia has 4 + 0 = 4 pencils.\n#### 4")]);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal("{\"question\": \"Mia's 4 pencils?\", \"answer\": \"Mia has 4 + 0 = 4 pencils.\\n#### 4\"}\n",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Write_ReplacesAnExistingFile_AndLeavesNoTemporaryFile()
    {
        string path = WriteText("out.jsonl", "old content that is longer than the new one\n");
        GsmJsonl.Write(path, ArithmeticTask.Default.Test(2));
        Assert.Equal(2, GsmJsonl.Read(path).Count);
        Assert.Equal(["out.jsonl"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Read_AcceptsPromptRecords_WithOrWithoutAnswer_AndSkipsBlankLines()
    {
        string path = WriteText("prompts.jsonl",
            "{\"prompt\": \"Question: 2+2?\\nAnswer:\", \"answer\": \"#### 4\"}\n\n{\"prompt\": \"Hello\"}\n{\"prompt\": \"x\", \"answer\": 72}\n");
        Assert.Equal(
            [
                new GsmRecord(GsmRecordKind.Prompt, "Question: 2+2?\nAnswer:", "#### 4"),
                new GsmRecord(GsmRecordKind.Prompt, "Hello", null),
                new GsmRecord(GsmRecordKind.Prompt, "x", "72"),
            ],
            GsmJsonl.Read(path));
        Assert.Equal("4", GsmJsonl.Read(path)[0].Reference);
    }

    [Fact]
    public void Read_Gsm8kLine_KeepsTheCalculatorAnnotations_AndFindsTheReference()
    {
        string path = WriteText("gsm8k.jsonl",
            "{\"question\": \"Natalia sold 48 clips...\", \"answer\": \"Natalia sold 48/2 = <<48/2=24>>24 clips.\\n#### 1,072\"}\n");
        GsmRecord record = Assert.Single(GsmJsonl.Read(path));
        Assert.Equal("1072", record.Reference);
        Assert.Contains("<<48/2=24>>", record.Answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"question\": \"q\"", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"answer\": \"#### 1\"}", "needs a \"question\"")]
    [InlineData("{\"question\": \"q\", \"prompt\": \"p\", \"answer\": \"a\"}", "both \"question\" and \"prompt\"")]
    [InlineData("{\"question\": \"q\"}", "needs an \"answer\"")]
    [InlineData("{\"prompt\": \"p\", \"answer\": {\"x\": 1}}", "\"answer\" must be a string")]
    public void Read_BadLine_NamesFileAndLineNumber(string badLine, string expected)
    {
        string path = WriteText("bad.jsonl", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n" + badLine + "\n");
        var error = Assert.Throws<Learn2PdException>(() => GsmJsonl.Read(path));
        Assert.StartsWith($"{path}:2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \n")]
    public void Read_EmptyFile_Throws(string text)
    {
        string path = WriteText("empty.jsonl", text);
        Assert.Contains("no records", Assert.Throws<Learn2PdException>(() => GsmJsonl.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_Throws() =>
        Assert.Contains("not found", Assert.Throws<Learn2PdException>(() => GsmJsonl.Read(PathOf("nope.jsonl"))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void ReadProblems_RejectsPromptRecords()
    {
        string path = WriteText("mixed.jsonl", "{\"prompt\": \"p\", \"answer\": \"#### 1\"}\n");
        Assert.Contains("record 1", Assert.Throws<Learn2PdException>(() => GsmJsonl.ReadProblems(path)).Message,
            StringComparison.Ordinal);
    }
}
