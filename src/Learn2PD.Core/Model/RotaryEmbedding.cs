using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// Rotary position embedding as both families compute it: head-dim wide, <c>inv_freq = 1/θ^(2i/d)</c>,
/// angles duplicated <c>cat(f, f)</c>, rotate-half layout, positions = absolute index. Applied in fp32
/// whatever the model dtype, as LLaDA does (Dream's reference rounds sin/cos to a bf16 model's dtype
/// first; the difference is within bf16's own rounding).
/// The sin/cos tables are built once, for the model's maximum length, so a model is read-only while it
/// decodes and threads may share it; slices of them are bit-identical to the reference's per-call
/// tables because each entry is one fp32 product.
/// </summary>
public sealed class RotaryEmbedding
{
    private Tensor sin; // [T_max, D] fp32
    private Tensor cos; // [T_max, D] fp32

    /// <param name="device">Where the tables live; a model built on the meta device gets CPU tables until <see cref="MoveTo"/>.</param>
    public RotaryEmbedding(int headDim, double theta, int maxLength, Device? device)
    {
        var home = device is null || device.type == DeviceType.META ? CPU : device;
        using var scope = NewDisposeScope();
        // inv_freq = 1 / θ^(arange(0, d, 2) / d), computed in fp32 like the reference.
        var exponent = arange(0, headDim, 2, dtype: ScalarType.Float32, device: home) / headDim;
        var invFreq = 1.0f / tensor((float)theta, dtype: ScalarType.Float32, device: home).pow(exponent);
        var positions = arange(0, maxLength, dtype: ScalarType.Float32, device: home);
        var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0); // [T, D/2]
        var angles = cat([freqs, freqs], -1);                        // [T, D]
        sin = angles.sin().DetachFromDisposeScope();
        cos = angles.cos().DetachFromDisposeScope();
    }

    /// <summary>Moves the tables to the device the weights were loaded onto (once, before decoding).</summary>
    internal void MoveTo(Device device)
    {
        if (SameDevice(sin.device, device)) return;
        var (s, c) = (sin.to(device), cos.to(device));
        sin.Dispose();
        cos.Dispose();
        (sin, cos) = (s, c);
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, D] whose tokens sit at positions start..start+T-1.</summary>
    public Tensor Apply(Tensor x, long start)
    {
        long length = x.shape[2];
        if (start + length > sin.shape[0])
            throw new InvalidOperationException($"position {start + length - 1} is past the model's maximum length {sin.shape[0]}");
        using var scope = NewDisposeScope();
        var s = sin.narrow(0, start, length);
        var c = cos.narrow(0, start, length);
        var t = x.to(ScalarType.Float32);
        var halves = t.chunk(2, -1);
        var rotated = cat([halves[1].neg(), halves[0]], -1);
        return ((t * c) + (rotated * s)).to(x.dtype).MoveToOuterDisposeScope();
    }

    // Device is a class without value equality: compare type and index.
    private static bool SameDevice(Device a, Device b) => a.type == b.type && a.index == b.index;
}
