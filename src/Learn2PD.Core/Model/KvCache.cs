using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>Which Fast-dLLM KV cache a decode uses.</summary>
public enum CacheKind
{
    /// <summary>Every step is a full forward over the whole sequence.</summary>
    None,
    /// <summary>Full forward at each block start; later steps feed the block and everything after it.</summary>
    Prefix,
    /// <summary>Full forward at each block start; later steps feed only the block and overwrite its cache rows.</summary>
    Dual,
}

/// <summary>
/// Keys and values of every layer, after RoPE, in the model's dtype: per layer [B, H_kv, T, D]. It owns
/// its update, as gpt-fast's <c>kv_cache.update</c>: the first forward after construction (the block
/// start, over the whole sequence) records; later forwards over positions [start, start + t) get back
/// what to attend to: the cached prefix [0, start) and their own keys (prefix), or the whole cache with
/// their slice overwritten (dual). Caching after RoPE equals the reference's caching before it, because
/// positions are absolute. The tensors live outside any dispose scope; dispose the cache with its block.
/// Later forwards may compute only some of the recorded rows (<see cref="SelectRows"/>): a batched
/// decode leaves out the rows that are done with the block.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;
    private Tensor? rows;

    public KvCache(CacheKind kind, int layers)
    {
        if (kind == CacheKind.None) throw new ArgumentException("a KV cache needs the prefix or dual kind", nameof(kind));
        Kind = kind;
        keys = new Tensor?[layers];
        values = new Tensor?[layers];
    }

    public CacheKind Kind { get; }

    /// <summary>Number of cached positions (0 before the recording forward).</summary>
    public long Length => keys[0]?.shape[2] ?? 0;

    /// <summary>
    /// Which recorded rows (batch indices, ascending) the next forwards compute, in their order; null for
    /// every row. The rows left out keep what was recorded for them.
    /// </summary>
    public void SelectRows(long[]? indices, Device device)
    {
        rows?.Dispose();
        rows = indices is null ? null : tensor(indices).to(device).DetachFromDisposeScope();
    }

    /// <summary>
    /// The keys and values layer <paramref name="layer"/> attends to, given its own [B, H_kv, t, D] keys
    /// and values of positions start..start+t-1 (B: the selected rows).
    /// </summary>
    internal (Tensor Keys, Tensor Values) Update(int layer, long start, Tensor k, Tensor v)
    {
        if (keys[layer] is not { } cachedKeys || values[layer] is not { } cachedValues)
        {
            if (start != 0) throw new InvalidOperationException("the KV cache must be recorded by a forward over the whole sequence first");
            keys[layer] = k.detach().clone().DetachFromDisposeScope();
            values[layer] = v.detach().clone().DetachFromDisposeScope();
            return (k, v);
        }
        if (Kind == CacheKind.Prefix)
            return (cat([Selected(cachedKeys).narrow(2, 0, start), k], 2), cat([Selected(cachedValues).narrow(2, 0, start), v], 2));
        if (rows is null)
        {
            cachedKeys.narrow(2, start, k.shape[2]).copy_(k);
            cachedValues.narrow(2, start, v.shape[2]).copy_(v);
            return (cachedKeys, cachedValues);
        }
        var keysOfRows = cachedKeys.index_select(0, rows);
        var valuesOfRows = cachedValues.index_select(0, rows);
        keysOfRows.narrow(2, start, k.shape[2]).copy_(k);
        valuesOfRows.narrow(2, start, v.shape[2]).copy_(v);
        cachedKeys.index_copy_(0, rows, keysOfRows);
        cachedValues.index_copy_(0, rows, valuesOfRows);
        return (keysOfRows, valuesOfRows);
    }

    private Tensor Selected(Tensor cached) => rows is null ? cached : cached.index_select(0, rows);

    public void Dispose()
    {
        rows?.Dispose();
        rows = null;
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i]?.Dispose();
            values[i]?.Dispose();
            keys[i] = values[i] = null;
        }
    }
}
