using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using static TorchSharp.torch;

namespace Learn2PD.Serve;

/// <summary>
/// The model a server decodes with: weights, tokenizer, the Learn2PD filter when it has one, and how a
/// bare prompt is framed for it. Only the decode worker touches the weights and the filter.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private readonly Func<string, string>? frame;

    /// <param name="frame">
    /// Turns a bare prompt into what the model was trained on (the embedded model's GSM8K frame,
    /// as <c>l2pd decode --prompt</c> applies it); null leaves prompts as they are.
    /// </param>
    public ServedModel(string id, PretrainedModel loaded, LoadedFilter? filter, Func<string, string>? frame = null)
    {
        Id = id;
        Model = loaded.Model;
        Tokenizer = loaded.Tokenizer ?? throw new Learn2PdException($"{loaded.Directory}: no tokenizer.json; a server needs one to read and write text");
        Filter = filter;
        this.frame = frame;
    }

    /// <summary>The name clients pass as <c>model</c>: the model directory's name.</summary>
    public string Id { get; }
    public DiffusionModel Model { get; }
    public LLaDATokenizer Tokenizer { get; }
    public LoadedFilter? Filter { get; }
    public ModelConfig Config => Model.Config;

    /// <summary>The method of a request that names no policy (<see cref="ServeDefaults.Method"/>).</summary>
    public DecodingMethod DefaultMethod => ServeDefaults.Method(Filter is not null);

    /// <summary>
    /// Loads the model and its filter: <paramref name="filterPath"/>, else filter.safetensors beside the
    /// model when there is one (with τ_f from its sidecar).
    /// </summary>
    public static ServedModel Load(string directory, string? filterPath, Device device, ScalarType dtype, Func<string, string>? frame = null)
    {
        string besideModel = Path.Combine(directory, "filter.safetensors");
        string? path = filterPath ?? (File.Exists(besideModel) ? besideModel : null);
        var filter = path is null ? null : FilterLoader.Load(path, null, ServeDefaults.BlockLength);
        var loaded = PretrainedModel.Load(directory, dtype, device, requireTokenizer: true);
        string id = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new ServedModel(id, loaded, filter, frame);
    }

    public string FramePrompt(string text) => frame?.Invoke(text) ?? text;

    public void Dispose()
    {
        Filter?.Dispose();
        Model.Dispose();
    }
}
