using System.Security.Cryptography;
using System.Text;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// A cheap identity for a model directory, so labels recorded for one checkpoint are never reused
/// for another: SHA-256 over config.json and, for every weight file, its name, size and first and
/// last MiB (the header and tensor data at both ends change with any retraining). Reading 16 GB of
/// LLaDA-8B shards in full would take minutes; this takes milliseconds.
/// </summary>
public static class ModelFingerprint
{
    private const int Window = 1 << 20;

    public static string Compute(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string config = Path.Combine(directory, "config.json");
        if (File.Exists(config)) sha.AppendData(File.ReadAllBytes(config));
        // Only the model's own weights (model.safetensors or model-0000N-of-0000M shards): a filter saved
        // beside the model (filter.safetensors) must not change the model's identity.
        var weights = Directory.GetFiles(directory, "model*.safetensors").Order(StringComparer.Ordinal);
        var buffer = new byte[Window];
        foreach (string file in weights)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            sha.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}:{stream.Length}\n"));
            sha.AppendData(buffer, 0, stream.ReadAtLeast(buffer, Window, throwOnEndOfStream: false));
            if (stream.Length > 2L * Window)
            {
                stream.Seek(-Window, SeekOrigin.End);
                sha.AppendData(buffer, 0, stream.ReadAtLeast(buffer, Window, throwOnEndOfStream: false));
            }
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>SHA-256 of a small file's bytes (hex, 16 digits): whether a data or filter file changed between runs.</summary>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    /// <summary>SHA-256 of the prompts' token ids, in order: the identity of a prompt set.</summary>
    public static string OfPrompts(IReadOnlyList<int[]> prompts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> word = stackalloc byte[4];
        foreach (var prompt in prompts)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(word, prompt.Length);
            sha.AppendData(word);
            foreach (int id in prompt)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(word, id);
                sha.AppendData(word);
            }
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
