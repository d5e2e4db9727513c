using Learn2PD.Core.Model;

namespace Learn2PD.Core.Text;

/// <summary>
/// Token ids given instead of text (<c>--prompt-ids</c>, <c>--reference-ids</c>, a server request's id array):
/// each inside the model's vocabulary, and a prompt never empty nor holding the mask token (a masked prompt
/// position would be decoded as if it were part of the answer). <paramref name="where"/> names the source in errors.
/// </summary>
public static class PromptIds
{
    /// <summary>"1,2,3" as ids inside the vocabulary.</summary>
    public static int[] Parse(string text, ModelConfig config, string where) =>
        InVocabulary(Tokenization.ParseIds(text, where), config, where);

    public static int[] InVocabulary(IReadOnlyList<int> ids, ModelConfig config, string where)
    {
        foreach (int id in ids)
        {
            if (id < 0 || id >= config.EmbeddingSize)
                throw new Learn2PdException($"{where}: token id {id} is outside the vocabulary (0..{config.EmbeddingSize - 1})");
        }
        return ids.ToArray();
    }

    /// <summary>A prompt's ids: not empty, inside the vocabulary, no mask token.</summary>
    public static int[] Prompt(IReadOnlyList<int> ids, ModelConfig config, string where)
    {
        if (ids.Count == 0) throw new Learn2PdException($"{where}: the prompt ids are empty");
        int[] prompt = InVocabulary(ids, config, where);
        int at = Array.IndexOf(prompt, config.MaskTokenId);
        return at < 0 ? prompt
            : throw new Learn2PdException($"{where}: id {config.MaskTokenId} at position {at + 1} is the mask token; a prompt cannot hold masks");
    }
}
