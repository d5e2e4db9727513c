namespace Learn2PD.Core.Text;

/// <summary>
/// GPT-2's <c>bytes_to_unicode</c>: every byte gets a printable character (printable Latin-1 bytes keep
/// their own, the rest map to U+0100 onwards), so byte-level vocabularies store " has" as "Ġhas".
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    /// <summary>The stored form of a text piece: its UTF-8 bytes, each as its character.</summary>
    public static string Encode(string piece) => Encode(System.Text.Encoding.UTF8.GetBytes(piece));

    public static string Encode(byte[] bytes) =>
        string.Create(bytes.Length, bytes, (chars, b) =>
        {
            for (int i = 0; i < b.Length; i++) chars[i] = ByteToChar[b[i]];
        });

    /// <summary>The byte a stored character stands for, if it is one of the 256.</summary>
    public static bool TryDecode(char c, out byte value) => CharToByte.TryGetValue(c, out value);

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
