using TorchSharp;

namespace Learn2PD.Tests.Support;

internal static class TensorAssert
{
    /// <summary>Same element type, shape and every value (TorchSharp's Tensor.equal is elementwise).</summary>
    public static void Same(torch.Tensor expected, torch.Tensor actual, string? what = null)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var cpu = actual.cpu();
        using var eq = expected.eq(cpu);
        Assert.True(eq.all().item<bool>(), $"{what ?? "tensor"}: values differ");
    }
}
