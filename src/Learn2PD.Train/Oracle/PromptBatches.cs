namespace Learn2PD.Train.Oracle;

/// <summary>
/// Groups prompts into decode batches: sorted by length so rows of a batch need little left padding,
/// then cut into batches of at most <c>batchSize</c>. The plan depends only on the prompts and the
/// indices given, so a resumed or repeated run decodes every prompt in the same batch (same padding,
/// same numerics) as the run that recorded its reference answer.
/// </summary>
public static class PromptBatches
{
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int[]> prompts, IEnumerable<int> indices, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var ordered = indices.OrderBy(i => prompts[i].Length).ThenBy(i => i).ToArray();
        return ordered.Chunk(batchSize).ToArray();
    }
}
