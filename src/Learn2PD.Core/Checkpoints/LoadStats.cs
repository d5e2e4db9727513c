namespace Learn2PD.Core.Checkpoints;

/// <summary>What a checkpoint load read and how long it took (headers, reads, conversion and swaps).</summary>
public sealed record LoadStats(int TensorCount, long BytesRead, TimeSpan Elapsed)
{
    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesRead / 1e6 / Elapsed.TotalSeconds : double.PositiveInfinity;

    public override string ToString() =>
        $"{TensorCount} tensors, {BytesRead / 1e6:F1} MB in {Elapsed.TotalSeconds:F2} s ({MegabytesPerSecond:F0} MB/s)";
}
