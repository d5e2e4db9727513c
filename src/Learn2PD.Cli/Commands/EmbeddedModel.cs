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
}
