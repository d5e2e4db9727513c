using System.CommandLine;
using Learn2PD.Core.Runtime;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// Where and how a command computes, the same options on every command that runs a model:
/// --device, --dtype and --threads (libtorch's CPU threads, set before any work).
/// </summary>
internal sealed class RuntimeOptions
{
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

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for libtorch (default: every logical core, shared out among the l2pd processes already computing on this machine, so two at once get half each)",
    };

    public RuntimeOptions(bool dtype = true)
    {
        HasDType = dtype;
        DType.AcceptOnlyFromAmong("fp32", "bf16", "fp16", "float32", "bfloat16", "float16");
    }

    private bool HasDType { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        if (HasDType) command.Options.Add(DType);
        command.Options.Add(Threads);
    }

    /// <summary>The thread count <see cref="Apply"/> set.</summary>
    public int AppliedThreads { get; private set; }

    /// <summary>Sets the thread count and returns the device and dtype, all checked.</summary>
    public (Device Device, ScalarType DType) Apply(ParseResult parse)
    {
        AppliedThreads = parse.GetValue(Threads) ?? CpuShare.DefaultThreads();
        TorchRuntime.SetThreads(AppliedThreads);
        var device = TorchRuntime.ParseDevice(parse.GetValue(Device)!);
        return (device, HasDType ? TorchRuntime.ParseDType(parse.GetValue(DType)!, device) : ScalarType.Float32);
    }
}
