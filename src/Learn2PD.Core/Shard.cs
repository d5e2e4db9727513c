using System.Globalization;

namespace Learn2PD.Core;

/// <summary>
/// One of N parts of a job (<c>--shard I/N</c>, I from 0): a deterministic subset, so N processes on N
/// machines together do exactly the work of one run, and their outputs merge into its results.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>Whether item <paramref name="item"/> (a sample or batch number) belongs to this shard.</summary>
    public bool Owns(int item) => item % Count == Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>"I/N" with 0 ≤ I &lt; N.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
            return new Shard(index, count);
        throw new Learn2PdException($"{option} must be I/N with 0 <= I < N, e.g. 0/4 (got '{text}')");
    }
}
