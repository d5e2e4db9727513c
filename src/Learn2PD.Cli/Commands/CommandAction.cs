using Learn2PD.Core;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// Runs a command body and turns the errors a user can act on into one line on stderr and a
/// non-zero exit code; a stack trace is printed only for genuine bugs.
/// </summary>
internal static class CommandAction
{
    public const int UserError = 1;
    public const int Interrupted = 130;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Learn2PdException e)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return Interrupted;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UserError;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UserError;
        }
    }

    // A message quoting a damaged file (a JSON reader's excerpt, say) can hold line breaks; the error stays one line.
    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
