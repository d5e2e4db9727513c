namespace Learn2PD.Train.Tasks;

/// <summary>
/// Words a worked answer the way people write one: each line in one of several equivalent forms, commutative
/// operands in either order, an optional opener and closer, then <c>#### N</c>. Every choice is an even draw,
/// so a model trained on these answers is split between equally right phrasings at the positions where they
/// differ, as a real LLM is (the room a learned commit policy has over a confidence threshold).
/// </summary>
internal static class AnswerWording
{
    /// <summary>The line forms: the first is the task's original template.</summary>
    public const int LineForms = 5;

    private static readonly string?[] Openers = [null, null, "Let's think step by step.", "Step by step:"];

    public static string Write(TaskRandom rng, IReadOnlyList<SolutionStep> steps, int result)
    {
        var lines = new List<string>(steps.Count + 3);
        if (rng.Pick(Openers) is { } opener) lines.Add(opener);
        lines.AddRange(steps.Select(step => Line(rng, step)));
        switch (rng.Next(0, 3))
        {
            case 2: lines.Add($"The answer is {result}."); break;
            case 3: lines.Add($"So the answer is {result}."); break;
        }
        lines.Add($"#### {result}");
        return string.Join('\n', lines);
    }

    private static string Line(TaskRandom rng, SolutionStep step)
    {
        (int a, int b) = step.IsCommutative && rng.Next(0, 1) == 1 ? (step.B, step.A) : (step.A, step.B);
        string sum = $"{a} {step.Op} {b} = {step.Result}";
        string who = $"{step.Subject} {step.Verb}";
        return rng.Next(0, LineForms - 1) switch
        {
            0 => $"{Capitalize(who)} {a} {step.Op} {b} = {step.Holding}.",
            1 => $"{sum}, so {who} {step.Holding}.",
            2 => $"{Capitalize(who)} {step.Holding} because {sum}.",
            3 => $"Since {sum}, {who} {step.Holding}.",
            _ => $"We get {sum}. {Capitalize(who)} {step.Holding}.",
        };
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
