using Learn2PD.Core;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// Held-out prompts, not held-out records: records of one prompt are strongly correlated (the same
/// answer, step after step), so a split by record would let validation loss flatter the filter.
/// </summary>
public sealed record PromptSplit(IReadOnlyList<int> Train, IReadOnlyList<int> Validation)
{
    /// <summary>
    /// A seeded shuffle of 0..count-1: the last max(1, round(count × fraction)) prompts validate,
    /// the rest train. Both lists are sorted.
    /// </summary>
    public static PromptSplit Create(int count, double validationFraction, ulong seed)
    {
        if (validationFraction is <= 0 or >= 1 || double.IsNaN(validationFraction))
            throw new Learn2PdException($"--validation-fraction must be between 0 and 1 (got {validationFraction})");
        if (count < 2) throw new Learn2PdException($"filter training needs at least 2 prompts, one to fit and one to validate (got {count})");
        int validation = Math.Clamp((int)Math.Round(count * validationFraction), 1, count - 1);
        var order = Enumerable.Range(0, count).ToArray();
        var rng = new TaskRandom(seed ^ 0x5917_0000_F117_E500UL);
        for (int i = count - 1; i > 0; i--)
        {
            int j = rng.Next(0, i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return new PromptSplit(order[..(count - validation)].Order().ToArray(), order[(count - validation)..].Order().ToArray());
    }
}
