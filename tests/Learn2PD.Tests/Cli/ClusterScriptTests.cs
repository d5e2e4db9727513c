using System.Diagnostics;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Cli;

/// <summary>
/// The cluster scripts as an engine runs them: the engine's variables faked, `l2pd` replaced by a stub on PATH
/// that prints its arguments, and the `--shard I/N` they build checked against the array or completions size.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterScriptTests : IDisposable
{
    private readonly TempDirectory _bin = new();

    public ClusterScriptTests()
    {
        string stub = _bin.File("l2pd");
        File.WriteAllText(stub, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _bin.Dispose();

    private static string Script(string name) => Path.Combine(GoldenData.RepoRoot, "scripts", "cluster", name);

    /// <summary>Runs bash with the given environment; returns stdout, asserting a zero exit.</summary>
    private string Bash(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PATH"] = _bin.Path + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {error}");
        return output;
    }

    private static string ValueAfter(string arguments, string option)
    {
        var lines = arguments.Split('\n');
        int at = Array.IndexOf(lines, option);
        Assert.True(at >= 0, $"{option} missing from: {arguments.Replace('\n', ' ')}");
        return lines[at + 1];
    }

    [Theory]
    [InlineData("eval-slurm-array.sh", 0, 4, 0)]
    [InlineData("eval-slurm-array.sh", 3, 4, 0)]
    [InlineData("eval-slurm-array.sh", 9, 10, 1)]
    [InlineData("train-filter-slurm-array.sh", 2, 3, 0)]
    [InlineData("train-filter-slurm-array.sh", 6, 7, 0)]
    public void SlurmArray_ShardsByTheArraysSize(string script, int taskId, int taskCount, int firstIndex)
    {
        var env = new Dictionary<string, string>
        {
            ["SLURM_ARRAY_TASK_ID"] = $"{taskId}",
            ["SLURM_ARRAY_TASK_COUNT"] = $"{taskCount}",
            ["SLURM_ARRAY_TASK_MIN"] = $"{firstIndex}",
            ["SLURM_CPUS_PER_TASK"] = "4",
        };

        string arguments = Bash(env, Script(script));

        Assert.Equal($"{taskId - firstIndex}/{taskCount}", ValueAfter(arguments, "--shard"));
        Assert.Equal("4", ValueAfter(arguments, "--threads"));
        Assert.Equal("cuda", ValueAfter(arguments, "--device"));
    }

    [Fact]
    public void SlurmArray_TakesItsSettingsFromTheEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["SLURM_ARRAY_TASK_ID"] = "1",
            ["SLURM_ARRAY_TASK_COUNT"] = "2",
            ["DEVICE"] = "cpu",
            ["DTYPE"] = "fp32",
            ["MODEL"] = "/m",
            ["RUNS"] = "/r",
            ["METHODS"] = "baseline,l2p",
        };

        string arguments = Bash(env, Script("eval-slurm-array.sh"));

        Assert.Equal("cpu", ValueAfter(arguments, "--device"));
        Assert.Equal("fp32", ValueAfter(arguments, "--dtype"));
        Assert.Equal("/m", ValueAfter(arguments, "--model"));
        Assert.Equal("/m/filter.safetensors", ValueAfter(arguments, "--filter"));
        Assert.Equal("baseline,l2p", ValueAfter(arguments, "--methods"));
        Assert.Equal("/r/shard-1", ValueAfter(arguments, "--out"));
        Assert.Equal("1/2", ValueAfter(arguments, "--shard"));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(5, 4)]
    [InlineData(12, 7)]
    public void IndexedJob_CompletionsAndShardCountAreOneNumber(int shards, int index)
    {
        string manifest = Bash(new Dictionary<string, string> { ["SHARDS"] = $"{shards}" }, Script("eval-indexed-job.sh"));
        Assert.Contains($"\n  completions: {shards}\n", manifest);

        // The pod's command line: the folded scalar under "args", joined by spaces as YAML folds it.
        var lines = manifest.Split('\n');
        int first = Array.FindIndex(lines, l => l.Trim() == "- >-") + 1;
        int end = Array.FindIndex(lines, first, l => l.Trim().StartsWith("resources:", StringComparison.Ordinal));
        string command = string.Join(' ', lines[first..end].Select(l => l.Trim()));
        string arguments = Bash(new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = $"{index}" }, "-c", command);

        Assert.Equal($"{index}/{shards}", ValueAfter(arguments, "--shard"));
        Assert.Equal($"/runs/gsm8k/shard-{index}", ValueAfter(arguments, "--out"));
    }

    [Fact]
    public void IndexedJob_CpuExample_RequestsNoGpu()
    {
        var env = new Dictionary<string, string> { ["SHARDS"] = "4", ["DEVICE"] = "cpu", ["GPUS"] = "0", ["CPUS"] = "32" };

        string manifest = Bash(env, Script("eval-indexed-job.sh"));

        Assert.DoesNotContain("nvidia.com/gpu", manifest);
        Assert.Contains("--device cpu", manifest);
        Assert.Contains("cpu: \"32\"", manifest);
    }
}
