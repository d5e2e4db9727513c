using System.Runtime.InteropServices;

namespace Learn2PD.Core.Runtime;

/// <summary>
/// glibc's allocator policy for loaded models (decode, eval, train-filter, serve). Wide vocabularies: glibc
/// serves a freed large block's size from the heap from then on (its mmap threshold slides up to 32 MB), and
/// those blocks then fragment the heap: a 128-step decode of a 4-layer LLaDA-8B-shaped model grew 220 → 910 MB
/// of anonymous memory (4 MB still let it reach 550 MB). A fixed 1 MB threshold gives each block ≥ 1 MB its
/// own mapping, returned when freed: flat at 90-215 MB, for ~5% more time there. Narrow vocabularies (the
/// embedded model) have the opposite problem: with glibc's defaults some batches' per-step blocks were handed
/// back to the kernel (trimmed or unmapped) and faulted in again every step — `train-filter --samples 64` took
/// 18.4 million page faults and 133 s of system time, 3.69 s per prompt; keeping them in the heap (fixed 256 MB
/// mmap and 1 GB trim thresholds) gave 120 thousand faults and 1.65 s per prompt at a peak RSS of 621 MB.
/// train-model builds its model without loading one and keeps glibc's default (its repeated large activations
/// ran 40% slower with the 1 MB threshold). The user's MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ win.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>Logit rows this wide (a real tokenizer's vocabulary) make per-step blocks of megabytes.</summary>
    public const int WideVocabulary = 32_000;

    private static int applied;

    /// <summary>Applies the policy once per process, for a model with a vocabulary of <paramref name="logits"/> columns.</summary>
    public static void PrepareFor(int logits)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") != null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") != null) return;
        if (Interlocked.Exchange(ref applied, 1) == 1) return;
        try
        {
            if (logits >= WideVocabulary)
            {
                _ = MallOpt(MmapThreshold, 1 << 20);
            }
            else
            {
                _ = MallOpt(MmapThreshold, 256 << 20);
                _ = MallOpt(TrimThreshold, 1 << 30);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): keep the allocator's default.
        }
    }

    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
