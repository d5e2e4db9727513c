using Learn2PD.Core.Decoding;

namespace Learn2PD.Core.Filter;

/// <summary>A filter ready for decoding: its weights and the acceptance threshold τ_f it is used with.</summary>
public sealed record LoadedFilter(ICommitFilter Filter, double AcceptThreshold, string Path) : IDisposable
{
    public void Dispose() => Filter.Dispose();
}

/// <summary>
/// The one way a filter file is loaded for decoding: the weights (either kind; safetensors, or the
/// authors' .pth), checked against the block length, and τ_f: the one asked for, else the sidecar's suggested value,
/// else <see cref="DefaultAcceptThreshold"/>; it must lie in (0, 1].
/// </summary>
public static class FilterLoader
{
    /// <summary>τ_f when neither the user nor the filter's sidecar gives one.</summary>
    public const double DefaultAcceptThreshold = 0.9;

    public static LoadedFilter Load(string path, double? acceptThreshold, int blockLength)
    {
        double tau = AcceptThresholdFor(path, acceptThreshold);
        var filter = FilterFile.LoadAny(path);
        if (filter.BlockLength is int width && width != blockLength)
        {
            filter.Dispose();
            throw new Learn2PdException($"{path}: the filter reads blocks of {width} confidences but --block-length is {blockLength}");
        }
        return new LoadedFilter(filter, tau, path);
    }

    /// <summary>τ_f for the filter at <paramref name="path"/>: <paramref name="requested"/>, else its sidecar's suggestion, else the default.</summary>
    public static double AcceptThresholdFor(string path, double? requested) =>
        DecodingMethods.CheckParameter(requested ?? FilterSidecar.SuggestedThresholdFor(path) ?? DefaultAcceptThreshold, "--accept-threshold");
}
