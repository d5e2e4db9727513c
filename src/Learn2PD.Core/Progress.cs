namespace Learn2PD.Core;

/// <summary>One progress bar of long work: advance it and optionally update its status text.</summary>
public interface IProgressTask
{
    void Advance(double amount, string? status = null);
}

/// <summary>
/// How pipelines report long work (reference decodes, fits, benchmarks); the CLI shows it as a progress
/// bar on a terminal and as periodic lines in a log.
/// </summary>
public interface IWorkProgress
{
    /// <summary>Runs <paramref name="work"/> with a task whose value goes from 0 to <paramref name="total"/>.</summary>
    T Run<T>(string title, double total, Func<IProgressTask, T> work);
}

/// <summary>Progress that shows nothing (tests, embedding).</summary>
public sealed class SilentProgress : IWorkProgress, IProgressTask
{
    public static SilentProgress Instance { get; } = new();

    public T Run<T>(string title, double total, Func<IProgressTask, T> work) => work(this);

    public void Advance(double amount, string? status = null) { }
}

public static class WorkProgressExtensions
{
    /// <summary>Work without a result.</summary>
    public static void Run(this IWorkProgress progress, string title, double total, Action<IProgressTask> work) =>
        progress.Run(title, total, task => { work(task); return 0; });
}
