namespace Learn2PD.Core.Model;

/// <summary>The diffusion LLM families this project runs.</summary>
public enum ModelFamily
{
    /// <summary>LLaDA (GSAI-ML): OLMo-style "llama" blocks, logits read at their own position.</summary>
    LLaDA,
    /// <summary>Dream (Dream-org; also DiffuCoder): Qwen2 blocks, each position predicted from the output one to its left.</summary>
    Dream,
}

/// <summary>
/// The hyperparameters of either family: both are pre-norm bidirectional transformers with RMSNorm,
/// RoPE, grouped-query attention and a SwiGLU feed-forward, so one record describes them; the family
/// decides the module tree (its checkpoint names) and whether logits are shifted. Read from
/// <c>config.json</c> by <see cref="ModelConfigJson"/>.
/// </summary>
public sealed record ModelConfig
{
    public ModelFamily Family { get; init; } = ModelFamily.LLaDA;
    public required int DModel { get; init; }
    public required int NHeads { get; init; }
    public required int NKvHeads { get; init; }
    public required int NLayers { get; init; }
    public required int MlpHiddenSize { get; init; }
    public required int VocabSize { get; init; }
    /// <summary>Rows of the embedding and columns of the logits; may exceed <see cref="VocabSize"/>.</summary>
    public required int EmbeddingSize { get; init; }
    public required int MaxSequenceLength { get; init; }
    public required double RopeTheta { get; init; }
    public required double RmsNormEps { get; init; }
    public required bool WeightTying { get; init; }
    /// <summary>Whether the query, key and value projections have biases (Qwen2, so Dream: yes; LLaDA: no).</summary>
    public bool QkvBias { get; init; }
    public required int MaskTokenId { get; init; }
    public required int EosTokenId { get; init; }
    public required int PadTokenId { get; init; }

    public int HeadDim => DModel / NHeads;

    /// <summary>The small presets used by tests and the trainer; the released models come from their config files.</summary>
    public static ModelConfig Small(int vocabSize, int maskTokenId, int eosTokenId, int dModel = 128, int nHeads = 4,
        int nLayers = 4, int mlpHiddenSize = 384, int maxSequenceLength = 2048, ModelFamily family = ModelFamily.LLaDA) => new()
    {
        Family = family, DModel = dModel, NHeads = nHeads, NKvHeads = nHeads, NLayers = nLayers, MlpHiddenSize = mlpHiddenSize,
        VocabSize = vocabSize, EmbeddingSize = vocabSize, MaxSequenceLength = maxSequenceLength,
        RopeTheta = 10000.0, RmsNormEps = family == ModelFamily.Dream ? 1e-6 : 1e-5, WeightTying = false,
        QkvBias = family == ModelFamily.Dream,
        MaskTokenId = maskTokenId, EosTokenId = eosTokenId, PadTokenId = eosTokenId,
    };
}
