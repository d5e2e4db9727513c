using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Core.Runtime;

/// <summary>Where and how tensors compute: the device, the dtype and libtorch's CPU threads, parsed once with messages a user can act on.</summary>
public static class TorchRuntime
{
    public static Device ParseDevice(string text)
    {
        string value = text.Trim().ToLowerInvariant();
        if (value == "cpu") return CPU;
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new Learn2PdException($"--device {text}: CUDA is not available (no GPU, or this build uses the CPU libtorch: rebuild with -p:TorchBackend=cuda-linux)");
            int index = 0;
            if (value.Length > 4 && (!int.TryParse(value[5..], out index) || index < 0 || index >= cuda.device_count()))
                throw new Learn2PdException($"--device {text}: no such CUDA device (this machine has {cuda.device_count()})");
            return new Device(DeviceType.CUDA, index);
        }
        throw new Learn2PdException($"--device must be cpu, cuda or cuda:N (got '{text}')");
    }

    public static ScalarType ParseDType(string text, Device device) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" when device.type == DeviceType.CUDA => ScalarType.Float16,
        "fp16" or "float16" => throw new Learn2PdException("--dtype fp16 is not supported on the CPU (slow and inaccurate there): use bf16 or fp32"),
        _ => throw new Learn2PdException($"--dtype must be fp32 or bf16 (got '{text}')"),
    };

    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => "fp32",
    };

    /// <summary>libtorch's intra-op CPU threads for this process.</summary>
    public static void SetThreads(int threads)
    {
        if (threads <= 0) throw new Learn2PdException($"--threads must be positive (got {threads})");
        set_num_threads(threads);
    }
}
