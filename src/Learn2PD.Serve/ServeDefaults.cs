using Learn2PD.Core.Decoding;

namespace Learn2PD.Serve;

/// <summary>What a request gets for the settings it leaves out: the one place to change the server's defaults.</summary>
public static class ServeDefaults
{
    /// <summary>
    /// The decoding method: Learn2PD's filter with end-of-text prediction where the model has a filter,
    /// else Fast-dLLM's confidence threshold with end-of-text prediction.
    /// </summary>
    public static DecodingMethod Method(bool hasFilter) =>
        DecodingMethods.Find(hasFilter ? "l2p+eotp" : "threshold+eotp")
        ?? throw new InvalidOperationException("the default method is missing from DecodingMethods");

    /// <summary>Block length of semi-autoregressive decoding (LLaDA's and Learn2PD's 32; the filter's width).</summary>
    public const int BlockLength = 32;

    /// <summary>max_tokens when a request gives none (l2pd decode's default --gen-length), capped at --max-tokens-limit.</summary>
    public const int MaxTokens = 256;
}
