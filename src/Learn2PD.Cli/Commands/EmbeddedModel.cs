using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// The small arithmetic LLaDA shipped in the repository (models/arith-llada) and copied next to
/// l2pd at build time: the default model of every command, with its default filter and test split.
/// </summary>
internal static class EmbeddedModel
{
    public const string Name = "arith-llada";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "models", Name);

    /// <summary>The filter trained for the embedded model by `l2pd train-filter` (see the README).</summary>
    public static string FilterPath => Path.Combine(Directory, "filter.safetensors");

    /// <summary>
    /// The embedded model was trained on lm-eval's GSM8K format: a bare question gets that frame
    /// ("Question: ...\nAnswer:"); a prompt that already has an "Answer:" stays as it is.
    /// </summary>
    public static string FrameQuestion(string text) => GsmPrompt.FrameBareQuestion(text);

    /// <summary>
    /// Words of a question that the embedded model's word-level tokenizer reads as &lt;|unk|&gt;: it knows
    /// its task's words only, and answers a question with unknown words unreliably ("eats 2" reads as "&lt;|unk|&gt; 2").
    /// </summary>
    /// <param name="encoded">The question's ids as the decode encoded them: the words are looked up only when they hold &lt;|unk|&gt;.</param>
    public static IReadOnlyList<string> UnknownWords(LLaDATokenizer tokenizer, string question, IReadOnlyList<int> encoded)
    {
        if (tokenizer.TokenToId("<|unk|>") is not int unknown || !encoded.Contains(unknown)) return [];
        // A word is unknown when neither its mid-sentence form (" word") nor its bare form is in the vocabulary.
        return question.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(word => word.Trim('.', ',', '?', '!', ':', ';', '"', '\''))
            .Where(word => word.Length > 0 && tokenizer.Encode(" " + word).Contains(unknown) && tokenizer.Encode(word).Contains(unknown))
            .Distinct()
            .ToArray();
    }
}
