namespace Learn2PD.Core.Model;

/// <summary>
/// The LLaDA architecture: the field set of LLaDA-8B-Instruct's <c>config.json</c>, which
/// <see cref="LLaDAConfigJson"/> reads and validates.
/// </summary>
public sealed record LLaDAConfig
{
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
    public required int MaskTokenId { get; init; }
    public required int EosTokenId { get; init; }
    public required int PadTokenId { get; init; }

    public int HeadDim => DModel / NHeads;

    /// <summary>The small presets used by tests and the trainer; the 8B one comes from its config file.</summary>
    public static LLaDAConfig Small(int vocabSize, int maskTokenId, int eosTokenId, int dModel = 128, int nHeads = 4,
        int nLayers = 4, int mlpHiddenSize = 384, int maxSequenceLength = 2048) => new()
    {
        DModel = dModel, NHeads = nHeads, NKvHeads = nHeads, NLayers = nLayers, MlpHiddenSize = mlpHiddenSize,
        VocabSize = vocabSize, EmbeddingSize = vocabSize, MaxSequenceLength = maxSequenceLength,
        RopeTheta = 10000.0, RmsNormEps = 1e-5, WeightTying = false,
        MaskTokenId = maskTokenId, EosTokenId = eosTokenId, PadTokenId = eosTokenId,
    };
}
