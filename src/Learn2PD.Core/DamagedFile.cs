using System.Runtime.InteropServices;
using System.Text.Json;

namespace Learn2PD.Core;

/// <summary>
/// What .NET's readers (JSON, zip, UTF-8, numbers) and TorchSharp throw when a file is damaged — a flipped byte, a
/// truncated download — turned into the one-line <see cref="Learn2PdException"/> naming the file. Every loader catches
/// these at its boundary, so a damaged checkpoint, tokenizer or filter never ends in a stack trace.
/// </summary>
public static class DamagedFile
{
    /// <summary>
    /// Whether <paramref name="e"/> is what a damaged input makes a reader throw. Cancellation and
    /// <see cref="Learn2PdException"/> are not: they already say what happened.
    /// </summary>
    public static bool IsDamage(Exception e) => e is InvalidDataException or IOException or UnauthorizedAccessException
        or InvalidOperationException or ArgumentException or FormatException or OverflowException or JsonException
        or IndexOutOfRangeException or KeyNotFoundException or NotSupportedException or InvalidCastException
        or ExternalException or OutOfMemoryException or InsufficientExecutionStackException;

    /// <summary>"{path}: {what} ({the reader's message, on one line})".</summary>
    public static Learn2PdException Error(string path, string what, Exception e) =>
        new($"{path}: {what} ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ").Trim()})", e);
}
