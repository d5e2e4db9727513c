using System.Diagnostics;
using System.Text.Json;
using Learn2PD.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;

namespace Learn2PD.Eval.Bench;

/// <summary>
/// Checkpoint load throughput on a synthetic two-shard bf16 checkpoint of LLaDA-8B-sized [4096, 4096]
/// matrices, read right after being written (a warm page cache: what the loader costs, not the disk),
/// next to <c>cat</c> reading the same files to /dev/null in the same run. bf16 onto the CPU maps the
/// files (no copy); fp32 converts tensor by tensor into fresh memory.
/// </summary>
public static class LoadBenchmark
{
    private const int Dim = 4096;

    public static void Run(int megabytes, TextWriter output)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"l2pd-bench-load-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            int count = Math.Max(2, megabytes / (Dim * Dim * 2 >> 20));
            WriteCheckpoint(dir, count);
            long bytes = (long)count * Dim * Dim * 2;
            output.WriteLine($"{count} bf16 tensors [{Dim}, {Dim}] in 2 shards, {bytes / 1e6:F0} MB (warm page cache)");
            double cat = Measure(output, "cat FILES > /dev/null", bytes, () => Cat(dir));
            Measure(output, "raw file read (64 MB buffer)", bytes, () => ReadFilesRaw(dir));
            foreach (var dtype in new[] { torch.ScalarType.BFloat16, torch.ScalarType.Float32 })
            {
                double rate = Measure(output, $"StateDictLoader.LoadInto → {dtype} CPU", bytes, () =>
                {
                    using var module = MetaModule(count);
                    StateDictLoader.LoadInto(module, CheckpointDirectory.Open(dir), dtype, torch.CPU);
                });
                output.WriteLine(FormattableString.Invariant($"{"",-44} {rate / cat,6:P0} of cat's speed"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs and times <paramref name="action"/>; returns its throughput in bytes per second.</summary>
    private static double Measure(TextWriter output, string what, long bytes, Action action)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        action();
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(FormattableString.Invariant($"{what,-44} {seconds,6:F2} s  {bytes / 1e6 / seconds,7:F0} MB/s"));
        return bytes / seconds;
    }

    /// <summary>The yardstick: coreutils' cat reading every shard from the page cache.</summary>
    private static void Cat(string dir)
    {
        var start = new ProcessStartInfo("sh", ["-c", "cat \"$0\"/*.safetensors > /dev/null", dir]) { UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new Learn2PD.Core.Learn2PdException("cannot start cat");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new Learn2PD.Core.Learn2PdException($"cat failed with exit code {process.ExitCode}");
    }

    private static Sequential MetaModule(int count) =>
        torch.nn.Sequential(Enumerable.Range(0, count)
            .Select(i => ($"{i}", (torch.nn.Module<torch.Tensor, torch.Tensor>)torch.nn.Linear(Dim, Dim, hasBias: false, device: torch.META)))
            .ToArray());

    private static void WriteCheckpoint(string dir, int count)
    {
        var weightMap = new Dictionary<string, string>();
        for (int shard = 0; shard < 2; shard++)
        {
            string file = $"model-{shard + 1:D5}-of-00002.safetensors";
            var tensors = new List<(string, torch.Tensor)>();
            for (int i = shard; i < count; i += 2)
            {
                tensors.Add(($"{i}.weight", torch.full(Dim, Dim, i * 0.5, dtype: torch.ScalarType.BFloat16)));
                weightMap[$"{i}.weight"] = file;
            }
            SafeTensorsWriter.Write(Path.Combine(dir, file), tensors);
            foreach (var (_, t) in tensors) t.Dispose();
        }
        File.WriteAllText(Path.Combine(dir, CheckpointDirectory.IndexFileName), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = (long)count * Dim * Dim * 2 },
            weight_map = weightMap,
        }));
    }

    private static void ReadFilesRaw(string dir)
    {
        var buffer = new byte[64 << 20];
        foreach (string file in Directory.GetFiles(dir, "*.safetensors"))
        {
            using var handle = File.OpenHandle(file);
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0) offset += n;
        }
    }
}
