using Learn2PD.Core;

namespace Learn2PD.Train.Tasks;

/// <summary>
/// The difficulty dial of <see cref="ArithmeticTask"/>. The defaults are the embedded model's task,
/// what its 0.68M parameters learned on two CPU cores: operands up to 5, add and subtract, one step
/// (operands up to 9 and two steps, its curriculum's first stage, left arithmetic unlearned).
/// </summary>
public sealed record ArithmeticTaskOptions
{
    /// <summary>Largest number written in a question for adding or subtracting (results may be larger).</summary>
    public int MaxOperand { get; init; } = 8;

    public int MinSteps { get; init; } = 1;

    /// <summary>At most 3: longer chains outgrow the short prompts a tiny model handles.</summary>
    public int MaxSteps { get; init; } = 2;

    public ArithmeticOperations Operations { get; init; } = ArithmeticOperations.All;

    /// <summary>Largest multiplier ("3 bags", "4 times as many") when <see cref="ArithmeticOperations.Mul"/> is on.</summary>
    public int MaxFactor { get; init; } = 4;

    public const int StepLimit = 3;
    public const int OperandLimit = 999;
    public const int FactorLimit = 12;

    /// <summary>Parses "add,sub,mul" (any order, any subset).</summary>
    public static ArithmeticOperations ParseOperations(string text)
    {
        var result = ArithmeticOperations.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= part.ToLowerInvariant() switch
            {
                "add" => ArithmeticOperations.Add,
                "sub" => ArithmeticOperations.Sub,
                "mul" => ArithmeticOperations.Mul,
                _ => throw new Learn2PdException($"--operations: '{part}' is not one of add, sub, mul"),
            };
        }
        return result;
    }

    public static string FormatOperations(ArithmeticOperations operations) => string.Join(',',
        new[] { (ArithmeticOperations.Add, "add"), (ArithmeticOperations.Sub, "sub"), (ArithmeticOperations.Mul, "mul") }
            .Where(p => operations.HasFlag(p.Item1)).Select(p => p.Item2));

    /// <summary>Throws a <see cref="Learn2PdException"/> naming the first bad field; returns this for chaining.</summary>
    public ArithmeticTaskOptions Validate()
    {
        if (MaxOperand is < 2 or > OperandLimit)
            throw new Learn2PdException($"MaxOperand must be between 2 and {OperandLimit}, got {MaxOperand}.");
        if (MinSteps is < 1 or > StepLimit)
            throw new Learn2PdException($"MinSteps must be between 1 and {StepLimit}, got {MinSteps}.");
        if (MaxSteps is < 1 or > StepLimit)
            throw new Learn2PdException($"MaxSteps must be between 1 and {StepLimit}, got {MaxSteps}.");
        if (MinSteps > MaxSteps)
            throw new Learn2PdException($"MinSteps ({MinSteps}) must not exceed MaxSteps ({MaxSteps}).");
        if ((Operations & ~ArithmeticOperations.All) != 0)
            throw new Learn2PdException($"Operations has unknown flags: {Operations}; use Add, Sub and Mul.");
        // Every problem shape starts from a count that is added to or taken from; Mul only decorates it.
        if ((Operations & ArithmeticOperations.AddSub) == 0)
            throw new Learn2PdException($"Operations must include Add or Sub (Mul is an add-on), got {Operations}.");
        if (Operations.HasFlag(ArithmeticOperations.Mul) && MaxFactor is < 2 or > FactorLimit)
            throw new Learn2PdException($"MaxFactor must be between 2 and {FactorLimit} when Mul is on, got {MaxFactor}.");
        return this;
    }
}
