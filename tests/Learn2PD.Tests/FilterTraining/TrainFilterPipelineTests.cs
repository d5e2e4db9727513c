using Learn2PD.Tests.Support;
using Learn2PD.Cli.Commands;
using Learn2PD.Core;
using Learn2PD.Core.Filter;
using Learn2PD.Tests.Checkpoints;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Oracle;
using Learn2PD.Core.Checkpoints;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>
/// <c>l2pd train-filter</c> end to end on a tiny random model with a character tokenizer: bad input
/// fails before any work, the filter and its sidecar appear only when complete, labels are reused.
/// </summary>
public sealed class TrainFilterPipelineTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string model;

    public TrainFilterPipelineTests()
    {
        model = temp.File("model");
        FilterTrainingFixtures.WriteTinyTextModel(model);
    }

    public void Dispose() => temp.Dispose();

    private TrainFilterSettings Settings(string outName = "filter.safetensors") => new()
    {
        ModelDirectory = model,
        OutPath = temp.File(outName),
        Samples = 4,
        GenLength = 32,
        BlockLength = 16,
        BatchSize = 2,
        Iterations = 30,
        ValidationFraction = 0.5,
        Thresholds = [0.5, 0.9],
        Seed = 1,
    };

    private string[] Written() => Directory.GetFiles(temp.Path).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void Run_WritesTheFilterInTheAuthorsLayout_AndASidecarWithTheSuggestedThreshold()
    {
        var report = TrainFilterPipeline.Run(Settings() with { Kind = FilterKind.Learn2Pd }, SilentProgress.Instance, TextWriter.Null);

        var filter = FilterFile.Load(report.FilterPath);
        Assert.Equal(16, filter.BlockLength);
        Assert.Equal("learn2pd", FilterSidecar.Load(temp.File("filter.json")).Kind);
        var sidecar = FilterSidecar.Load(temp.File("filter.json"));
        Assert.Equal("filter.safetensors", sidecar.Filter);
        Assert.Contains(sidecar.SuggestedThreshold, new[] { 0.5, 0.9 });
        // decode and eval take their default τ_f from the sidecar.
        Assert.Equal(sidecar.SuggestedThreshold, FilterSidecar.SuggestedThresholdFor(report.FilterPath));
        Assert.Equal(2, sidecar.Calibration.Count);
        Assert.Equal((4, 2, 2), (sidecar.TrainingData.Prompts, sidecar.TrainingData.TrainPrompts, sidecar.TrainingData.ValidationPrompts));
        Assert.Equal(32, sidecar.BaselineMeanNfe);
        Assert.True(sidecar.OracleMeanNfe <= 32);
        Assert.Equal("model", sidecar.Model.Name);
        Assert.Equal(4, LabelRecordFile.Read(temp.File("filter.labels.jsonl")).Prompts.Count);
    }

    [Fact]
    public void Run_PositionKind_WritesAFilterDecodeLoads_WithDiagnosticsAgainstTheRawConfidence()
    {
        var report = TrainFilterPipeline.Run(Settings() with { Hidden = 8 }, SilentProgress.Instance, TextWriter.Null);

        using var loaded = FilterLoader.Load(report.FilterPath, acceptThreshold: null, blockLength: 16);
        var filter = Assert.IsType<PositionFilter>(loaded.Filter);
        Assert.Equal((8, PositionFeatures.Count), (filter.Hidden, filter.Features));
        Assert.Equal(report.Sidecar.SuggestedThreshold, loaded.AcceptThreshold);
        var sidecar = FilterSidecar.Load(temp.File("filter.json"));
        Assert.Equal("position", sidecar.Kind);
        Assert.Equal(["oracle", "reference"], sidecar.TrainingData.Trajectories);
        Assert.Equal(("l2p+eotp", 32), (sidecar.CalibratedFor!.Method, sidecar.CalibratedFor.GenLength));
        var d = sidecar.Diagnostics!;
        Assert.True(d.Positions > 0);
        Assert.InRange(d.ConfidenceRocAuc ?? 0.5, 0, 1);
        Assert.Equal(d.Positions, d.Reliability.Sum(b => b.Count));
        Assert.Equal(report.Reliability.Count, d.Reliability.Count);
    }

    [Fact]
    public void Shards_Merged_GiveTheUnshardedRunsLabels_AndTheSameFilter()
    {
        var whole = TrainFilterPipeline.Run(Settings("whole.safetensors"), SilentProgress.Instance, TextWriter.Null);
        string s0 = TrainFilterPipeline.RecordShard(Settings("part.safetensors") with { Shard = new Shard(0, 2) }, SilentProgress.Instance, TextWriter.Null);
        string s1 = TrainFilterPipeline.RecordShard(Settings("part.safetensors") with { Shard = new Shard(1, 2) }, SilentProgress.Instance, TextWriter.Null);
        Assert.NotEqual(s0, s1);

        Assert.Equal(4, LabelRecordFile.Merge([s1, s0], temp.File("merged.labels.jsonl")));
        var merged = TrainFilterPipeline.Run(Settings("merged.safetensors") with { LabelsPath = temp.File("merged.labels.jsonl") }, SilentProgress.Instance, TextWriter.Null);

        // The same records, prompt by prompt, apart from the timings.
        static IEnumerable<string> Records(string path) => LabelRecordFile.Read(path).Prompts.OrderBy(p => p.Prompt).Select(p =>
            $"{p.Prompt}:{string.Join(",", p.Reference)}:{p.BaselineNfe}:{p.OracleNfe}:" + string.Join(";", p.Records.Select(r =>
                $"{r.Trajectory}/{r.Block}/{r.Step}/{string.Join(",", r.Confidences)}/{string.Join(",", r.Correct)}/{string.Join(",", r.Masked)}")));
        Assert.Equal(Records(temp.File("whole.labels.jsonl")), Records(temp.File("merged.labels.jsonl")));
        Assert.Equal(whole.Sidecar.Calibration, merged.Sidecar.Calibration);
        var (fa, fb) = ((TorchSharp.torch.nn.Module)FilterFile.LoadAny(whole.FilterPath), (TorchSharp.torch.nn.Module)FilterFile.LoadAny(merged.FilterPath));
        Assert.All(fa.parameters().Zip(fb.parameters()), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
    }

    [Fact]
    public void Merge_AMissingShard_IsRefusedNamingTheCount()
    {
        string s0 = TrainFilterPipeline.RecordShard(Settings() with { Shard = new Shard(0, 2) }, SilentProgress.Instance, TextWriter.Null);

        var error = Assert.Throws<Learn2PdException>(() => LabelRecordFile.Merge([s0], temp.File("merged.labels.jsonl")));
        Assert.Contains("of 4 prompts", error.Message);
    }

    [Fact]
    public void Run_AnswerAgreement_IsNeverBelowTextAgreement_AndIsRecordedInTheSidecar()
    {
        // Identical ids always carry the same final answer, so the answer comparison can only agree more often.
        var text = TrainFilterPipeline.Run(Settings("text.safetensors") with { Agreement = AgreementKind.Text }, SilentProgress.Instance, TextWriter.Null).Sidecar;
        var answer = TrainFilterPipeline.Run(Settings("answer.safetensors") with { Agreement = AgreementKind.Answer }, SilentProgress.Instance, TextWriter.Null).Sidecar;

        Assert.Equal(("text", "answer"), (text.Agreement, answer.Agreement));
        Assert.Equal(text.Calibration.Select(p => (p.Threshold, p.MeanNfe)), answer.Calibration.Select(p => (p.Threshold, p.MeanNfe)));
        Assert.All(text.Calibration.Zip(answer.Calibration), pair => Assert.True(pair.Second.Agreement >= pair.First.Agreement));
    }

    [Fact]
    public void ModelFingerprint_IgnoresAFilterSavedBesideTheModel()
    {
        string before = ModelFingerprint.Compute(model);
        File.WriteAllBytes(Path.Combine(model, "filter.safetensors"), [1, 2, 3]);
        Assert.Equal(before, ModelFingerprint.Compute(model));
    }

    [Fact]
    public void Run_CancelledDuringTheFit_LeavesNoFilter_AndTheNextRunReusesTheLabels()
    {
        using var cancel = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            TrainFilterPipeline.Run(Settings(), SilentProgress.Instance, TextWriter.Null, cancel.Token, phase => { if (phase == "fit") cancel.Cancel(); }));

        Assert.Equal(["filter.labels.jsonl"], Written());
        var phases = new List<string>();
        var report = TrainFilterPipeline.Run(Settings(), SilentProgress.Instance, TextWriter.Null, phaseStarted: phases.Add);
        Assert.Equal(["labels", "fit", "calibration", "save"], phases);
        Assert.True(File.Exists(report.FilterPath));
        Assert.Equal(["filter.json", "filter.labels.jsonl", "filter.safetensors"], Written().Order());
    }

    [Fact]
    public void Run_IsDeterministicUnderASeed()
    {
        var a = TrainFilterPipeline.Run(Settings("a.safetensors"), SilentProgress.Instance, TextWriter.Null);
        var b = TrainFilterPipeline.Run(Settings("b.safetensors"), SilentProgress.Instance, TextWriter.Null);

        var fa = (TorchSharp.torch.nn.Module)FilterFile.LoadAny(a.FilterPath);
        var fb = (TorchSharp.torch.nn.Module)FilterFile.LoadAny(b.FilterPath);
        Assert.All(fa.parameters().Zip(fb.parameters()), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        Assert.Equal(a.Sidecar.Calibration, b.Sidecar.Calibration);
    }

    [Fact]
    public void Run_ReadsGsm8kAndPlainPromptLines_FromADataFile()
    {
        string data = temp.File("prompts.jsonl");
        File.WriteAllLines(data,
        [
            """{"question": "Mia has 3 apples and buys 2 more. How many apples does she have?", "answer": "3 + 2 = 5\n#### 5"}""",
            """{"prompt": "Question: Tom has 7 pens and gives away 4. How many are left?\nAnswer:"}""",
            """{"prompt": "Question: What is 2 + 2?\nAnswer:"}""",
        ]);

        var report = TrainFilterPipeline.Run(Settings() with { DataPath = data, ValidationFraction = 0.3 }, SilentProgress.Instance, TextWriter.Null);

        Assert.Equal((3, 2, 1), (report.Sidecar.TrainingData.Prompts, report.Sidecar.TrainingData.TrainPrompts, report.Sidecar.TrainingData.ValidationPrompts));
        Assert.StartsWith("prompts.jsonl", report.Sidecar.TrainingData.Source);
    }

    [Fact]
    public void Run_WithTwoRounds_LearnsFromTheFirstFiltersDecodes_AndResumesThemFromTheirOwnFile()
    {
        var settings = Settings() with { References = 2, Rounds = 2, RolloutThresholds = [0.5] };

        var report = TrainFilterPipeline.Run(settings, SilentProgress.Instance, TextWriter.Null);

        var (header, prompts) = LabelRecordFile.Read(settings.RoundLabelsFile(2));
        Assert.Equal([LabelRecord.RolloutTrajectory], header.Trajectories);
        Assert.Equal(ModelFingerprint.OfFile(settings.RoundFilterFile(2)), header.RolloutFilter);
        Assert.Equal(4, prompts.Count);
        Assert.All(prompts, p => Assert.NotEmpty(p.Records));
        Assert.Contains(LabelRecord.RolloutTrajectory, report.Sidecar.TrainingData.Trajectories);
        Assert.Equal(2, report.Sidecar.Fit.Rounds);
        // The first round's labels keep the sampled references that agreed, for the later rounds to label against.
        var first = LabelRecordFile.Read(settings.LabelsFile).Prompts;
        Assert.All(first.Where(p => p.Alternatives.Count > 0), p => Assert.All(p.Alternatives, a => Assert.Equal(p.Reference.Length, a.Length)));

        // The fits are deterministic, so a rerun finds the same round-1 filter and reuses the round-2 labels.
        long roundLabels = new FileInfo(settings.RoundLabelsFile(2)).Length;
        var log = new StringWriter();
        var rerun = TrainFilterPipeline.Run(settings with { OutPath = temp.File("again.safetensors"), LabelsPath = settings.LabelsFile }, SilentProgress.Instance, log);
        Assert.Equal(File.ReadAllBytes(report.FilterPath), File.ReadAllBytes(rerun.FilterPath));
        Assert.Contains($"{settings.RoundLabelsFile(2)}: 4 of 4 prompts already recorded, reusing them", log.ToString());
        Assert.Equal(roundLabels, new FileInfo(settings.RoundLabelsFile(2)).Length);
    }

    [Theory]
    [InlineData(FilterKind.Learn2Pd, null, "--kind position")]
    [InlineData(FilterKind.Position, "0/2", "--shard")]
    public void Run_MoreRoundsWhereTheyCannotApply_AreRefusedBeforeAnyWork(FilterKind kind, string? shard, string named)
    {
        var settings = Settings() with { Kind = kind, Rounds = 2, Shard = shard is null ? null : Learn2PD.Core.Shard.Parse(shard) };

        var error = Assert.Throws<Learn2PdException>(() => settings.Validate());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Command_ParsesItsOptions_AndReportsBadInputAsAUserError()
    {
        int exit = TrainFilterCommand.Create().Parse(["--model", model, "--out", temp.File("filter.pth"), "--samples", "4"]).Invoke();

        Assert.Equal(CommandAction.UserError, exit);
        Assert.Equal(["model"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Command_HiddenForTheAuthorsFilter_IsAUserError()
    {
        int exit = TrainFilterCommand.Create().Parse(["--model", model, "--out", temp.File("filter.safetensors"), "--kind", "learn2pd", "--hidden", "8"]).Invoke();

        Assert.Equal(CommandAction.UserError, exit);
        Assert.Equal(["model"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Command_RolloutThresholdsWithoutRounds_IsAUserError()
    {
        int exit = TrainFilterCommand.Create().Parse(["--model", model, "--out", temp.File("filter.safetensors"), "--rollout-thresholds", "0.5"]).Invoke();

        Assert.Equal(CommandAction.UserError, exit);
        Assert.Equal(["model"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_AnEmptyDataFile_FailsBeforeAnyWork()
    {
        string data = temp.File("empty.jsonl");
        File.WriteAllText(data, "\n");

        var error = Assert.Throws<Learn2PdException>(() => TrainFilterPipeline.Run(Settings() with { DataPath = data }, SilentProgress.Instance, TextWriter.Null));

        Assert.Contains("no records", error.Message);
        Assert.Equal(["empty.jsonl"], Written());
    }

    [Fact]
    public void Run_ABlockLengthThatDoesNotDivideTheGenLength_FailsBeforeAnyWork()
    {
        var error = Assert.Throws<Learn2PdException>(() => TrainFilterPipeline.Run(Settings() with { BlockLength = 12 }, SilentProgress.Instance, TextWriter.Null));

        Assert.Contains("--gen-length 32 is not a multiple of --block-length 12", error.Message);
        Assert.Empty(Written());
    }

    [Fact]
    public void Run_AModelTooShortForPromptAndAnswer_FailsBeforeAnyDecoding()
    {
        string shortModel = temp.File("short-model");
        FilterTrainingFixtures.WriteTinyTextModel(shortModel, maxSequenceLength: 48);

        var error = Assert.Throws<Learn2PdException>(() => TrainFilterPipeline.Run(Settings() with { ModelDirectory = shortModel }, SilentProgress.Instance, TextWriter.Null));

        Assert.Contains("max_sequence_length 48", error.Message);
        Assert.Empty(Written());
    }

    [Fact]
    public void Run_AnUnwritableOut_FailsBeforeAnyWork()
    {
        File.WriteAllText(temp.File("a-file"), "");

        var error = Assert.Throws<Learn2PdException>(() =>
            TrainFilterPipeline.Run(Settings() with { OutPath = temp.File("a-file/filter.safetensors") }, SilentProgress.Instance, TextWriter.Null));

        Assert.Contains("--out", error.Message);
        Assert.Contains("cannot write there", error.Message);
        Assert.Equal(["a-file"], Written());
    }

    [Fact]
    public void Run_AnOutThatIsNoSafetensorsFile_IsRefused()
    {
        var error = Assert.Throws<Learn2PdException>(() => TrainFilterPipeline.Run(Settings("filter.pth"), SilentProgress.Instance, TextWriter.Null));

        Assert.Contains("*.safetensors", error.Message);
    }
}
