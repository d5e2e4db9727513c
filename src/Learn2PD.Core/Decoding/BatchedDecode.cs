using Learn2PD.Core.Filter;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Decodes a list of prompts with one method, <c>batchSize</c> rows at a time (left-padded; each row's answer
/// equals its batch-1 decode). The oracle's references are the given answer, or each batch's own baseline decode.
/// </summary>
public static class BatchedDecode
{
    /// <returns>Every prompt's row, in order, with the wall time of the batch that decoded it.</returns>
    public static IReadOnlyList<(RowResult Row, double Seconds)> Run(BlockDecoder decoder, IReadOnlyList<int[]> prompts, int batchSize,
        DecodeOptions options, DecodingMethod method, LoadedFilter? filter, long[]? reference, Action<StepTrace>? onStep = null)
    {
        var rows = new List<(RowResult, double)>();
        foreach (var batch in prompts.Chunk(batchSize))
        {
            IReadOnlyList<long[]>? references = method.Policy != PolicyKind.Oracle ? null
                : reference is not null ? [reference]
                : OraclePolicy.BaselineReferences(decoder, batch, options);
            var policy = method.CreatePolicy(new PolicyInputs(filter, references, decoder.Model.Config.EosTokenId, options.Seed));
            var result = decoder.Decode(batch, options, policy, onStep);
            rows.AddRange(result.Rows.Select(r => (r, result.Elapsed.TotalSeconds)));
        }
        return rows;
    }
}
