using System.Net;
using Learn2PD.Core;

namespace Learn2PD.Serve;

/// <summary>
/// Where <c>l2pd serve</c> listens and how much work it takes on. Validated once at the edge
/// (<see cref="Validate"/>); the server trusts it.
/// </summary>
public sealed record ServeOptions
{
    public const int DefaultPort = 8000;

    /// <summary>An IP address or "localhost"; loopback unless the user opens it up.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = DefaultPort;
    /// <summary>Requests decoded together in one forward batch at most.</summary>
    public int MaxBatchSize { get; init; } = 16;
    /// <summary>Requests waiting for the decoder at most; more are refused with 429.</summary>
    public int MaxQueue { get; init; } = 256;
    /// <summary>The largest max_tokens a request may ask for.</summary>
    public int MaxTokensLimit { get; init; } = 1024;
    /// <summary>The longest prompt in tokens (after the chat template).</summary>
    public int MaxPromptTokens { get; init; } = 1024;

    /// <summary>Throws <see cref="Learn2PdException"/> naming the first option a user must change.</summary>
    public ServeOptions Validate()
    {
        if (Host != "localhost" && !IPAddress.TryParse(Host, out _))
            throw new Learn2PdException($"--host must be an IP address (127.0.0.1, 0.0.0.0, ::1) or localhost (got '{Host}')");
        if (Port is < 0 or > 65535) throw new Learn2PdException($"--port must be in 0..65535 (got {Port})");
        if (Port == 0 && Host == "localhost") throw new Learn2PdException("--port 0 (any free port) needs an IP address as --host, e.g. 127.0.0.1");
        if (MaxBatchSize <= 0) throw new Learn2PdException($"--max-batch-size must be positive (got {MaxBatchSize})");
        if (MaxQueue <= 0) throw new Learn2PdException($"--max-queue must be positive (got {MaxQueue})");
        if (MaxTokensLimit <= 0) throw new Learn2PdException($"--max-tokens-limit must be positive (got {MaxTokensLimit})");
        if (MaxPromptTokens <= 0) throw new Learn2PdException($"--max-prompt-tokens must be positive (got {MaxPromptTokens})");
        return this;
    }
}
