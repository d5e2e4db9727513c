using System.Diagnostics;
using System.Text.Json;
using Learn2PD.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;

namespace Learn2PD.Tests.Checkpoints;

/// <summary>
/// Load throughput on a synthetic two-shard bf16 checkpoint of LLaDA-8B-sized [4096, 4096] matrices.
/// Opt-in, since it writes and reads a large file: <c>L2PD_BENCH_LOAD_MB=1024 dotnet test --filter
/// LoadThroughput</c>, or scripts/bench-load.sh. The files are read right after being written, so the
/// numbers are for a warm page cache: what the loader itself costs, not the disk. On this project's
/// 2-core VM the first touch of fresh memory dominates (~500 MB/s); libtorch's
/// <c>THP_MEM_ALLOC_ENABLE=1</c> (2 MB pages for large CPU tensors) made the bf16 load ~8x faster.
/// </summary>
public sealed class LoadThroughputBenchmark(ITestOutputHelper output) : IDisposable
{
    private const int Dim = 4096;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void LoadThroughput_SyntheticBf16Checkpoint()
    {
        Skip.IfNot(int.TryParse(Environment.GetEnvironmentVariable("L2PD_BENCH_LOAD_MB"), out int megabytes) && megabytes > 0,
            "set L2PD_BENCH_LOAD_MB to run the load benchmark");
        int count = Math.Max(2, megabytes / (Dim * Dim * 2 >> 20));
        WriteCheckpoint(count);
        long bytes = (long)count * Dim * Dim * 2;
        output.WriteLine($"{count} bf16 tensors [{Dim}, {Dim}] in 2 shards, {bytes / 1e6:F0} MB (warm page cache)");

        Measure("raw file read (64 MB buffer)", bytes, ReadFilesRaw);
        Measure("fresh tensors, first touch (torch.empty + zero_)", bytes, () =>
        {
            for (int i = 0; i < count; i++)
            {
                using var t = torch.empty(Dim, Dim, dtype: torch.ScalarType.BFloat16);
                t.zero_();
            }
        });
        foreach (var dtype in new[] { torch.ScalarType.BFloat16, torch.ScalarType.Float32 })
        {
            Measure($"StateDictLoader.LoadInto → {dtype} CPU", bytes, () =>
            {
                using var module = MetaModule(count);
                StateDictLoader.LoadInto(module, CheckpointDirectory.Open(_dir.Path), dtype, torch.CPU);
            });
        }
        Measure("TorchSharp.PyBridge Safetensors.LoadStateDict (bf16, CPU)", bytes, () =>
        {
            foreach (string shard in Directory.GetFiles(_dir.Path, "*.safetensors"))
            {
                foreach (var t in TorchSharp.PyBridge.Safetensors.LoadStateDict(shard).Values) t.Dispose();
            }
        });
    }

    private void Measure(string what, long bytes, Action action)
    {
        GC.Collect();
        var stopwatch = Stopwatch.StartNew();
        action();
        double seconds = stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{what,-58} {seconds,6:F2} s  {bytes / 1e6 / seconds,7:F0} MB/s");
    }

    private static Sequential MetaModule(int count) =>
        torch.nn.Sequential(Enumerable.Range(0, count)
            .Select(i => ($"{i}", (torch.nn.Module<torch.Tensor, torch.Tensor>)torch.nn.Linear(Dim, Dim, hasBias: false, device: torch.device("meta"))))
            .ToArray());

    private void WriteCheckpoint(int count)
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
            SafeTensorsWriter.Write(_dir.File(file), tensors);
            foreach (var (_, t) in tensors) t.Dispose();
        }
        File.WriteAllText(_dir.File(CheckpointDirectory.IndexFileName), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = (long)count * Dim * Dim * 2 },
            weight_map = weightMap,
        }));
    }

    private void ReadFilesRaw()
    {
        var buffer = new byte[64 << 20];
        foreach (string file in Directory.GetFiles(_dir.Path, "*.safetensors"))
        {
            using var handle = File.OpenHandle(file);
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0) offset += n;
        }
    }
}
