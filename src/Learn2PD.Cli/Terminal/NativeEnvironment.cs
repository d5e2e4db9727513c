using System.Runtime.InteropServices;

namespace Learn2PD.Cli.Terminal;

/// <summary>
/// Native environment settings libtorch reads once, at its first allocation. .NET's
/// Environment.SetEnvironmentVariable does not reach the C runtime on Linux, so this calls setenv.
/// </summary>
internal static partial class NativeEnvironment
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

    /// <summary>
    /// glibc serves a freed large block's size from the heap from then on (its mmap threshold rises up to
    /// 32 MB), and the per-step logits and activations of a wide-vocabulary model then fragment the
    /// heap: a 128-step decode of a 4-layer LLaDA-8B-shaped model grew 220 → 910 MB of anonymous
    /// memory (4 MB still let it grow to 550 MB). A fixed 1 MB threshold gives each block ≥ 1 MB its own
    /// mapping, returned when freed: flat at 90-215 MB, for ~5% more time there (150 s against 141-144 s)
    /// and none measurable on the embedded model. The user's MALLOC_MMAP_THRESHOLD_ wins.
    /// </summary>
    public static void ReturnLargeBlocksToTheSystem()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") != null) return;
        try
        {
            _ = MallOpt(MmapThreshold, 1 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): keep the allocator's default.
        }
    }

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

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
