using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Core.Model;

/// <summary>
/// Mixed-precision training, like PyTorch's <c>autocast</c> (which TorchSharp lacks): inside a scope the
/// model's linear layers multiply in bf16 and hand fp32 back, while weights, norms, RoPE, attention and the
/// loss stay fp32. Only the linears: on these CPUs a bf16 linear of the small model's shapes runs 2-4×
/// faster than fp32 forward and backward, while libtorch's bf16 attention backward is slower than fp32's.
/// Decoding never opens a scope, so inference stays exact fp32 (the golden cases).
/// </summary>
public static class Autocast
{
    [ThreadStatic] private static ScalarType? computeType;

    /// <summary>Linear layers on this thread multiply in <paramref name="type"/> until the scope is disposed.</summary>
    public static IDisposable Enable(ScalarType type = ScalarType.BFloat16)
    {
        var previous = computeType;
        computeType = type;
        return new Scope(previous);
    }

    /// <summary><c>layer(x)</c>, in the scope's compute type when one is open; the result has x's dtype.</summary>
    public static Tensor Linear(Linear layer, Tensor x) => Linear(x, layer.weight!, layer.bias);

    /// <summary><c>x Wᵀ + b</c> for a weight that is not a layer's own (a tied LM head), under the same rule.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (computeType is not ScalarType type || x.dtype == type) return F.linear(x, weight, bias);
        return F.linear(x.to(type), weight.to(type), bias?.to(type)).to(x.dtype);
    }

    /// <summary>
    /// <c>layer(x)</c> for each layer, all reading the same input. In a scope they run as one bf16 product over
    /// the layers' weights side by side (one cast of x, one GEMM, and in the backward one product for x's
    /// gradient); outside one, each layer alone in fp32, exactly as <see cref="Linear(Linear, Tensor)"/>.
    /// </summary>
    public static Tensor[] Linears(Tensor x, params Linear[] layers)
    {
        if (computeType is not ScalarType type || x.dtype == type) return [.. layers.Select(l => Linear(l, x))];
        var weight = cat([.. layers.Select(l => l.weight!)], 0).to(type);
        var bias = layers[0].bias is null ? null : cat([.. layers.Select(l => l.bias!)], 0).to(type);
        var y = F.linear(x.to(type), weight, bias).to(x.dtype);
        return y.split([.. layers.Select(l => l.weight!.shape[0])], -1);
    }

    private sealed class Scope(ScalarType? previous) : IDisposable
    {
        public void Dispose() => computeType = previous;
    }
}
