using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.ModelTraining;

namespace Learn2PD.Tests.Support;

/// <summary>
/// A randomly initialised char-level LLaDA (1 layer, d_model 32) whose tokenizer has the LLaDA-Instruct
/// chat template's special tokens and a tokenizer_config.json with a chat_template: an instruct model in
/// miniature, saved once per test run. Answers are noise; what the server feeds it is the point.
/// </summary>
internal static class ChatModelFixture
{
    private static readonly Lazy<string> Directory = new(Create);

    public static string ModelDirectory => Directory.Value;

    /// <summary>LLaDA-8B-Instruct's tokenizer_config.json, its chat template verbatim.</summary>
    private const string TokenizerConfig = """
        {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "chat_template": "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"}
        """;

    private static string Create()
    {
        string dir = Path.Combine(Path.GetTempPath(), "l2pd-chat-model-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var ids = CharVocabulary.FromText("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,?!+-*=#\n", ChatTemplate.RequiredTokens)
            .Write(Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), TokenizerConfig);
        var tokenizer = LLaDATokenizer.Load(dir);
        var config = ModelConfig.Small(tokenizer.VocabularySize, ids[SpecialToken.Mask], ids[SpecialToken.EndOfText],
            dModel: 32, nHeads: 2, nLayers: 1, mlpHiddenSize: 64, maxSequenceLength: 512);
        using var model = new LLaDAModelLM(config);
        ModelInit.Initialize(model, seed: 3);
        PretrainedModel.Save(model, dir);
        return dir;
    }
}
