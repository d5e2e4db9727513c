using System.Text.Json;
using System.Text.Json.Nodes;

namespace Learn2PD.Core.Model;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> into a <see cref="ModelConfig"/>, dispatching on
/// <c>model_type</c> (or, without one, <c>architectures</c>) to the family's reader:
/// <see cref="LLaDAConfigJson"/> or <see cref="DreamConfigJson"/>.
/// </summary>
public static class ModelConfigJson
{
    /// <param name="path">config.json, or the model directory holding it.</param>
    public static ModelConfig Load(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, "config.json");
        if (!File.Exists(path)) throw new Learn2PdException($"{path}: model config not found");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new Learn2PdException($"{path}: config is not a JSON object");
            return FromJson(json, path);
        }
        catch (JsonException e)
        {
            throw new Learn2PdException($"{path}: config is not valid JSON ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // E.g. a key written twice, which JsonObject only notices when first read.
            throw DamagedFile.Error(path, "damaged config", e);
        }
    }

    public static ModelConfig FromJson(JsonObject json, string source) => FamilyOf(json, source) switch
    {
        ModelFamily.Dream => DreamConfigJson.FromJson(json, source),
        _ => LLaDAConfigJson.FromJson(json, source),
    };

    /// <summary>The config.json a config stands for, in its family's field set.</summary>
    public static JsonObject ToJson(ModelConfig config) => config.Family switch
    {
        ModelFamily.Dream => DreamConfigJson.ToJson(config),
        _ => LLaDAConfigJson.ToJson(config),
    };

    /// <summary>
    /// <c>model_type</c> "llada" or "Dream" (any case); a config without one is Dream when its
    /// <c>architectures</c> name DreamModel, else LLaDA (whose reader checks the rest).
    /// </summary>
    private static ModelFamily FamilyOf(JsonObject json, string source)
    {
        var f = new ConfigFields(json, source);
        return f.OptionalString("model_type")?.ToLowerInvariant() switch
        {
            "llada" => ModelFamily.LLaDA,
            "dream" => ModelFamily.Dream,
            null => f.Strings("architectures").Contains("DreamModel") ? ModelFamily.Dream : ModelFamily.LLaDA,
            var other => throw f.Unsupported("model_type", $"'{other}' (this implementation runs 'llada' and 'Dream' models)"),
        };
    }
}
