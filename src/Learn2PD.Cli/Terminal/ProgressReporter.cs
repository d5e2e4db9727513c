using System.Diagnostics;
using Spectre.Console;

namespace Learn2PD.Cli.Terminal;

/// <summary>
/// A progress bar on an interactive terminal (Spectre.Console), and a plain line every few seconds
/// when output is redirected, so logs of long runs stay readable. Progress goes to stderr, leaving
/// stdout to results.
/// </summary>
internal sealed class ProgressReporter
{
    private static readonly IAnsiConsole ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    private readonly TimeSpan logEvery;

    public ProgressReporter(TimeSpan? logEvery = null) => this.logEvery = logEvery ?? TimeSpan.FromSeconds(10);

    public static bool Interactive => !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/> with a task whose value goes from 0 to <paramref name="total"/>.</summary>
    public T Run<T>(string title, double total, Func<IProgressTask, T> work)
    {
        if (Interactive)
        {
            return ErrorConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx => work(new SpectreTask(ctx.AddTask(Markup.Escape(title), maxValue: total), title)));
        }
        return work(new LogTask(title, total, logEvery));
    }

    public void Run(string title, double total, Action<IProgressTask> work) => Run(title, total, t => { work(t); return 0; });

    private sealed class SpectreTask(ProgressTask task, string title) : IProgressTask
    {
        public void Advance(double amount, string? status = null)
        {
            task.Increment(amount);
            if (status != null) task.Description = Markup.Escape($"{title} {status}");
        }
    }

    private sealed class LogTask(string title, double total, TimeSpan every) : IProgressTask
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan lastLog = TimeSpan.Zero;
        private double value;

        public void Advance(double amount, string? status = null)
        {
            value += amount;
            if (clock.Elapsed - lastLog < every && value < total) return;
            lastLog = clock.Elapsed;
            Console.Error.WriteLine($"{title}: {value:0}/{total:0} ({100 * value / Math.Max(1e-9, total):0}%) {clock.Elapsed:hh\\:mm\\:ss} {status}".TrimEnd());
        }
    }
}

/// <summary>One progress bar: advance it and optionally update its status text.</summary>
internal interface IProgressTask
{
    void Advance(double amount, string? status = null);
}
