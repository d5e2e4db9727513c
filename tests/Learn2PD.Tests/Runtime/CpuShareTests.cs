using System.Diagnostics;
using Learn2PD.Core.Runtime;

namespace Learn2PD.Tests.Runtime;

/// <summary>
/// The default --threads shares the cores with other l2pd processes that are computing. Alone (not beside
/// the parallel test collections): on 2 cores those could keep the busy process off the CPU for the whole
/// 60 ms watch, so it would look idle.
/// </summary>
[Collection(CpuShareCollection.Name)]
public sealed class CpuShareTests
{
    [Fact]
    public void ABusyL2pdProcess_HalvesTheDefaultThreads()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc only; elsewhere every core, by design
        string dir = Directory.CreateTempSubdirectory("l2pd-cpushare-").FullName;
        using var busy = StartBusyProcessNamedL2pd(dir);
        try
        {
            Assert.True(CpuShare.IsL2pd(busy.Id));
            int cores = Environment.ProcessorCount;
            Assert.InRange(CpuShare.DefaultThreads(), 1, Math.Max(1, cores / 2));
        }
        finally
        {
            busy.Kill();
            busy.WaitForExit();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CpuTicks_GrowWithWork_AndAreNullForAGoneProcess()
    {
        if (!OperatingSystem.IsLinux()) return;
        int self = Environment.ProcessId;
        long before = CpuTicks(self);
        var clock = Stopwatch.StartNew();
        double sink = 0;
        while (clock.ElapsedMilliseconds < 150) sink += Math.Sqrt(clock.ElapsedTicks);
        Assert.True(CpuTicks(self) > before, $"no CPU time counted ({sink})");
        Assert.False(CpuShare.IsL2pd(self)); // the test host is not l2pd

        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        Assert.Null(CpuShare.CpuTicks(gone.Id));
    }

    private static long CpuTicks(int pid) => CpuShare.CpuTicks(pid) ?? throw new InvalidOperationException($"no /proc/{pid}/stat");

    /// <summary>A shell spinning in a loop, its executable copied to a file named l2pd (so its comm is "l2pd").</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static Process StartBusyProcessNamedL2pd(string dir)
    {
        string shell = Path.Combine(dir, "l2pd");
        File.Copy("/bin/sh", shell);
        File.SetUnixFileMode(shell, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var process = Process.Start(new ProcessStartInfo(shell) { ArgumentList = { "-c", "while :; do :; done" } })!;
        Thread.Sleep(100); // let it start spinning
        return process;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuShareCollection
{
    public const string Name = "cpu-share";
}
