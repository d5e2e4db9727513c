using System.Runtime.InteropServices;

namespace Learn2PD.Core.Runtime;

/// <summary>
/// Native environment settings libtorch reads once, at its first allocation. .NET's
/// Environment.SetEnvironmentVariable does not reach the C runtime on Linux, so this calls setenv.
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>
    /// Backs large CPU tensors with 2 MB pages (THP_MEM_ALLOC_ENABLE). Measured here: checkpoint loads
    /// 300 MB/s → 2.6 GB/s, training 9.2k → 11.3k tokens/s. A value the user set is left alone.
    /// </summary>
    public static void EnableHugePageAllocations()
    {
        SetIfUnset("THP_MEM_ALLOC_ENABLE", "1");
    }

    /// <summary>
    /// libtorch's OpenMP threads (GNU libgomp) spin ~300,000 times waiting for the next parallel region
    /// before they sleep. Alone that saves a wake-up per op; beside another CPU-bound process the spinning
    /// threads steal the cores the other's threads need, and two 2-thread decodes on 2 cores ran 6x slower
    /// each. 1,000 spins (GOMP_SPINCOUNT) keeps a lone decode as fast and brings two at once to 2.2-2.7x
    /// (scripts/bench-threads.sh; the README has the numbers). A user's own setting wins.
    /// </summary>
    public static void YieldIdleThreadsSoon()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") != null) return;
        SetIfUnset("GOMP_SPINCOUNT", "1000");
    }

    private static void SetIfUnset(string name, string value)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(name) != null) return;
        try
        {
            _ = SetEnv(name, value, 0);
        }
        catch (DllNotFoundException)
        {
            // Not glibc: keep the runtime's default.
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
