using TorchSharp;

namespace Learn2PD.Core.Checkpoints;

// The only values the restricted unpickler ever builds, besides strings, longs, bools and null.

/// <summary>A pickle tuple.</summary>
internal sealed record PickleTuple(object?[] Items)
{
    public static readonly PickleTuple Empty = new([]);
}

/// <summary>A dict or OrderedDict with string keys, in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<string, object?>> Items { get; } = [];

    public void Set(string key, object? value)
    {
        int i = Items.FindIndex(kv => kv.Key == key);
        if (i >= 0) Items[i] = new(key, value);
        else Items.Add(new(key, value));
    }
}

/// <summary>What a whitelisted global stands for.</summary>
internal enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    StorageType,
}

/// <summary>A whitelisted <c>module name</c> pair; <see cref="StorageDtype"/> is set for storage types.</summary>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, torch.ScalarType? StorageDtype = null);

/// <summary>A persistent id <c>("storage", type, key, location, numel)</c>: bytes in <c>data/{key}</c> of the archive.</summary>
internal sealed record StorageRef(string Key, torch.ScalarType Dtype, long ElementCount);

/// <summary>The arguments of <c>torch._utils._rebuild_tensor_v2</c>: a strided view of a storage.</summary>
internal sealed record TensorSpec(StorageRef Storage, long Offset, long[] Shape, long[] Stride);
