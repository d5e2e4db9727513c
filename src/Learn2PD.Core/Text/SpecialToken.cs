namespace Learn2PD.Core.Text;

/// <summary>The LLaDA special tokens by name (their ids come from the tokenizer that is loaded).</summary>
public static class SpecialToken
{
    /// <summary>BOS; the Instruct chat template writes it once, the tokenizer never adds it.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>EOS and padding: the Instruct model fills the unused tail of an answer with it.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The mask token every diffusion step starts from.</summary>
    public const string Mask = "<|mdm_mask|>";

    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";
}
