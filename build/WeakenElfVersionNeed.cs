// MSBuild inline task (compiled by RoslynCodeTaskFactory): marks one GNU version requirement of an
// ELF64 little-endian shared object as weak, so the dynamic loader tolerates its absence.
// Compiled against netstandard2.0 by the task factory, hence no spans or File.Move(overwrite).
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        string? provider = SystemLibraryProviding(VersionName);
        if (provider != null)
        {
            Log.LogMessage(MessageImportance.Low, $"{provider} provides {VersionName}; no patch needed.");
            return true;
        }
        foreach (ITaskItem item in Files)
        {
            try
            {
                string result = Patch(item.ItemSpec, VersionName);
                Log.LogMessage(MessageImportance.Low, $"{item.ItemSpec}: {result}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"Could not patch {item.ItemSpec}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static string? SystemLibraryProviding(string version)
    {
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string path in LibStdCxxCandidates)
        {
            if (File.Exists(path) && IndexOf(File.ReadAllBytes(path), needle) >= 0) return path;
        }
        return null;
    }

    private static string Patch(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        bool changed = false, found = false;
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long verneedOffset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int strtabIndex = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int entries = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtabOffset = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)strtabIndex * shentsize) + 0x18);

            long need = verneedOffset;
            for (int n = 0; n < entries; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadCString(elf, strtabOffset + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == version)
                    {
                        found = true;
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                            changed = true;
                        }
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        if (!found) return $"does not require {version}";
        if (!changed) return $"{version} already weak";
        string temp = path + ".patching";
        File.WriteAllBytes(temp, elf);
        File.Copy(temp, path, overwrite: true);
        File.Delete(temp);
        return $"marked {version} weak";
    }

    private static string ReadCString(byte[] data, long offset)
    {
        int end = (int)offset;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
