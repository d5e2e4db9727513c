using System.Text.RegularExpressions;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// The small model's data: GSM8K-style arithmetic problems in lm-eval's prompt format
/// (<c>Question: q\nAnswer:</c> → <c>" " + answer</c>) over a word-level vocabulary of the task's texts:
/// words, punctuation, <c>####</c> and whole numbers are one token each, as a real LLM's tokenizer makes
/// most words one token (a character model has to commit every name and number letter by letter).
/// </summary>
public static class ArithmeticCorpus
{
    // The ByteLevel pre-tokenizer's split (GPT-2's pattern), so vocabulary pieces are what encoding will look up.
    private static readonly Regex Pieces = new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant);

    /// <summary>
    /// Every piece of the prompts and targets of <paramref name="problems"/>, plus every whole number from 0 to
    /// the largest one they hold (with and without a leading space), so no answer in range is unknown.
    /// </summary>
    public static WordVocabulary Vocabulary(IEnumerable<GsmProblem> problems)
    {
        var pieces = new HashSet<string>(StringComparer.Ordinal);
        int largest = 0;
        foreach (var problem in problems)
        {
            foreach (string text in (string[])[GsmPrompt.FormatQuery(problem.Question), GsmPrompt.FormatTarget(problem.Answer)])
            {
                foreach (Match m in Pieces.Matches(text))
                {
                    pieces.Add(m.Value);
                    if (int.TryParse(m.Value, out int n)) largest = Math.Max(largest, n);
                }
            }
        }
        for (int n = 0; n <= largest; n++)
        {
            pieces.Add($"{n}");
            pieces.Add($" {n}");
        }
        return new WordVocabulary(pieces);
    }

    public static TrainingExample Tokenize(LLaDATokenizer tokenizer, GsmProblem problem) => new(
        tokenizer.Encode(GsmPrompt.FormatQuery(problem.Question)).ToArray(),
        tokenizer.Encode(GsmPrompt.FormatTarget(problem.Answer)).ToArray());
}
