using Learn2PD.Core;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Tasks;

public sealed class ArithmeticTaskOptionsTests
{
    [Fact]
    public void Defaults_AreTheEmbeddedModelsTask_OperandsUpTo8_FactorsUpTo4_AllOperations_OneOrTwoSteps()
    {
        var options = new ArithmeticTaskOptions().Validate();
        Assert.Equal((8, 4, 1, 2, ArithmeticOperations.All),
            (options.MaxOperand, options.MaxFactor, options.MinSteps, options.MaxSteps, options.Operations));
    }

    public static TheoryData<ArithmeticTaskOptions, string> BadOptions() => new()
    {
        { new() { MaxOperand = 1 }, "MaxOperand" },
        { new() { MinSteps = 0 }, "MinSteps" },
        { new() { MaxSteps = 4 }, "MaxSteps" },
        { new() { MinSteps = 3, MaxSteps = 2 }, "MinSteps (3) must not exceed MaxSteps (2)" },
        { new() { Operations = ArithmeticOperations.Mul }, "must include Add or Sub" },
        { new() { Operations = ArithmeticOperations.None }, "must include Add or Sub" },
        { new() { Operations = (ArithmeticOperations)8 }, "unknown flags" },
        { new() { Operations = ArithmeticOperations.All, MaxFactor = 1 }, "MaxFactor" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_RejectsBadSettings_NamingTheField(ArithmeticTaskOptions options, string expected)
    {
        var error = Assert.Throws<Learn2PdException>(() => new ArithmeticTask(options));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxFactor_IsIgnored_WhileMulIsOff() =>
        new ArithmeticTaskOptions { MaxFactor = 0, Operations = ArithmeticOperations.AddSub }.Validate();

    [Fact]
    public void Generate_NegativeCount_Throws() =>
        Assert.Throws<Learn2PdException>(() => ArithmeticTask.Default.Train(-1, 0));
}
