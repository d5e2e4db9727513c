using System.Diagnostics;
using Learn2PD.Core;
using Spectre.Console;

namespace Learn2PD.Cli.Terminal;

/// <summary>
/// A progress bar when the error writer is an interactive terminal (Spectre.Console), and a plain line
/// every few seconds otherwise, so logs of long runs stay readable. Progress goes to the error writer,
/// leaving the output writer to results.
/// </summary>
internal sealed class ProgressReporter(TextWriter error, TimeSpan? logEvery = null) : IWorkProgress
{
    private readonly TimeSpan every = logEvery ?? TimeSpan.FromSeconds(10);

    private bool Interactive => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/> with a task whose value goes from 0 to <paramref name="total"/>.</summary>
    public T Run<T>(string title, double total, Func<IProgressTask, T> work)
    {
        if (Interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
            return console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx => work(new SpectreTask(ctx.AddTask(Markup.Escape(title), maxValue: total), title)));
        }
        return work(new LogTask(error, title, total, every));
    }

    private sealed class SpectreTask(ProgressTask task, string title) : IProgressTask
    {
        public void Advance(double amount, string? status = null)
        {
            task.Increment(amount);
            if (status != null) task.Description = Markup.Escape($"{title} {status}");
        }
    }

    private sealed class LogTask(TextWriter error, string title, double total, TimeSpan every) : IProgressTask
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan lastLog = TimeSpan.Zero;
        private double value;

        public void Advance(double amount, string? status = null)
        {
            value += amount;
            if (clock.Elapsed - lastLog < every && value < total) return;
            lastLog = clock.Elapsed;
            error.WriteLine($"{title}: {value:0}/{total:0} ({100 * value / Math.Max(1e-9, total):0}%) {clock.Elapsed:hh\\:mm\\:ss} {status}".TrimEnd());
        }
    }
}
