using System.CommandLine;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// Options every model-running command shares (--model, --device, --dtype, --seed), parsed and
/// checked in one place with messages a user can act on.
/// </summary>
internal sealed class CommonOptions
{
    public Option<string?> Model { get; } = new("--model")
    {
        Description = $"Model directory in Hugging Face layout (default: the embedded arithmetic model, {EmbeddedModel.Name})",
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N",
        DefaultValueFactory = _ => "cpu",
    };

    public Option<string> DType { get; } = new("--dtype")
    {
        Description = "fp32 or bf16 (weights and activations; bf16 matmuls are ~2x faster on recent CPUs)",
        DefaultValueFactory = _ => "fp32",
    };

    public Option<ulong> Seed { get; } = new("--seed")
    {
        Description = "Random seed (sampling with --temperature, random remasking, data order)",
        DefaultValueFactory = _ => 0UL,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(Seed);
    }

    /// <summary>The model directory: --model, or the embedded model.</summary>
    public string ModelDirectory(ParseResult parse) => parse.GetValue(Model) ?? EmbeddedModel.Directory;

    public bool IsEmbeddedModel(ParseResult parse) => parse.GetValue(Model) is null;

    public Device ParseDevice(ParseResult parse) => ParseDevice(parse.GetValue(Device)!);

    public ScalarType ParseDType(ParseResult parse) => ParseDType(parse.GetValue(DType)!, ParseDevice(parse));

    /// <summary>Loads the model (and its tokenizer) onto the requested device and dtype.</summary>
    public PretrainedModel LoadModel(ParseResult parse)
    {
        var device = ParseDevice(parse);
        var dtype = ParseDType(parse);
        string dir = ModelDirectory(parse);
        if (IsEmbeddedModel(parse) && !System.IO.Directory.Exists(dir))
            throw new Learn2PdException($"the embedded model is missing from {dir}; pass --model DIR or rebuild l2pd");
        return PretrainedModel.Load(dir, dtype, device);
    }

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
}
