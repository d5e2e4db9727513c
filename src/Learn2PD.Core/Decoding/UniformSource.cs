namespace Learn2PD.Core.Decoding;

/// <summary>Uniform numbers in [0, 1) for policies that draw (Dream's <c>origin</c>); injectable so a test can replay a reference's draws.</summary>
public interface IUniformSource
{
    double Next();
}

/// <summary>A seeded stream: the same seed gives the same decode.</summary>
public sealed class SeededUniform(ulong seed) : IUniformSource
{
    private readonly Random random = new(unchecked((int)seed ^ (int)(seed >> 32)));

    public double Next() => random.NextDouble();
}

/// <summary>Given draws, in order (e.g. a reference's <c>torch.rand</c> values); running out is an error.</summary>
public sealed class ReplayedUniform(IEnumerable<double> draws) : IUniformSource
{
    private readonly IEnumerator<double> next = draws.GetEnumerator();

    public double Next() => next.MoveNext() ? next.Current : throw new InvalidOperationException("no replayed draw left");
}
