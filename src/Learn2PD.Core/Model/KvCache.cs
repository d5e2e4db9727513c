using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>How a forward pass uses a <see cref="KvCache"/> (Fast-dLLM's prefix and dual caches).</summary>
public enum CacheMode
{
    /// <summary>Plain forward over the whole sequence.</summary>
    None,
    /// <summary>Forward over the whole sequence that also stores every layer's keys and values.</summary>
    Record,
    /// <summary>Forward over positions [start, T): attends to cached keys of [0, start) and its own.</summary>
    Prefix,
    /// <summary>Forward over a slice [start, start + t): overwrites that slice of the cache, attends to all of it.</summary>
    Dual,
}

/// <summary>
/// Keys and values of every layer, after RoPE, in the model's dtype: per layer [B, H_kv, T, D].
/// Caching after RoPE equals the reference's caching before it, because positions are absolute.
/// The tensors live outside any dispose scope; dispose the cache when the block is done.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;

    public KvCache(int layers)
    {
        keys = new Tensor?[layers];
        values = new Tensor?[layers];
    }

    /// <summary>Number of cached positions (0 before the first recording forward).</summary>
    public long Length => keys[0]?.shape[2] ?? 0;

    internal (Tensor Keys, Tensor Values) Layer(int layer) =>
        (keys[layer] ?? throw new InvalidOperationException("the KV cache has not been recorded yet"),
         values[layer]!);

    internal void Store(int layer, Tensor k, Tensor v)
    {
        keys[layer]?.Dispose();
        values[layer]?.Dispose();
        keys[layer] = k.detach().clone().DetachFromDisposeScope();
        values[layer] = v.detach().clone().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i]?.Dispose();
            values[i]?.Dispose();
            keys[i] = values[i] = null;
        }
    }
}
