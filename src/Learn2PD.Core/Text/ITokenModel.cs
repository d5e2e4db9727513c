namespace Learn2PD.Core.Text;

/// <summary>tokenizer.json's <c>model</c>: turns one pre-tokenized piece into ids, and an id back into its vocabulary string.</summary>
internal interface ITokenModel
{
    /// <summary>Appends the ids of one non-empty piece (raw text; a byte-level model maps it to byte symbols itself).</summary>
    void Tokenize(string piece, List<int> ids);

    /// <summary>The vocabulary string of an id, or null for an id outside the vocabulary.</summary>
    string? IdToToken(int id);

    /// <summary>The vocabulary (stored forms, e.g. "Ġthe" when byte-level).</summary>
    IReadOnlyDictionary<string, int> Vocab { get; }
}
