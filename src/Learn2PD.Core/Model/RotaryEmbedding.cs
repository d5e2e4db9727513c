using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// Rotary position embedding as LLaDA computes it: head-dim wide, <c>inv_freq = 1/θ^(2i/d)</c>,
/// angles duplicated <c>cat(f, f)</c>, rotate-half layout, all in fp32, positions = absolute index.
/// The sin/cos tables are built once per device and grown on demand; slices of the table are
/// bit-identical to the reference's per-call tables because each entry is one fp32 product.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly int headDim;
    private readonly double theta;
    // Forward passes of one model may run on several threads; the lazily grown tables are shared.
    private readonly Lock gate = new();
    private Tensor? sin; // [T, D] fp32
    private Tensor? cos; // [T, D] fp32

    public RotaryEmbedding(int headDim, double theta)
    {
        this.headDim = headDim;
        this.theta = theta;
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, D] whose tokens sit at positions start..start+T-1.</summary>
    public Tensor Apply(Tensor x, long start)
    {
        long length = x.shape[2];
        using var scope = NewDisposeScope();
        Tensor s, c;
        lock (gate)
        {
            EnsureTable(start + length, x.device);
            // Views keep the table's storage alive even if another thread later grows the table.
            s = sin!.narrow(0, start, length);
            c = cos!.narrow(0, start, length);
        }
        var t = x.to(ScalarType.Float32);
        var halves = t.chunk(2, -1);
        var rotated = cat([halves[1].neg(), halves[0]], -1);
        return ((t * c) + (rotated * s)).to(x.dtype).MoveToOuterDisposeScope();
    }

    private void EnsureTable(long length, Device device)
    {
        // Device is a class without value equality: compare type and index, or the table is rebuilt on every call.
        if (sin is not null && sin.shape[0] >= length && sin.device.type == device.type && sin.device.index == device.index) return;
        long size = Math.Max(length, sin is null ? 0 : sin.shape[0]);
        size = Math.Max(size, 256);
        sin?.Dispose();
        cos?.Dispose();
        using (NewDisposeScope())
        {
            // inv_freq = 1 / θ^(arange(0, d, 2) / d), computed in fp32 like the reference.
            var exponent = arange(0, headDim, 2, dtype: ScalarType.Float32, device: device) / headDim;
            var invFreq = 1.0f / tensor((float)theta, dtype: ScalarType.Float32, device: device).pow(exponent);
            var positions = arange(0, size, dtype: ScalarType.Float32, device: device);
            var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0); // [T, D/2]
            var angles = cat([freqs, freqs], -1);                        // [T, D]
            sin = angles.sin().DetachFromDisposeScope();
            cos = angles.cos().DetachFromDisposeScope();
        }
    }
}
