using System.Text;

namespace Learn2PD.Train.Tasks;

/// <summary>
/// Writes one word problem per draw. Every answer line does one sum "a op b = c" whose a and b are copied from
/// the question or an earlier line, so a tiny model only has to copy and add up; <see cref="AnswerWording"/>
/// words the lines, and independent steps come in either order.
/// </summary>
internal sealed class WordProblemWriter(ArithmeticTaskOptions options)
{
    private enum Shape { Chain, MulChain, PairTotal, PairDifference, Relative }

    private readonly bool _add = options.Operations.HasFlag(ArithmeticOperations.Add);
    private readonly bool _sub = options.Operations.HasFlag(ArithmeticOperations.Sub);
    private readonly bool _mul = options.Operations.HasFlag(ArithmeticOperations.Mul);
    private int Max => options.MaxOperand;
    private int MaxFactor => options.MaxFactor;

    public GsmProblem Draw(TaskRandom rng)
    {
        // A draw can paint itself into a corner (a subtract-only chain that reaches 0); start over then.
        while (true)
        {
            int steps = rng.Next(options.MinSteps, options.MaxSteps);
            GsmProblem? problem = rng.Pick(ShapesFor(steps)) switch
            {
                Shape.Chain => Chain(rng, steps, mulOpening: false),
                Shape.MulChain => Chain(rng, steps, mulOpening: true),
                Shape.PairTotal => PairTotal(rng),
                Shape.PairDifference => PairDifference(rng),
                _ => Relative(rng),
            };
            if (problem is not null) return problem;
        }
    }

    /// <summary>Shapes that take exactly <paramref name="steps"/> lines; the chain counts double so it dominates.</summary>
    private List<Shape> ShapesFor(int steps)
    {
        List<Shape> shapes = [Shape.Chain, Shape.Chain];
        if (_mul) shapes.Add(Shape.MulChain);
        if (steps == 1 && _add) shapes.Add(Shape.PairTotal);
        if (steps == 1 && _sub) shapes.Add(Shape.PairDifference);
        if (steps == 2 && _add) shapes.Add(Shape.Relative);
        return shapes;
    }

    // "Mia has 4 pencils. She buys 3 more and then gives 2 to Leo. How many pencils does Mia have now?"
    private GsmProblem? Chain(TaskRandom rng, int steps, bool mulOpening)
    {
        Person who = rng.Pick(Lexicon.People);
        Noun item = rng.Pick(Lexicon.Items);
        var question = new StringBuilder();
        int current, boxes = 0, each = 0;
        if (mulOpening)
        {
            Noun box = rng.Pick(Lexicon.Containers);
            boxes = rng.Next(2, MaxFactor);
            each = rng.Next(2, Max);
            current = boxes * each;
            question.Append(rng.Next(0, 1) == 0
                ? $"{who.Name} has {box.Count(boxes)} with {item.Count(each)} in each."
                : $"{who.Name} buys {box.Count(boxes)} of {item.Plural}. Each {box.Singular} has {item.Count(each)}.");
            steps--;
        }
        else
        {
            current = rng.Next(1, Max);
            string[] openings =
            [
                $"{who.Name} has {item.Count(current)}.",
                $"{who.Name} starts with {item.Count(current)}.",
                $"{who.Name} keeps {item.Count(current)} in a box.",
                $"{who.Name}'s bag holds {item.Count(current)}.",
            ];
            question.Append(rng.Pick(openings));
        }

        int start = current;
        var clauses = new List<string>();
        var changes = new List<(char Op, int B)>();
        char lastOp = '*';
        for (int i = 0; i < steps; i++)
        {
            bool canSub = _sub && current > 0;
            if (!_add && !canSub) return null;
            char op = _add && (!canSub || rng.Next(0, 1) == 0) ? '+' : '-';
            int b = op == '+' ? rng.Next(1, Max) : rng.Next(1, Math.Min(Max, current));
            string other = OtherThan(rng, who).Name;
            string[] verbs = op == '+'
                ? [$"buys {b} more", $"finds {b} more", $"gets {b} more from {other}", $"wins {b} more"]
                : [$"gives {b} to {other}", $"loses {b}", $"sells {b}", $"gives away {b}"];
            clauses.Add(rng.Pick(verbs));
            changes.Add((op, b));
            current = op == '+' ? current + b : current - b;
            lastOp = op;
        }

        var lines = new List<SolutionStep>();
        if (mulOpening) lines.Add(Step(who.Name, "has", boxes, '*', each, start, item));
        int running = start;
        foreach (var (op, b) in InSomeValidOrder(rng, start, changes))
        {
            int next = op == '+' ? running + b : running - b;
            lines.Add(Step(lines.Count == 0 ? who.Name : $"then {who.Subject}", "has", running, op, b, next, item));
            running = next;
        }

        if (clauses.Count > 0) question.Append(' ').Append(JoinClauses(rng, who, clauses));
        List<string> asks = clauses.Count == 0
            ? [$"How many {item.Plural} does {who.Name} have in all?", $"How many {item.Plural} does {who.Name} have altogether?"]
            : [$"How many {item.Plural} does {who.Name} have now?", $"How many {item.Plural} does {who.Subject} have now?",
               $"How many {item.Plural} does {who.Name} have in the end?"];
        if (lastOp == '-') asks.Add($"How many {item.Plural} does {who.Name} have left?");
        question.Append(' ').Append(rng.Pick(asks));
        return Problem(rng, question.ToString(), lines, current);
    }

