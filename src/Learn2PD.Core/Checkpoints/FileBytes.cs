using Microsoft.Win32.SafeHandles;

namespace Learn2PD.Core.Checkpoints;

/// <summary>Positioned reads that either fill the whole span or fail with the file's name.</summary>
internal static class FileBytes
{
    public static SafeFileHandle OpenRead(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Learn2PdException($"{path}: cannot open ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
    }

    public static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            int n;
            try
            {
                n = RandomAccess.Read(file, buffer, offset);
            }
            catch (IOException e)
            {
                throw new Learn2PdException($"{path}: read failed at byte {offset} ({SafeTensorsHeader.FirstLine(e.Message)})", e);
            }
            if (n == 0)
                throw new Learn2PdException($"{path}: file ends at byte {offset}, {buffer.Length} bytes short (truncated while reading?)");
            buffer = buffer[n..];
            offset += n;
        }
    }
}
