using System.Text.RegularExpressions;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Tasks;

public sealed partial class ArithmeticTaskTests
{
    private static readonly ArithmeticTaskOptions Hardest =
        new() { MaxSteps = 3, Operations = ArithmeticOperations.All };

    /// <summary>The one sum of a worked line: "a op b = c".</summary>
    [GeneratedRegex(@"(\d+) ([-+*]) (\d+) = (\d+)")]
    private static partial Regex Sum();

    /// <summary>The five line forms of <c>AnswerWording</c>; each names who holds how many ("holding").</summary>
    private static readonly Regex[] LineForms =
    [
        new(@"^(?<who>[A-Z][a-z]*(?: they| he| she)?) (?:has|have) \d+ [-+*] \d+ = (?<holding>\d+) [a-z ]+?(?: than [A-Za-z]+)?\.$"),
        new(@"^\d+ [-+*] \d+ = \d+, so (?<who>[A-Za-z]+(?: they| he| she)?) (?:has|have) (?<holding>\d+) [a-z ]+?(?: than [A-Za-z]+)?\.$"),
        new(@"^(?<who>[A-Z][a-z]*(?: they| he| she)?) (?:has|have) (?<holding>\d+) [a-z ]+?(?: than [A-Za-z]+)? because \d+ [-+*] \d+ = \d+\.$"),
        new(@"^Since \d+ [-+*] \d+ = \d+, (?<who>[A-Za-z]+(?: they| he| she)?) (?:has|have) (?<holding>\d+) [a-z ]+?(?: than [A-Za-z]+)?\.$"),
        new(@"^We get \d+ [-+*] \d+ = \d+\. (?<who>[A-Z][a-z]*(?: they| he| she)?) (?:has|have) (?<holding>\d+) [a-z ]+?(?: than [A-Za-z]+)?\.$"),
    ];

    private static readonly string[] Openers = ["Let's think step by step.", "Step by step:"];

    /// <summary>The worked lines of an answer: without its opener, closer and final "#### N".</summary>
    private static string[] StepLines(GsmProblem problem) =>
        problem.Answer.Split('\n')[..^1].Where(l => !Openers.Contains(l) && !l.Contains("the answer is", StringComparison.OrdinalIgnoreCase)).ToArray();

    private static int FormOf(string line) => Array.FindIndex(LineForms, f => f.IsMatch(line));

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    private static IReadOnlyList<GsmProblem> Sample(ArithmeticTaskOptions options, int count = 2000) =>
        new ArithmeticTask(options).Train(count, seed: 7);

