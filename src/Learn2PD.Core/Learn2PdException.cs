namespace Learn2PD.Core;

/// <summary>
/// An error the user can act on: bad input, a missing or malformed file, an unsupported setting.
/// The message is one line that names the file, field or value at fault; the CLI prints it and
/// exits non-zero without a stack trace.
/// </summary>
public class Learn2PdException : Exception
{
    public Learn2PdException(string message) : base(message) { }
    public Learn2PdException(string message, Exception inner) : base(message, inner) { }
}
