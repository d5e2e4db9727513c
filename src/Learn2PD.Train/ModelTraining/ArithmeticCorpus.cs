using System.Text;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// The small model's data: GSM8K-style arithmetic problems in lm-eval's prompt format
/// (<c>Question: q\nAnswer:</c> → <c>" " + answer</c>) over a character vocabulary of the task's alphabet.
/// </summary>
public static class ArithmeticCorpus
{
    /// <summary>End-of-text and mask tokens, then every character the task can write.</summary>
    public static CharVocabulary Vocabulary() => new(ArithmeticTask.Alphabet.EnumerateRunes());

    public static TrainingExample Tokenize(LLaDATokenizer tokenizer, GsmProblem problem) => new(
        tokenizer.Encode(GsmPrompt.FormatQuery(problem.Question)).ToArray(),
        tokenizer.Encode(GsmPrompt.FormatTarget(problem.Answer)).ToArray());

    public static string Alphabet => ArithmeticTask.Alphabet;

    internal static string Describe(IReadOnlyList<Rune> characters) => string.Concat(characters.Select(r => r.ToString()));
}
