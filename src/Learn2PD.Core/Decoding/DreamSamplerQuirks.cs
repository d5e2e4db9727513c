namespace Learn2PD.Core.Decoding;

/// <summary>
/// Behaviours of the reference Dream samplers (Dream's <c>diffusion_generate</c>, Fast-dLLM's and the
/// Learn2PD authors' block samplers) that the decode loop reproduces only when asked; the golden tests
/// ask. Each default is what a user wants where the reference wastes forwards or leaves masks behind.
/// </summary>
public sealed record DreamSamplerQuirks
{
    /// <summary>
    /// Without a cache, the Learn2PD authors' sampler numbers a block's steps from 1, like its cache path
    /// (where the block-start forward is step 0), so its timestep schedule skips step 0 and a block gets
    /// one committing step fewer. Default: a block's first forward is schedule step 0.
    /// </summary>
    public bool ScheduleFromStepOne { get; init; }

    /// <summary>
    /// When a block's timestep schedule is spent while masks remain (a filter that committed only what it
    /// accepted, or an oracle), the reference runs one more forward, commits nothing and moves on, leaving
    /// the masks in the answer. Default: later steps commit every remaining mask.
    /// </summary>
    public bool StopWhenScheduleSpent { get; init; }

    /// <summary>
    /// Without a cache, the authors' sampler keeps masks an earlier block left behind (see
    /// <see cref="StopWhenScheduleSpent"/>) among a later block's candidates: they count towards its schedule,
    /// its top-k may commit them and its end-of-text search may cut there. Default: a block's candidates are its own positions.
    /// </summary>
    public bool EarlierMasksStayCandidates { get; init; }

    /// <summary>
    /// Dream's <c>diffusion_generate</c> runs every planned step even once no mask is left (its <c>origin</c>
    /// sampler can commit everything early). Default: a block ends when its last mask is committed.
    /// </summary>
    public bool EveryPlannedStep { get; init; }
}
