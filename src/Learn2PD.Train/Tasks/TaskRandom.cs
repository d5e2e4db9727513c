namespace Learn2PD.Train.Tasks;

/// <summary>
/// SplitMix64: a tiny PRNG whose stream is fixed by its definition, so a seed gives the same problems on
/// every runtime (System.Random makes no such promise across .NET versions).
/// </summary>
internal sealed class TaskRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [min, max], both inclusive; rejection keeps it unbiased.</summary>
    public int Next(int min, int max)
    {
        ulong range = (ulong)(max - min) + 1;
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return min + (int)(x % range);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count - 1)];
}
