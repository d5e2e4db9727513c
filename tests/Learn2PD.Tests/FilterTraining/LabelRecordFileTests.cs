using Learn2PD.Tests.Support;
using Learn2PD.Core;
using Learn2PD.Tests.Checkpoints;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>The append-only label file: exact round trip, a header that guards reuse, recovery from a partial last line.</summary>
public sealed class LabelRecordFileTests
{
    private static PromptLabels Prompt(int index, float confidence) => new(index, [5, 7, 109, 109], 4, 2, 0.5, 0.05,
    [
        new LabelRecord(0, 0, [confidence, 0.1f, 1e-7f, 1f], [true, false, false, true], [true, true, true, true]),
        new LabelRecord(0, 1, [0.999999f, 0.25f, 0.3333333f, 1f], [true, true, false, true], [false, true, true, false]) { Text = [5, 7, 109, 0] },
    ]);

    [Fact]
    public void Append_ThenRead_RoundTripsEveryValueExactly()
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels.jsonl");
        var header = FilterTrainingFixtures.Header(3, genLength: 4, blockLength: 4);
        using (var file = LabelRecordFile.Open(path, header)) file.Append([Prompt(2, 0.123456789f), Prompt(0, 0.5f)]);

        var (readHeader, prompts) = LabelRecordFile.Read(path);

        Assert.Null(readHeader.FirstDifference(header));
        Assert.Equal([2, 0], prompts.Select(p => p.Prompt));
        var expected = Prompt(2, 0.123456789f);
        Assert.Equal(expected.Reference, prompts[0].Reference);
        Assert.Equal((expected.BaselineNfe, expected.OracleNfe), (prompts[0].BaselineNfe, prompts[0].OracleNfe));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected.Records[i].Confidences, prompts[0].Records[i].Confidences);
            Assert.Equal(expected.Records[i].Correct, prompts[0].Records[i].Correct);
            Assert.Equal(expected.Records[i].Masked, prompts[0].Records[i].Masked);
            Assert.Equal((expected.Records[i].Block, expected.Records[i].Step), (prompts[0].Records[i].Block, prompts[0].Records[i].Step));
            Assert.Equal(expected.Records[i].Text, prompts[0].Records[i].Text);   // null stays null
        }
    }

    [Fact]
    public void Open_DropsAPartialLastLine_AndAppendsAfterTheLastCompleteOne()
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels.jsonl");
        var header = FilterTrainingFixtures.Header(3, genLength: 4, blockLength: 4);
        using (var file = LabelRecordFile.Open(path, header)) file.Append([Prompt(0, 0.5f), Prompt(1, 0.5f)]);
        File.SetAttributes(path, FileAttributes.Normal);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 40);

        using (var file = LabelRecordFile.Open(path, header))
        {
            Assert.Equal([0], file.Recorded.Keys);
            Assert.True(file.DroppedBytes > 0);
            file.Append([Prompt(2, 0.25f)]);
        }

        Assert.Equal([0, 2], LabelRecordFile.Read(path).Prompts.Select(p => p.Prompt));
    }

    [Fact]
    public void Open_AHeaderCutOffMidWrite_StartsOver()
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels.jsonl");
        var header = FilterTrainingFixtures.Header(3);
        File.WriteAllText(path, header.ToJson()[..25]);

        using (var file = LabelRecordFile.Open(path, header)) Assert.Empty(file.Recorded);

        Assert.Empty(LabelRecordFile.Read(path).Prompts);
    }

    [Fact]
    public void Open_AFileMadeWithOtherSettings_IsRefusedNamingTheSetting()
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels.jsonl");
        using (LabelRecordFile.Open(path, FilterTrainingFixtures.Header(3, genLength: 64))) { }

        var error = Assert.Throws<Learn2PdException>(() => LabelRecordFile.Open(path, FilterTrainingFixtures.Header(3, genLength: 128)));

        Assert.Contains("gen_length: 64 in the file, 128 now", error.Message);
    }

    [Fact]
    public void Open_AFileThatIsNoLabelFile_IsLeftAlone()
    {
        using var temp = new TempDirectory();
        string path = temp.File("notes.txt");
        File.WriteAllText(path, "my notes, no newline");

        var error = Assert.Throws<Learn2PdException>(() => LabelRecordFile.Open(path, FilterTrainingFixtures.Header(3)));

        Assert.Contains("not a label file", error.Message);
        Assert.Equal("my notes, no newline", File.ReadAllText(path));
    }
}
