using System.Text;

namespace Learn2PD.Train.Tasks;

/// <summary>
/// FNV-1a 64 over the UTF-8 of a canonical question. string.GetHashCode is randomized per process, so
/// it could never keep a problem in the same split from one run to the next.
/// </summary>
internal static class ProblemHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Trimmed, lower-case, single-spaced: two questions that differ only there are one problem.</summary>
    public static string Canonical(string question) =>
        string.Join(' ', question.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    public static ulong Fnv1a(string text)
    {
        ulong hash = OffsetBasis;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= Prime;
        }
        return hash;
    }

    public static TaskSplit SplitOf(string question) => SplitOfCanonical(Canonical(question));

    /// <summary>90 / 5 / 5 buckets over 100.</summary>
    public static TaskSplit SplitOfCanonical(string canonical) => (Fnv1a(canonical) % 100) switch
    {
        < 90 => TaskSplit.Train,
        < 95 => TaskSplit.Validation,
        _ => TaskSplit.Test,
    };
}
