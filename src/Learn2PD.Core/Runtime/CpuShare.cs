using System.Diagnostics;
using System.Globalization;

namespace Learn2PD.Core.Runtime;

/// <summary>
/// The default --threads: every core, shared out among the other l2pd processes computing on this
/// machine when this one starts. Two 2-thread decodes on 2 cores ran 2.2-2.7x slower each than one alone
/// (threads of one process wait at each op's barrier for threads the other process holds the core from);
/// with a core each, neither waits for the other. An idle l2pd (a server between requests) does not count.
/// </summary>
public static class CpuShare
{
    /// <summary>How long other l2pd processes are watched for CPU use.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(60);

    public static int DefaultThreads()
    {
        int cores = Environment.ProcessorCount;
        if (!OperatingSystem.IsLinux() || cores < 2) return cores;
        try
        {
            int busy = BusyOthers();
            return Math.Max(1, cores / (busy + 1));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return cores; // /proc unreadable: keep every core
        }
    }

    /// <summary>Other l2pd processes that used CPU time during <see cref="Window"/>.</summary>
    private static int BusyOthers()
    {
        int self = Environment.ProcessId;
        var others = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : -1)
            .Where(pid => pid > 0 && pid != self && IsL2pd(pid))
            .ToArray();
        if (others.Length == 0) return 0;
        var before = others.ToDictionary(pid => pid, CpuTicks);
        // Busy-wait, not sleep: two l2pd processes started together watch each other at the same
        // moment, and a sleeping watcher would look idle to the other (measured: 1 in 3 pairs missed).
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Window) Thread.SpinWait(1000);
        return others.Count(pid => CpuTicks(pid) is long now && before[pid] is long then && now > then);
    }

    /// <summary>The installed tool (comm "l2pd") or <c>dotnet l2pd.dll</c>; gone or unreadable processes are not.</summary>
    internal static bool IsL2pd(int pid)
    {
        try
        {
            if (File.ReadAllText($"/proc/{pid}/comm").Trim() == "l2pd") return true;
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Length > 1 && Path.GetFileName(argv[0]) == "dotnet" && Path.GetFileName(argv[1]) == "l2pd.dll";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat), null once it is gone.</summary>
    internal static long? CpuTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
