using System.Text.Json;
using Learn2PD.Core.Model;
using Learn2PD.Core.Runtime;
using Learn2PD.Core.Text;
using static TorchSharp.torch;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// A model directory in Hugging Face layout: config.json, model.safetensors (or shards with
/// model.safetensors.index.json) and tokenizer.json. The config's <c>model_type</c> picks the family
/// (LLaDA or Dream). Loading builds the module on the meta device (no allocation, no random
/// initialisation) and reads every tensor straight into its final dtype and device, so an 8B model
/// never exists twice in memory.
/// </summary>
public sealed record PretrainedModel(DiffusionModel Model, LLaDATokenizer? Tokenizer, string Directory, LoadStats Stats)
{
    public static PretrainedModel Load(string directory, ScalarType dtype, Device device, bool requireTokenizer = false)
    {
        if (!System.IO.Directory.Exists(directory)) throw new Learn2PdException($"{directory}: model directory not found");
        var config = ModelConfigJson.Load(directory);
        NativeHeap.PrepareFor(config.EmbeddingSize);
        var checkpoint = CheckpointDirectory.Open(directory);
        var model = Skeleton(config, Path.Combine(directory, "config.json"), dtype);
        var stats = StateDictLoader.LoadInto(model, checkpoint, dtype, device);
        model.PlaceOn(device);
        model.eval();
        string tokenizerPath = Path.Combine(directory, "tokenizer.json");
        LLaDATokenizer? tokenizer = File.Exists(tokenizerPath) ? LLaDATokenizer.Load(directory) : null;
        if (tokenizer is null && requireTokenizer) throw new Learn2PdException($"{directory}: no tokenizer.json (pass token ids instead of text)");
        return new PretrainedModel(model, tokenizer, directory, stats);
    }

    /// <summary>
    /// The model <paramref name="config"/> describes, on the meta device (nothing allocated). A damaged config that
    /// still passed its checks (sizes TorchSharp cannot represent) fails as one line naming <paramref name="configPath"/>.
    /// </summary>
    public static DiffusionModel Skeleton(ModelConfig config, string configPath, ScalarType dtype)
    {
        try
        {
            return DiffusionModel.Create(config, META, dtype);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            throw DamagedFile.Error(configPath, "describes a model that cannot be built", e);
        }
    }

    /// <summary>Writes config.json and model.safetensors (fp32) into <paramref name="directory"/>, each atomically.</summary>
    public static void Save(DiffusionModel model, string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var tensors = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter.detach().to(ScalarType.Float32).cpu())).ToList();
        SafeTensorsWriter.Write(Path.Combine(directory, CheckpointDirectory.SingleFileName), tensors,
            new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (_, t) in tensors) t.Dispose();
        AtomicFile.WriteAllText(Path.Combine(directory, "config.json"),
            ModelConfigJson.ToJson(model.Config).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
