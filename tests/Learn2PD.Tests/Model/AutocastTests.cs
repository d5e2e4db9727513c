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

    [Fact]
    public void Linears_OutsideAScope_AreEachLayerAloneInFp32()
    {
        var (a, x) = Layer();
        var b = nn.Linear(64, 16, hasBias: false);
        var outputs = Autocast.Linears(x, a, b);

        Assert.True(Same(outputs[0], a.forward(x)));
        Assert.True(Same(outputs[1], b.forward(x)));
    }

    [Fact]
    public void Linears_InsideAScope_AreOneBf16ProductSplitPerLayer()
    {
        var (a, x) = Layer();
        var b = nn.Linear(64, 16, hasBias: false);
        Tensor[] outputs;
        using (Autocast.Enable()) outputs = Autocast.Linears(x, a, b);

        var both = F.linear(x.to(ScalarType.BFloat16), cat([a.weight!, b.weight!], 0).to(ScalarType.BFloat16)).to(ScalarType.Float32);
        Assert.Equal([5L, 48L], outputs[0].shape);
        Assert.Equal([5L, 16L], outputs[1].shape);
        Assert.Equal(ScalarType.Float32, outputs[1].dtype);
        Assert.True(Same(outputs[0], both[.., ..48]));
        Assert.True(Same(outputs[1], both[.., 48..]));
    }

    [Fact]
    public void Linears_Backward_ReachesEveryLayersFp32Weight()
    {
        var (a, x) = Layer();
        var b = nn.Linear(64, 16, hasBias: false);
        using (Autocast.Enable())
        {
            var outputs = Autocast.Linears(x, a, b);
            (outputs[0].square().sum() + outputs[1].sum()).backward();
        }

        Assert.Equal(ScalarType.Float32, a.weight!.grad!.dtype);
        Assert.True(a.weight.grad.abs().sum().item<float>() > 0);
        // d/dW of sum(x Wᵀ) is each row of W getting the column sums of x, up to bf16 rounding of x.
        var expected = x.to(ScalarType.BFloat16).to(ScalarType.Float32).sum([0L]).expand([16L, 64L]);
        Assert.True(b.weight!.grad!.allclose(expected, rtol: 1e-2, atol: 1e-2));
    }
}
