using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>Entry points for reading single safetensors files (filters, golden vectors, one-file models).</summary>
public static class SafeTensors
{
    /// <summary>Reads and checks the header; every problem is a <see cref="Learn2PdException"/> naming the file.</summary>
    public static SafeTensorsFile Open(string path) => SafeTensorsHeader.Read(path);

    /// <summary>All tensors of a small file, on the CPU in their stored types, in header order.</summary>
    public static Dictionary<string, torch.Tensor> ReadTensors(string path) => Open(path).ReadAll();
}
