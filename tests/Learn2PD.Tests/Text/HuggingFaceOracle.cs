using System.Runtime.InteropServices;

namespace Learn2PD.Tests.Text;

/// <summary>
/// Hugging Face's Rust <c>tokenizers</c> through Tokenizers.DotNet, as an oracle for our loader. Its <c>Encode</c>
/// always applies the post-processor (add_special_tokens=True) and its <c>Decode</c> skips special tokens. The native
/// library ships for linux-x64 only; elsewhere the tests that use it skip.
/// </summary>
internal sealed class HuggingFaceOracle : IDisposable
{
    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;

    public HuggingFaceOracle(string tokenizerJson)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64,
            "Tokenizers.DotNet's native library is referenced for linux-x64 only");
        _tokenizer = new Tokenizers.DotNet.Tokenizer(vocabPath: tokenizerJson);
    }

    public int[] EncodeWithSpecialTokens(string text) => _tokenizer.Encode(text).Select(id => checked((int)id)).ToArray();

    public string DecodeSkippingSpecialTokens(IEnumerable<int> ids) => _tokenizer.Decode(ids.Select(id => checked((uint)id)).ToArray());

    public void Dispose() => _tokenizer.Dispose();
}
