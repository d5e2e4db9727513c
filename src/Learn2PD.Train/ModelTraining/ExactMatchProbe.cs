using Learn2PD.Core.Decoding;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// Exact-match accuracy of a model on GSM8K-style problems with the baseline decoder (fixed policy,
/// one token per step): the trainer's "now and then" validation. Problems are decoded in batches.
/// </summary>
public static class ExactMatchProbe
{
    public static double Measure(BlockDecoder decoder, LLaDATokenizer tokenizer, IReadOnlyList<GsmProblem> problems,
        int genLength, int blockLength = 32, int batchSize = 32)
    {
        var options = DecodeOptions.Baseline(genLength, blockLength);
        var encoder = new PromptEncoder(tokenizer);
        int correct = 0;
        for (int i = 0; i < problems.Count; i += batchSize)
        {
            var batch = problems.Skip(i).Take(batchSize).ToArray();
            var prompts = batch.Select(p => encoder.Encode(GsmPrompt.FormatQuery(p.Question))).ToArray();
            var result = decoder.Decode(prompts, options, new FixedSchedulePolicy());
            for (int r = 0; r < batch.Length; r++)
            {
                string text = tokenizer.Decode(result.Rows[r].AnswerIds.Select(id => (int)id), skipSpecialTokens: true);
                if (GsmScorer.Score(text, batch[r].Answer).StrictCorrect) correct++;
            }
        }
        return problems.Count == 0 ? 0 : correct / (double)problems.Count;
    }
}