    /// <summary>
    /// The changes in a random order whose running count never drops below 0 (take-away-then-add instead of
    /// add-then-take-away, say): the same result through different intermediate numbers. The question's order
    /// is the fallback, as it is always valid.
    /// </summary>
    private static List<(char Op, int B)> InSomeValidOrder(TaskRandom rng, int start, List<(char Op, int B)> changes)
    {
        var order = changes.ToList();
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = rng.Next(0, i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int running = start;
        foreach (var (op, b) in order)
        {
            running = op == '+' ? running + b : running - b;
            if (running < 0) return changes;
        }
        return order;
    }

    private static string JoinClauses(TaskRandom rng, Person who, List<string> c)
    {
        string s = who.Subject;
        string lead = rng.Next(0, 1) == 0 ? who.Name : who.SubjectCapital;
        string[] forms = c.Count switch
        {
            1 => [$"{lead} {c[0]}."],
            2 => [$"{lead} {c[0]} and then {c[1]}.", $"{lead} {c[0]}. Then {s} {c[1]}.", $"First {s} {c[0]}. Then {s} {c[1]}."],
            _ => [$"{lead} {c[0]}, then {c[1]}, and then {c[2]}.", $"{lead} {c[0]}. Then {s} {c[1]}. Finally, {s} {c[2]}."],
        };
        return rng.Pick(forms);
    }

    // "Mia has 4 pencils and Leo has 3 pencils. How many pencils do they have together?"
    private GsmProblem PairTotal(TaskRandom rng)
    {
        (Person a, Person b, Noun item) = Cast(rng);
        int x = rng.Next(1, Max), y = rng.Next(1, Max);
        string[] questions =
        [
            $"{a.Name} has {item.Count(x)} and {b.Name} has {item.Count(y)}. How many {item.Plural} do they have together?",
            $"{a.Name} has {item.Count(x)}. {b.Name} has {item.Count(y)}. How many {item.Plural} do {a.Name} and {b.Name} have in total?",
            $"{a.Name} and {b.Name} collect {item.Plural}. {a.Name} has {item.Count(x)} and {b.Name} has {item.Count(y)}. How many {item.Plural} do they have altogether?",
        ];
        return Problem(rng, rng.Pick(questions), [Step("together they", "have", x, '+', y, x + y, item)], x + y);
    }

    // "Mia has 7 pencils and Leo has 3 pencils. How many more pencils does Mia have than Leo?"
    private GsmProblem PairDifference(TaskRandom rng)
    {
        (Person a, Person b, Noun item) = Cast(rng);
        int x = rng.Next(2, Max), y = rng.Next(1, x - 1), d = x - y;
        var more = new SolutionStep(a.Name, "has", x, '-', y, d, $"{d} more {item.For(d)} than {b.Name}");
        var fewer = new SolutionStep(b.Name, "has", x, '-', y, d, $"{d} fewer {item.For(d)} than {a.Name}");
        (string Question, SolutionStep Line)[] forms =
        [
            ($"{a.Name} has {item.Count(x)} and {b.Name} has {item.Count(y)}. How many more {item.Plural} does {a.Name} have than {b.Name}?", more),
            ($"{a.Name} has {item.Count(x)}, but {b.Name} only has {item.Count(y)}. How many more {item.Plural} does {a.Name} have?", more),
            ($"{a.Name} has {item.Count(x)}. {b.Name} has {item.Count(y)}. How many fewer {item.Plural} does {b.Name} have than {a.Name}?", fewer),
        ];
        var (question, line) = rng.Pick(forms);
        return Problem(rng, question, [line], d);
    }

    // "Mia has 4 pencils. Leo has 3 more pencils than Mia. How many pencils do they have together?"
    private GsmProblem Relative(TaskRandom rng)
    {
        (Person a, Person b, Noun item) = Cast(rng);
        var relations = new List<char> { '+' };
        if (_sub) relations.Add('-');
        if (_mul) relations.Add('*');
        char op = rng.Pick(relations);
        int x = rng.Next(op == '-' ? 2 : 1, Max);
        int y = op switch { '+' => rng.Next(1, Max), '-' => rng.Next(1, x - 1), _ => rng.Next(2, MaxFactor) };
        int r = op switch { '+' => x + y, '-' => x - y, _ => x * y };
        string relation = op switch
        {
            '+' => $"{b.Name} has {y} more {item.For(y)} than {a.Name}.",
            '-' => $"{b.Name} has {y} fewer {item.For(y)} than {a.Name}.",
            _ => $"{b.Name} has {y} times as many {item.Plural} as {a.Name}.",
        };
        string[] asks =
        [
            $"How many {item.Plural} do they have together?",
            $"How many {item.Plural} do {a.Name} and {b.Name} have in total?",
            $"How many {item.Plural} do they have altogether?",
        ];
        string question = $"{a.Name} has {item.Count(x)}. {relation} {rng.Pick(asks)}";
        return Problem(rng, question, [Step(b.Name, "has", x, op, y, r, item), Step("together they", "have", x, '+', r, x + r, item)], x + r);
    }

    private static (Person A, Person B, Noun Item) Cast(TaskRandom rng)
    {
        Person a = rng.Pick(Lexicon.People);
        return (a, OtherThan(rng, a), rng.Pick(Lexicon.Items));
    }

    private static Person OtherThan(TaskRandom rng, Person who)
    {
        while (true)
        {
            Person other = rng.Pick(Lexicon.People);
            if (other != who) return other;
        }
    }

    private static SolutionStep Step(string subject, string verb, int a, char op, int b, int c, Noun item) =>
        new(subject, verb, a, op, b, c, item.Count(c));

    private static GsmProblem Problem(TaskRandom rng, string question, List<SolutionStep> lines, int result) =>
        new(question, AnswerWording.Write(rng, lines, result));
}
