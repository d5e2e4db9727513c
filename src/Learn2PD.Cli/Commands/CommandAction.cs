using System.CommandLine;
using Learn2PD.Core;

namespace Learn2PD.Cli.Commands;

/// <summary>The writers a command prints to: the invocation's, so tests capture them without touching the console.</summary>
internal sealed record CommandIo(TextWriter Out, TextWriter Error);

/// <summary>
/// Runs a command body and turns the errors a user can act on into one line on stderr and a
/// non-zero exit code; a stack trace is printed only for genuine bugs.
/// </summary>
internal static class CommandAction
{
    public const int UserError = 1;
    public const int Interrupted = 130;

    public static void Set(Command command, Func<ParseResult, CommandIo, int> body) =>
        command.SetAction(parse => Run(parse, body));

    public static int Run(ParseResult parse, Func<ParseResult, CommandIo, int> body)
    {
        var io = new CommandIo(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        try
        {
            return body(parse, io);
        }
        catch (Learn2PdException e)
        {
            io.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            io.Error.WriteLine("interrupted");
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            io.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UserError;
        }
    }

    /// <summary>An option given on the command line although the chosen setting does not use it is an error naming both.</summary>
    public static void RequireFor(ParseResult parse, Option option, bool used, string needs)
    {
        if (!used && parse.GetResult(option) is { Implicit: false })
            throw new Learn2PdException($"{option.Name} is only used with {needs}; remove it or add {needs}");
    }

    // A message quoting a damaged file (a JSON reader's excerpt, say) can hold line breaks; the error stays one line.
    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
