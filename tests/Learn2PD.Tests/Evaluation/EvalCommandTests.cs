using Learn2PD.Tests.Support;
using Learn2PD.Core.Decoding;
using System.CommandLine;
using System.Text.Json.Nodes;
using Learn2PD.Cli.Commands;
using Learn2PD.Eval;
using Learn2PD.Core.Filter;
using Learn2PD.Tests.Checkpoints;

namespace Learn2PD.Tests.Evaluation;

/// <summary>The whole command on the tiny untrained model: short lengths, two samples, every output file.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FilterFile(double? suggested = null)
    {
        string path = _dir.File("filter.safetensors");
        using var filter = new Learn2PdFilter(32);
        Learn2PD.Core.Filter.FilterFile.Save(filter, path);
        if (suggested is { } tau) File.WriteAllText(_dir.File("filter.json"), $"{{\"suggested_threshold\": {tau}}}");
        return path;
    }

    private (int ExitCode, string Output) Eval(params string[] args)
    {
        var output = new StringWriter();
        var root = new RootCommand { EvalCommand.Create() };
        int exitCode = root.Parse(["eval", "--model", EvalFixture.ModelDirectory, .. args])
            .Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        return (exitCode, output.ToString());
    }

    [Fact]
    public void Eval_TwoShardsMerged_EqualTheUnshardedRun_ApartFromTimings()
    {
        string[] common = ["--methods", "baseline,threshold@0.5,eotp,oracle", "--gen-length", "32", "--limit", "5"];
        Assert.Equal(0, Eval([.. common, "--out", _dir.File("whole")]).ExitCode);
        Assert.Equal(0, Eval([.. common, "--shard", "0/2", "--out", _dir.File("s0")]).ExitCode);
        Assert.Equal(0, Eval([.. common, "--shard", "1/2", "--out", _dir.File("s1")]).ExitCode);

        var merge = Eval(["merge", _dir.File("s1"), _dir.File("s0"), "--out", _dir.File("merged")]);

        Assert.Equal(0, merge.ExitCode);
        JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.File(dir), EvalReport.JsonFile)))!;
        static string WithoutTimings(JsonNode? node)
        {
            var copy = node!.DeepClone();
            foreach (var item in copy.AsArray())
                foreach (string field in new[] { "latency_ms", "mean_latency_ms", "tokens_per_second", "speedup_time", "time_to_nfe_ratio" })
                    item!.AsObject().Remove(field);
            return copy.ToJsonString();
        }
        var (whole, merged) = (Results("whole"), Results("merged"));
        Assert.Equal(WithoutTimings(whole["samples"]), WithoutTimings(merged["samples"]));
        Assert.Equal(WithoutTimings(whole["results"]), WithoutTimings(merged["results"]));
        Assert.Equal(whole["settings"]!["methods"]!.ToJsonString(), merged["settings"]!["methods"]!.ToJsonString());
        Assert.Null(merged["settings"]!["shard"]);
        Assert.Equal(5, Results("s0")["samples"]!.AsArray().Count(s => (string)s!["method"]! == "baseline") + 2);
    }

    [Fact]
    public void EvalMerge_MissingShard_IsOneLineNamingThem()
    {
        string[] common = ["--methods", "baseline", "--gen-length", "32", "--limit", "2"];
        Assert.Equal(0, Eval([.. common, "--shard", "0/3", "--out", _dir.File("s0")]).ExitCode);
        Assert.Equal(0, Eval([.. common, "--shard", "2/3", "--out", _dir.File("s2")]).ExitCode);

        var error = new StringWriter();
        int code = new RootCommand { EvalCommand.Create() }.Parse(["eval", "merge", _dir.File("s0"), _dir.File("s2"), "--out", _dir.File("m")])
            .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(1, code);
        Assert.Contains("give each of 0/3 … 2/3 exactly once", error.ToString());
    }

    [Fact]
    public void Eval_AllMethods_WritesTableJsonAndChart()
    {
        string outDir = _dir.File("run");

        var (exitCode, table) = Eval("--filter", FilterFile(suggested: 0.8), "--gen-length", "32,64", "--limit", "2,1", "--out", outDir);

        Assert.Equal(0, exitCode);
        Assert.Contains("| gen | method | n | acc % (strict-match) | NFE |", table);
        Assert.Contains("| 64 | l2p+eotp+dual | 1 |", table);
        Assert.Contains("AUP at gen 32:", table);
        Assert.Equal(table, File.ReadAllText(Path.Combine(outDir, EvalReport.MarkdownFile)));

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, EvalReport.JsonFile)))!;
        var results = json["results"]!.AsArray();
        Assert.Equal(2 * DecodingMethods.All.Count, results.Count);
        foreach (string field in new[] { "method", "gen_length", "n", "accuracy", "mean_nfe", "tokens_per_second", "tpf", "speedup_nfe", "speedup_time", "agreement" })
            Assert.All(results, r => Assert.NotNull(r![field]));
        var baseline = results.First(r => (string)r!["method"]! == "baseline" && (int)r["gen_length"]! == 64)!;
        Assert.Equal(64.0, (double)baseline["mean_nfe"]!);
        Assert.Equal(1.0, (double)baseline["tpf"]!);
        Assert.Equal(0.8, (double)json["settings"]!["accept_threshold"]!);
        Assert.NotNull(json["machine"]!["logical_cores"]);
        Assert.NotNull(json["versions"]!["torchsharp"]);
        Assert.Equal(2, json["aup"]!.AsArray().Count);
        Assert.Equal(DecodingMethods.All.Count * (2 + 1), json["samples"]!.AsArray().Count);
        Assert.All(json["samples"]!.AsArray(), s => Assert.Null(s!["answer_ids"]));

        byte[] png = File.ReadAllBytes(Path.Combine(outDir, EvalReport.ChartFile));
        Assert.True(png.Length > 1000, $"speedup.png has {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Eval_Sweep_WritesFrontiersAndTheLikeForLikeComparison()
    {
        string outDir = _dir.File("sweep");

        var (exitCode, table) = Eval("--filter", FilterFile(), "--sweep", "threshold+eotp,l2p+eotp", "--gen-length", "32", "--limit", "2", "--out", outDir);

        Assert.Equal(0, exitCode);
        Assert.Contains("| 32 | l2p+eotp | threshold+eotp | 1 pt |", table);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, EvalReport.JsonFile)))!;
        var frontier = json["frontier"]!.AsArray();
        Assert.Equal(["threshold+eotp", "l2p+eotp"], frontier.Select(f => (string)f!["family"]!));
        Assert.All(frontier, f => Assert.Equal(32.0, (double)f!["speedup_ceiling"]!));   // 32 baseline forwards over one
        Assert.Equal(7, frontier[0]!["points"]!.AsArray().Count);                           // the τ grid
        var comparison = Assert.Single(json["comparisons"]!.AsArray())!;
        Assert.Equal(("l2p+eotp", "threshold+eotp"), ((string)comparison["filter_family"]!, (string)comparison["threshold_family"]!));
        foreach (string field in new[] { "margin", "filter_best", "threshold_best", "ratio", "ratio_ceiling", "aup_filter", "aup_threshold" })
            Assert.True(comparison.AsObject().ContainsKey(field), field);
    }

    [Fact]
    public void Eval_Rerun_ResumesWithoutDecodingAgain()
    {
        string outDir = _dir.File("run");
        string[] args = ["--methods", "eotp", "--gen-length", "32", "--limit", "2", "--out", outDir];
        Assert.Equal(0, Eval(args).ExitCode);
        string samples = Path.Combine(outDir, ResultStore.FileName);
        var before = File.ReadAllLines(samples);

        var (exitCode, table) = Eval(args);

        Assert.Equal(0, exitCode);
        Assert.Equal(before, File.ReadAllLines(samples));
        Assert.Contains("| 32 | eotp | 2 |", table);
    }

    [Fact]
    public void Eval_ResumedAtAnotherThreadCount_SaysItsTimingsMixThem()
    {
        string outDir = _dir.File("run");
        string[] args = ["--methods", "eotp", "--gen-length", "32", "--limit", "1", "--out", outDir];
        Assert.Equal(0, Eval([.. args, "--threads", "1"]).ExitCode);
        Assert.All(ResultStore.Read(Path.Combine(outDir, ResultStore.FileName)).Records, r => Assert.Equal(1, r.Threads));
        Assert.Contains("1 thread(s), batch 1", File.ReadAllText(Path.Combine(outDir, "results.md")));

        Assert.Equal(0, Eval([.. args, "--threads", "2"]).ExitCode);

        Assert.Contains("2 thread(s), some timings resumed from runs at 1, batch 1", File.ReadAllText(Path.Combine(outDir, "results.md")));
    }

    [Fact]
    public void Eval_GenericPromptAnswerData_IsScoredByExactMatch()
    {
        string data = _dir.File("data.jsonl");
        File.WriteAllLines(data, ["{\"prompt\": \"Question: 1 + 1?\\nAnswer:\", \"answer\": \"2\"}", "{\"prompt\": \"2 + 2 =\", \"answer\": \"4\"}"]);
        string outDir = _dir.File("run");

        var (exitCode, _) = Eval("--data", data, "--methods", "baseline", "--gen-length", "32", "--limit", "5", "--out", outDir);

        Assert.Equal(0, exitCode);
        var samples = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, EvalReport.JsonFile)))!["samples"]!.AsArray();
        Assert.Equal(2, samples.Count);
        foreach (var s in samples)
        {
            string text = (string)s!["text"]!;
            Assert.Equal(text.Trim(), (string?)s["answer"]);
            Assert.Equal(text.Trim() == ((int)s["index"]! == 0 ? "2" : "4"), (bool)s["correct"]!);
        }
    }

    [Fact]
    public void Eval_MissingFilter_FailsWithAUserError()
    {
        var (exitCode, _) = Eval("--filter", _dir.File("none.safetensors"), "--gen-length", "32", "--limit", "1", "--out", _dir.File("run"));

        Assert.Equal(1, exitCode);
        Assert.False(File.Exists(Path.Combine(_dir.File("run"), ResultStore.FileName)));
    }
}
