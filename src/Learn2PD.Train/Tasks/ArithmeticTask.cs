using Learn2PD.Core;

namespace Learn2PD.Train.Tasks;

/// <summary>
/// Generates GSM8K-style arithmetic word problems at a dialed difficulty. Splits never share a problem:
/// each question goes to train, validation or test by a stable hash of its text (90 / 5 / 5), and a split
/// is filled by drawing until it holds enough distinct problems of its own.
/// </summary>
public sealed class ArithmeticTask
{
    /// <summary>
    /// Every character a problem, its answer or a <see cref="GsmPrompt"/> around them can contain, in ordinal
    /// order, so a character vocabulary built from it is the same on every run. ':' comes from the prompt.
    /// </summary>
    public const string Alphabet =
        "\n #'*+,-.0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Seeds of the fixed evaluation sets; <c>l2pd eval</c> uses these when given no file.</summary>
    public const ulong ValidationSeed = 0x5EED_0001, TestSeed = 0x5EED_0002;

    /// <summary>The default difficulty (single-digit add and subtract, 1 to 2 steps).</summary>
    public static ArithmeticTask Default { get; } = new(new ArithmeticTaskOptions());

    private const int StallLimit = 200_000;

    private readonly WordProblemWriter _writer;

    /// <summary>Validates <paramref name="options"/> (throws <see cref="Learn2PdException"/>).</summary>
    public ArithmeticTask(ArithmeticTaskOptions options)
    {
        Options = options.Validate();
        _writer = new WordProblemWriter(options);
    }

    public ArithmeticTaskOptions Options { get; }

    public static TaskSplit SplitOf(string question) => ProblemHash.SplitOf(question);

    public IReadOnlyList<GsmProblem> Train(int count, ulong seed) => Generate(TaskSplit.Train, count, seed);
    public IReadOnlyList<GsmProblem> Validation(int count) => Generate(TaskSplit.Validation, count, ValidationSeed);
    public IReadOnlyList<GsmProblem> Test(int count) => Generate(TaskSplit.Test, count, TestSeed);

    /// <summary>
    /// The first <paramref name="count"/> distinct problems of <paramref name="split"/> in the stream of
    /// <paramref name="seed"/>: the same arguments give the same list, and a smaller count gives a prefix.
    /// </summary>
    public IReadOnlyList<GsmProblem> Generate(TaskSplit split, int count, ulong seed)
    {
        if (count < 0) throw new Learn2PdException($"Problem count must be 0 or more, got {count}.");
        var rng = new TaskRandom(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<GsmProblem>(Math.Min(count, 1 << 16));
        // Narrow options hold few distinct problems: stop with a hint once new ones stop turning up. A healthy
        // split finds one every ~20 draws (5% buckets), so the limit never trips by chance.
        long draws = 0, lastFound = 0;
        while (problems.Count < count)
        {
            if (draws - lastFound > StallLimit)
                throw new Learn2PdException(
                    $"Found only {problems.Count} of {count} distinct {split} problems ({StallLimit} draws gave no new one); " +
                    "ask for fewer or raise MaxOperand / MaxSteps.");
            draws++;
            GsmProblem problem = _writer.Draw(rng);
            string canonical = ProblemHash.Canonical(problem.Question);
            if (ProblemHash.SplitOfCanonical(canonical) != split || !seen.Add(canonical)) continue;
            problems.Add(problem);
            lastFound = draws;
        }
        return problems;
    }
}
