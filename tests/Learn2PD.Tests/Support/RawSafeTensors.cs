using System.Buffers.Binary;
using System.Text;

namespace Learn2PD.Tests.Support;

/// <summary>Hand-made safetensors bytes, for files the writer would never produce.</summary>
internal static class RawSafeTensors
{
    /// <summary>Header length prefix (the real one unless overridden), the header text, then <paramref name="dataBytes"/> zero bytes.</summary>
    public static void Write(string path, string header, int dataBytes, ulong? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }
}