    [Fact]
    public void Generate_SameSeed_GivesSameProblems()
    {
        var task = new ArithmeticTask(new ArithmeticTaskOptions());
        Assert.Equal(task.Train(300, 42), new ArithmeticTask(new ArithmeticTaskOptions()).Train(300, 42));
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentProblems() =>
        Assert.NotEqual(ArithmeticTask.Default.Train(50, 1), ArithmeticTask.Default.Train(50, 2));

    [Fact]
    public void Generate_SmallerCount_IsPrefixOfLargerCount() =>
        Assert.Equal(ArithmeticTask.Default.Train(100, 3), ArithmeticTask.Default.Train(400, 3).Take(100));

    [Fact]
    public void Splits_NeverShareAQuestion_AndEachProblemHashesToItsOwnSplit()
    {
        var task = ArithmeticTask.Default;
        var splits = new Dictionary<TaskSplit, IReadOnlyList<GsmProblem>>
        {
            [TaskSplit.Train] = task.Train(3000, seed: 11),
            [TaskSplit.Validation] = task.Generate(TaskSplit.Validation, 500, seed: 11),
            [TaskSplit.Test] = task.Generate(TaskSplit.Test, 500, seed: 11),
        };
        foreach (var (split, problems) in splits)
            Assert.All(problems, p => Assert.Equal(split, ArithmeticTask.SplitOf(p.Question)));
        var all = splits.Values.SelectMany(ps => ps.Select(p => p.Question)).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Generate_ProblemsWithinASplit_AreDistinct()
    {
        var questions = ArithmeticTask.Default.Train(3000, seed: 5).Select(p => p.Question).ToList();
        Assert.Equal(questions.Count, questions.Distinct().Count());
    }

    [Fact]
    public void SplitOf_IgnoresCaseAndSpacing() =>
        Assert.Equal(ArithmeticTask.SplitOf("Mia has 4 pencils.  How many?"), ArithmeticTask.SplitOf(" mia has 4 PENCILS. How many? "));

    [Fact]
    public void DefaultEvaluationSets_AreFixedAndDisjoint()
    {
        var test = ArithmeticTask.Default.Test(200);
        var validation = ArithmeticTask.Default.Validation(200);
        Assert.Equal(test, new ArithmeticTask(new ArithmeticTaskOptions()).Test(200));
        Assert.All(test, p => Assert.Equal(TaskSplit.Test, ArithmeticTask.SplitOf(p.Question)));
        Assert.Empty(test.Select(p => p.Question).Intersect(validation.Select(p => p.Question)));
    }

    [Fact]
    public void DefaultTestSet_IsPinned_SoEvalNumbersStayComparable()
    {
        // Changing a template or the PRNG changes what `l2pd eval` measures; update this on purpose only.
        GsmProblem first = ArithmeticTask.Default.Test(1)[0];
        Assert.Equal(PinnedFirstTest, (first.Question, first.Answer));
    }

    private static readonly (string, string) PinnedFirstTest = (
        "Sophia's bag holds 2 cupcakes. Sophia buys 7 more. How many cupcakes does she have now?",
        "Let's think step by step.\nSince 7 + 2 = 9, Sophia has 9 cupcakes.\n#### 9");

    [Theory]
    [MemberData(nameof(Difficulties))]
    public void Answers_AreArithmeticallyCorrect_AndEndWithTheLastResult(ArithmeticTaskOptions options)
    {
        foreach (GsmProblem problem in Sample(options))
        {
            int last = -1;
            foreach (string line in StepLines(problem))
            {
                Assert.True(FormOf(line) >= 0, $"not a worded step line: '{line}' in\n{problem.Answer}");
                Match m = Assert.Single(Sum().Matches(line));
                int a = int.Parse(m.Groups[1].Value), b = int.Parse(m.Groups[3].Value), c = int.Parse(m.Groups[4].Value);
                Assert.Equal(m.Groups[2].Value switch { "+" => a + b, "-" => a - b, _ => a * b }, c);
                Assert.True(c >= 0, $"negative result in {problem.Answer}");
                Assert.Equal($"{c}", LineForms[FormOf(line)].Match(line).Groups["holding"].Value);
                last = c;
            }
            string[] lines = problem.Answer.Split('\n');
            Assert.Equal($"#### {last}", lines[^1]);
            if (lines.Length > 2 && lines[^2].Contains("answer is", StringComparison.Ordinal)) Assert.EndsWith($" {last}.", lines[^2]);
            Assert.Equal(last.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.FinalAnswer);
        }
    }

    [Theory]
    [MemberData(nameof(Difficulties))]
    public void AnswerLines_OnlyCopyNumbersFromTheQuestionOrEarlierLines(ArithmeticTaskOptions options)
    {
        foreach (GsmProblem problem in Sample(options, 500))
        {
            var known = Number().Matches(problem.Question).Select(m => m.Value).ToHashSet();
            foreach (Match m in StepLines(problem).Select(l => Sum().Match(l)))
            {
                Assert.Contains(m.Groups[1].Value, known);
                Assert.Contains(m.Groups[3].Value, known);
                known.Add(m.Groups[4].Value);
            }
        }
    }

    [Fact]
    public void Wording_UsesEveryLineForm_OperandOrder_StepOrder_OpenerAndCloser_AtEvenOdds()
    {
        var problems = Sample(new ArithmeticTaskOptions(), 4000);
        var lines = problems.SelectMany(StepLines).ToList();
        var forms = lines.GroupBy(FormOf).ToDictionary(g => g.Key, g => g.Count() / (double)lines.Count);
        Assert.Equal([0, 1, 2, 3, 4], forms.Keys.Order());
        Assert.All(forms.Values, share => Assert.InRange(share, 0.17, 0.23));

        // A second line adds to the first line's result: written first or second, evenly.
        var carried = problems.Select(p => StepLines(p).Select(l => Sum().Match(l)).ToArray())
            .Where(sums => sums.Length == 2 && sums[1].Groups[2].Value == "+")
            .Select(sums => (First: sums[1].Groups[1].Value, Second: sums[1].Groups[3].Value, Previous: sums[0].Groups[4].Value))
            .Where(s => s.First != s.Second)
            .ToList();
        Assert.InRange(carried.Count(s => s.Second == s.Previous) / (double)carried.Count, 0.4, 0.6);

        double opened = problems.Count(p => Openers.Contains(p.Answer.Split('\n')[0])) / (double)problems.Count;
        double closed = problems.Count(p => p.Answer.Contains("the answer is", StringComparison.OrdinalIgnoreCase)) / (double)problems.Count;
        Assert.InRange(opened, 0.45, 0.55);
        Assert.InRange(closed, 0.45, 0.55);
    }

    [Fact]
    public void IndependentSteps_ComeInEitherOrder_WhenBothOrdersStayNonNegative()
    {
        // "has 4, buys 3, gives 2": 4 + 3 = 7 then 7 - 2 = 5, or 4 - 2 = 2 then 2 + 3 = 5.
        var chains = Sample(new ArithmeticTaskOptions { MinSteps = 2, MaxSteps = 2, Operations = ArithmeticOperations.AddSub }, 2000)
            .Select(p => StepLines(p).Select(l => Sum().Match(l)).ToArray())
            .Where(sums => sums[0].Groups[2].Value != sums[1].Groups[2].Value)
            .ToList();
        Assert.NotEmpty(chains);
        double subtractFirst = chains.Count(sums => sums[0].Groups[2].Value == "-") / (double)chains.Count;
        Assert.InRange(subtractFirst, 0.25, 0.75);
    }

    [Theory]
    [MemberData(nameof(Difficulties))]
    public void EveryCharacter_OfPromptAndTarget_IsInTheAlphabet(ArithmeticTaskOptions options)
    {
        var problems = Sample(options, 1000);
        string text = GsmPrompt.FormatFewShot(problems.Skip(1), problems[0].Question) + GsmPrompt.FormatTarget(problems[0].Answer);
        Assert.Empty(text.Where(c => !ArithmeticTask.Alphabet.Contains(c)).Distinct());
    }

    [Fact]
    public void Alphabet_IsOrdinalSortedAndUnique()
    {
        char[] sorted = ArithmeticTask.Alphabet.Distinct().Order().ToArray();
        Assert.Equal(ArithmeticTask.Alphabet, new string(sorted));
    }

    [Fact]
    public void DefaultDifficulty_UsesOperandsUpTo8_AllThreeOperations_AndOneOrTwoSteps()
    {
        var problems = Sample(new ArithmeticTaskOptions());
        Assert.All(problems, p => Assert.All(Number().Matches(p.Question), m => Assert.InRange(int.Parse(m.Value), 0, 8)));
        Assert.Contains(problems, p => p.Answer.Contains('*'));
        Assert.Contains(problems, p => p.Answer.Contains(" - "));
        Assert.Equal([1, 2], problems.Select(StepCount).Distinct().Order());
        var oneStep = Sample(new ArithmeticTaskOptions { MaxOperand = 5, MaxSteps = 1, Operations = ArithmeticOperations.AddSub });
        Assert.All(oneStep, p => Assert.DoesNotContain('*', p.Answer));
        Assert.Equal([1], oneStep.Select(StepCount).Distinct().Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void StepCount_IsTheDialedNumberOfLines(int steps) =>
        Assert.All(Sample(new ArithmeticTaskOptions { MinSteps = steps, MaxSteps = steps }, 300),
            p => Assert.Equal(steps, StepCount(p)));

    [Fact]
    public void AnswerLengths_Vary_WithStepsAndNames()
    {
        var lengths = Sample(Hardest).Select(p => p.Answer.Length).ToList();
        Assert.True(lengths.Max() - lengths.Min() >= 50, $"answer lengths {lengths.Min()}..{lengths.Max()}");
        Assert.True(lengths.Distinct().Count() >= 30);
        Assert.Equal([1, 2, 3], Sample(Hardest).Select(StepCount).Distinct().Order());
    }

    [Fact]
    public void SubtractOnly_NeverAdds()
    {
        var problems = Sample(new ArithmeticTaskOptions { Operations = ArithmeticOperations.Sub, MaxSteps = 3 }, 500);
        Assert.All(problems, p => Assert.DoesNotContain('+', p.Answer));
    }

    [Fact]
    public void Multiplication_WhenDialedOn_UsesFactorsUpToMaxFactor()
    {
        var options = new ArithmeticTaskOptions { Operations = ArithmeticOperations.All, MaxFactor = 3 };
        var products = Sample(options).SelectMany(StepLines)
            .Select(l => Sum().Match(l)).Where(m => m.Success && m.Groups[2].Value == "*").ToList();
        Assert.NotEmpty(products);
        Assert.All(products, m => Assert.True(
            int.Parse(m.Groups[1].Value) is >= 2 and <= 3 || int.Parse(m.Groups[3].Value) is >= 2 and <= 3, m.Value));
    }

    [Fact]
    public void Wording_Varies_AcrossNamesItemsAndTemplates()
    {
        var problems = Sample(new ArithmeticTaskOptions());
        Assert.True(problems.Select(p => p.Question.Split(' ')[0]).Distinct().Count() >= 30);
        Assert.True(problems.Select(p => p.Question[p.Question.LastIndexOf('.')..]).Distinct().Count() >= 20);
    }

    public static TheoryData<ArithmeticTaskOptions> Difficulties() =>
    [
        new ArithmeticTaskOptions(),
        Hardest,
        new ArithmeticTaskOptions { MaxOperand = 50, MinSteps = 2, MaxSteps = 3 },
    ];

    private static int StepCount(GsmProblem problem) => StepLines(problem).Length;
}
