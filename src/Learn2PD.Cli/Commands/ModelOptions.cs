using System.CommandLine;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Commands;

/// <summary>--model, defaulting to the embedded model that ships with l2pd.</summary>
internal sealed class ModelOptions
{
    public Option<string?> Model { get; } = new("--model")
    {
        Description = $"Model directory in Hugging Face layout (default: the embedded arithmetic model, {EmbeddedModel.Name})",
    };

    public void AddTo(Command command) => command.Options.Add(Model);

    /// <summary>The model directory: --model, or the embedded model.</summary>
    public string Directory(ParseResult parse) => parse.GetValue(Model) ?? EmbeddedModel.Directory;

    public bool IsEmbedded(ParseResult parse) => parse.GetValue(Model) is null;

    /// <summary>The directory, failing clearly when the embedded model is not installed beside l2pd.</summary>
    public string CheckedDirectory(ParseResult parse)
    {
        string dir = Directory(parse);
        if (IsEmbedded(parse) && !System.IO.Directory.Exists(dir))
            throw new Learn2PdException($"the embedded model is missing from {dir}; pass --model DIR or rebuild l2pd");
        return dir;
    }

    /// <summary>Loads the model (and its tokenizer) onto the device and dtype.</summary>
    public PretrainedModel Load(ParseResult parse, Device device, ScalarType dtype, bool requireTokenizer = false) =>
        PretrainedModel.Load(CheckedDirectory(parse), dtype, device, requireTokenizer);
}
