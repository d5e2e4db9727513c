namespace Learn2PD.Cli.Terminal;

/// <summary>Turns Ctrl+C into a cancellation token, so long runs stop between steps with their files intact.</summary>
internal sealed class ConsoleCancel : IDisposable
{
    private readonly CancellationTokenSource source = new();

    private ConsoleCancel() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Token => source.Token;

    public static ConsoleCancel Create() => new();

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        source.Dispose();
    }
}
