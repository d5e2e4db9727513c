using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// The safetensors dtype names this project reads and writes, and their TorchSharp element types.
/// </summary>
public static class SafeTensorsDtype
{
    // Listed in the reference implementation's dtype order; the writer sorts by it (wider types first).
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Known =
    [
        ("BOOL", torch.ScalarType.Bool, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("I8", torch.ScalarType.Int8, 1),
        ("I16", torch.ScalarType.Int16, 2),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I32", torch.ScalarType.Int32, 4),
        ("F32", torch.ScalarType.Float32, 4),
        ("F64", torch.ScalarType.Float64, 8),
        ("I64", torch.ScalarType.Int64, 8),
    ];

    // Valid in the format, but TorchSharp 0.107 has no element type for them.
    private static readonly HashSet<string> WithoutTorchSharpType =
        ["U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"];

    /// <summary>The element type for a header dtype name, or why it cannot be read.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out string? problem)
    {
        foreach (var k in Known)
        {
            if (k.Name == name)
            {
                type = k.Type;
                problem = null;
                return true;
            }
        }
        type = default;
        problem = WithoutTorchSharpType.Contains(name)
            ? $"dtype {name} is not supported by TorchSharp"
            : $"unknown dtype '{name}'";
        return false;
    }

    /// <summary>The header name of an element type; throws for types safetensors cannot hold here.</summary>
    public static string NameOf(torch.ScalarType type) => Find(type).Name;

    public static int ElementSize(torch.ScalarType type) => Find(type).Size;

    /// <summary>Position in the reference dtype order, used to sort tensors when writing.</summary>
    internal static int Rank(torch.ScalarType type) => Array.FindIndex(Known, k => k.Type == type);

    private static (string Name, torch.ScalarType Type, int Size) Find(torch.ScalarType type)
    {
        foreach (var k in Known)
        {
            if (k.Type == type) return k;
        }
        throw new Learn2PdException($"element type {type} cannot be stored in safetensors (supported: {string.Join(", ", Known.Select(k => k.Name))})");
    }
}
