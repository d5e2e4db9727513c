namespace Learn2PD.Train.Tasks;

/// <summary>The arithmetic a generated problem may use. Multiplication is an opt-in dial.</summary>
[Flags]
public enum ArithmeticOperations
{
    None = 0,
    Add = 1,
    Sub = 2,
    Mul = 4,
    AddSub = Add | Sub,
    All = Add | Sub | Mul,
}
