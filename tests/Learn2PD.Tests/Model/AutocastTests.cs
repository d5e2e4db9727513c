using Learn2PD.Core.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Learn2PD.Tests.Model;

/// <summary>Training's mixed precision: bf16 linears inside a scope only, fp32 weights and gradients, and nothing leaks out.</summary>
public sealed class AutocastTests
{
    private static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    private static (TorchSharp.Modules.Linear Layer, Tensor X) Layer()
    {
        manual_seed(3);
        return (nn.Linear(64, 48, hasBias: false), randn(5, 64));
    }

    [Fact]
    public void Linear_InsideAScope_MultipliesInBf16AndReturnsFp32()
    {
        var (layer, x) = Layer();
        Tensor mixed;
        using (Autocast.Enable()) mixed = Autocast.Linear(layer, x);

        var expected = F.linear(x.to(ScalarType.BFloat16), layer.weight!.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.True(Same(mixed, expected));
        Assert.False(Same(mixed, layer.forward(x)), "bf16 rounding should change the fp32 product");
    }

    [Fact]
    public void Linear_AfterTheScope_IsExactFp32Again()
    {
        var (layer, x) = Layer();
        using (Autocast.Enable()) Autocast.Linear(layer, x);

        Assert.True(Same(Autocast.Linear(layer, x), layer.forward(x)));
    }

    [Fact]
    public void Scope_DoesNotReachOtherThreads()
    {
        // A server decoding on another thread while a model trains must stay exact fp32.
        var (layer, x) = Layer();
        using var scope = Autocast.Enable();
        bool exact = false;
        var thread = new Thread(() => exact = Same(Autocast.Linear(layer, x), layer.forward(x)));
        thread.Start();
        thread.Join();

        Assert.True(exact);
    }

    [Fact]
    public void Backward_ThroughAScope_GivesFp32GradientsToFp32Weights()
    {
        var (layer, x) = Layer();
        using (Autocast.Enable()) Autocast.Linear(layer, x).square().sum().backward();

        var grad = layer.weight!.grad;
        Assert.NotNull(grad);
        Assert.Equal(ScalarType.Float32, grad!.dtype);
        Assert.True(grad.abs().sum().item<float>() > 0);
    }
}
