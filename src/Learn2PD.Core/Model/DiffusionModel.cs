using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Core.Model;

/// <summary>
/// A masked diffusion LLM as the decoder, the trainers, eval and the server use it: its config (special
/// ids, sizes), where its weights live, and two forwards that return logits aligned with positions: the
/// logits at position i predict the token at position i, whatever the family does inside (Dream reads
/// them from the output one position to the left; see <see cref="DreamModel"/>). A model is read-only
/// while it decodes; the KV cache owns its own updates.
/// </summary>
public abstract class DiffusionModel : nn.Module
{
    protected DiffusionModel(string name, ModelConfig config) : base(name) => Config = config;

    public ModelConfig Config { get; }

    public abstract ScalarType DType { get; }
    public abstract Device Device { get; }

    /// <summary>Logits [B, T, V] for token ids [B, T] (plain bidirectional forward); <paramref name="keyMask"/> [B, T], true = real token.</summary>
    public abstract Tensor Forward(Tensor inputIds, Tensor? keyMask = null);

    /// <summary>
    /// Forward with a KV cache. <paramref name="inputIds"/> [B, t] hold positions start..start+t-1 of a
    /// sequence of <c>T</c> tokens; <paramref name="keyMask"/> is [B, T] (true = real token) or null.
    /// The cache's first forward records it (start = 0, t = T); then a prefix cache takes t = T - start
    /// and a dual cache any slice [start, start + t) (see <see cref="KvCache"/>). Logits are aligned
    /// within the chunk; a Dream chunk cannot predict its own first position (see <see cref="DreamModel"/>).
    /// </summary>
    public abstract Tensor Forward(Tensor inputIds, long start, KvCache cache, Tensor? keyMask = null);

    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Readies the non-parameter state (the RoPE tables) for <paramref name="device"/>, once the weights are there.</summary>
    internal abstract void PlaceOn(Device device);

    /// <summary>The family's module tree for <paramref name="config"/>; on the meta device nothing is allocated.</summary>
    public static DiffusionModel Create(ModelConfig config, Device? device = null, ScalarType? dtype = null) => config.Family switch
    {
        ModelFamily.Dream => new DreamModel(config, device, dtype),
        _ => new LLaDAModelLM(config, device, dtype),
    };

    /// <summary>[B, T] key mask → SDPA's boolean [B, 1, 1, T], broadcast over heads and queries.</summary>
    protected static Tensor? AttentionMask(Tensor? keyMask) => keyMask?.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
}
