using Learn2PD.Core.Model;

namespace Learn2PD.Core.Decoding;

/// <summary>What "confidence" ranks positions by (LLaDA's <c>remasking</c>).</summary>
public enum Remasking
{
    /// <summary>Softmax probability of the predicted token.</summary>
    LowConfidence,
    /// <summary>A uniform random number per position.</summary>
    Random,
}

/// <summary>
/// The shape of the per-block refinement loop with a KV cache. Fast-dLLM's first release ran it as a
/// do-while loop: one more (empty) forward when the block-start step already filled the block; the
/// golden Fast-dLLM vectors were made that way. Its later code and Learn2PD's check first.
/// </summary>
public enum RefinementLoop
{
    CheckFirst,
    DoWhile,
}

/// <summary>Which end-of-text prediction rule a decode with <see cref="DecodeOptions.EndOfTextPrediction"/> uses.</summary>
public enum EndOfTextRule
{
    /// <summary>
    /// The default: a still-masked position ends the sequence only when it predicts end-of-text with
    /// confidence ≥ <see cref="DecodeOptions.EndOfTextConfidence"/>, so an answer whose length is still
    /// uncertain is not cut before its last line.
    /// </summary>
    Confident,
    /// <summary>The Learn2PD paper's rule: the most confident masked end-of-text prediction, however unsure (the golden cases).</summary>
    Paper,
}

/// <summary>
/// Sampler settings shared by every policy. Validated once at the edge (<see cref="Validate"/>);
/// the decoder trusts them.
/// </summary>
public sealed record DecodeOptions
{
    public int GenLength { get; init; } = 256;
    public int BlockLength { get; init; } = 32;
    /// <summary>Total steps of the fixed schedule, split evenly over the blocks.</summary>
    public int Steps { get; init; } = 256;
    public bool EndOfTextPrediction { get; init; }
    public EndOfTextRule EndOfTextRule { get; init; } = EndOfTextRule.Confident;
    /// <summary>The confidence a masked end-of-text prediction needs to end the sequence under <see cref="EndOfTextRule.Confident"/>.</summary>
    public double EndOfTextConfidence { get; init; } = DefaultEndOfTextConfidence;
    public const double DefaultEndOfTextConfidence = 0.9;
    public CacheKind Cache { get; init; } = CacheKind.None;
    public RefinementLoop Refinement { get; init; } = RefinementLoop.CheckFirst;
    public Remasking Remasking { get; init; } = Remasking.LowConfidence;
    /// <summary>0 = argmax; above 0, Gumbel-max sampling in float64 (LLaDA's add_gumbel_noise).</summary>
    public double Temperature { get; init; }
    /// <summary>Classifier-free guidance scale; 0 disables it (LLaDA: u + (cfg + 1)(c - u)).</summary>
    public double CfgScale { get; init; }
    public ulong Seed { get; init; }
    /// <summary>
    /// After an end-of-text cut, a dual cache stops attending to the cut positions' keys and values
    /// (recorded at the block start). The reference keeps attending to them; false reproduces it.
    /// </summary>
    public bool TrimCacheAtCut { get; init; } = true;
    /// <summary>What ranks positions; null: the policy's own (a threshold reads probabilities), else the model family's (<see cref="SamplingConventions"/>).</summary>
    public ConfidenceKind? Confidence { get; init; }
    /// <summary>How many positions each step commits; null: the model family's (LLaDA linear, Dream timesteps).</summary>
    public ScheduleKind? Schedule { get; init; }
    /// <summary>Dream's nucleus filter before the softmax (null or 1 = off): changes confidences, never the argmax.</summary>
    public double? TopP { get; init; }
    /// <summary>Dream's top-k filter before the softmax (null = off): changes confidences, never the argmax.</summary>
    public int? TopK { get; init; }
    /// <summary>Reference Dream sampler behaviours to reproduce (all off: the defaults a user wants).</summary>
    public DreamSamplerQuirks DreamQuirks { get; init; } = new();

    /// <summary>The baseline: the fixed schedule with a step per token (LLaDA's commits one token per step; Dream's timesteps about one), no EoTP, no cache.</summary>
    public static DecodeOptions Baseline(int genLength, int blockLength) =>
        new DecodeOptions { GenLength = genLength, BlockLength = blockLength, Steps = genLength }.Validate();

    public int BlockCount => GenLength / BlockLength;
    public int StepsPerBlock => Steps / BlockCount;

    /// <summary>Throws <see cref="Learn2PdException"/> naming the first setting a user must change.</summary>
    public DecodeOptions Validate()
    {
        if (GenLength <= 0) throw new Learn2PdException($"--gen-length must be positive (got {GenLength})");
        if (BlockLength <= 0) throw new Learn2PdException($"--block-length must be positive (got {BlockLength})");
        if (GenLength % BlockLength != 0)
            throw new Learn2PdException($"--gen-length {GenLength} is not a multiple of --block-length {BlockLength}");
        if (Steps <= 0) throw new Learn2PdException($"--steps must be positive (got {Steps})");
        if (Steps % BlockCount != 0)
            throw new Learn2PdException($"--steps {Steps} is not a multiple of the block count {BlockCount} (gen-length {GenLength} / block-length {BlockLength})");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new Learn2PdException($"--temperature must be 0 or more (got {Temperature})");
        if (!(EndOfTextConfidence > 0 && EndOfTextConfidence <= 1))
            throw new Learn2PdException($"--eotp-confidence must be in (0, 1] (got {EndOfTextConfidence})");
        if (CfgScale < 0 || double.IsNaN(CfgScale)) throw new Learn2PdException($"--cfg-scale must be 0 or more (got {CfgScale})");
        if (TopP is double p && !(p > 0 && p <= 1)) throw new Learn2PdException($"--top-p must be in (0, 1] (got {p})");
        if (TopK is int k && k < 1) throw new Learn2PdException($"--top-k must be positive (got {k})");
        if (CfgScale > 0 && Cache != CacheKind.None)
            throw new Learn2PdException("--cfg-scale needs --cache none (the reference caches have no classifier-free guidance)");
        return this;
    }
}
