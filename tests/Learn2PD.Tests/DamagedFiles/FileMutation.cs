namespace Learn2PD.Tests.DamagedFiles;

/// <summary>
/// Seeded damage to a file's bytes, of the kinds a download or a disk produces: bytes overwritten (random values, or
/// characters that keep JSON and pickle half-valid: quotes, digits, brackets, a stray UTF-8 lead byte), a
/// truncation, bytes inserted or deleted. Only <c>[0, regionEnd)</c> is touched, e.g. a safetensors header.
/// </summary>
internal static class FileMutation
{
    private static readonly byte[] Telling = "\"0123456789-.,:{}[]\\ntfe "u8.ToArray().Concat(new byte[] { 0x00, 0x80, 0xC3, 0xE2, 0xFF }).ToArray();

    public static (byte[] Bytes, string What) Apply(byte[] original, int seed, int regionEnd)
    {
        var rng = new Random(Mix(seed));
        int end = Math.Clamp(regionEnd, 1, original.Length);
        int at = rng.Next(end);
        var bytes = new List<byte>(original);
        switch (rng.Next(5))
        {
            case 0:
                int flips = rng.Next(1, 5);
                for (int i = 0; i < flips; i++) bytes[rng.Next(end)] = (byte)rng.Next(256);
                return (bytes.ToArray(), $"{flips} random byte(s) in the first {end}");
            case 1:
                byte value = Telling[rng.Next(Telling.Length)];
                bytes[at] = value;
                return (bytes.ToArray(), $"byte {at} set to 0x{value:X2}");
            case 2:
                return (original[..at], $"truncated to {at} bytes");
            case 3:
                byte[] inserted = new byte[rng.Next(1, 17)];
                for (int i = 0; i < inserted.Length; i++) inserted[i] = rng.Next(2) == 0 ? Telling[rng.Next(Telling.Length)] : (byte)rng.Next(256);
                bytes.InsertRange(at, inserted);
                return (bytes.ToArray(), $"{inserted.Length} byte(s) inserted at {at}");
            default:
                int count = Math.Min(rng.Next(1, 17), original.Length - at);
                bytes.RemoveRange(at, count);
                return (bytes.ToArray(), $"{count} byte(s) deleted at {at}");
        }
    }

    // SplitMix64's finaliser: System.Random's seeded generator gives neighbouring seeds similar first draws.
    private static int Mix(int seed)
    {
        ulong z = (ulong)seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
