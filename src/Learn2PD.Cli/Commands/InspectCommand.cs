using System.CommandLine;
using System.Diagnostics;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd inspect [--model DIR]</c>: a model directory's config, the parameter count the config
/// implies (built on the meta device: no memory), its shards (present or missing: it works on a
/// directory holding only config.json and the index), dtypes, tokenizer, and the time to load.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var noLoad = new Option<bool>("--no-load") { Description = "Do not load the weights (skip the load-time measurement)" };
        var command = new Command("inspect", "Describe a model directory: config, parameter count, shards, dtypes, tokenizer, load time");
        model.AddTo(command);
        runtime.AddTo(command);
        command.Options.Add(noLoad);
        CommandAction.Set(command, (parse, io) =>
        {
            var (device, dtype) = runtime.Apply(parse);
            return Run(model.CheckedDirectory(parse), io.Out, load: !parse.GetValue(noLoad), device, dtype);
        });
        return command;
    }

    internal static int Run(string directory, TextWriter output, bool load = false, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = ModelConfigJson.Load(directory);
        var skeleton = PretrainedModel.Skeleton(config, Path.Combine(directory, "config.json"), dtype);
        long implied = skeleton.ParameterCount();
        int impliedTensors = skeleton.named_parameters().Count();

        Line(output, $"model directory   {Path.GetFullPath(directory)}");
        Line(output, $"architecture      {config.Family}: d_model {config.DModel}, {config.NLayers} layers, {config.NHeads} heads ({config.NKvHeads} kv, head size {config.HeadDim}{(config.QkvBias ? ", q/k/v bias" : "")}), mlp {config.MlpHiddenSize}");
        Line(output, $"vocabulary        {config.VocabSize} tokens, {config.EmbeddingSize} logits, mask {config.MaskTokenId}, end-of-text {config.EosTokenId}, weight tying {(config.WeightTying ? "on" : "off")}");
        Line(output, $"positions         up to {config.MaxSequenceLength}, RoPE θ {config.RopeTheta}, RMSNorm ε {config.RmsNormEps}");
        Line(output, $"parameters        {implied:N0} in {impliedTensors} tensors (from config.json)");

        var checkpoint = CheckpointDirectory.Open(directory);
        Line(output, $"weights           {Path.GetFileName(checkpoint.SourcePath)} ({checkpoint.Shards.Count} shard(s), {checkpoint.TensorNames.Count} tensors)");
        if (checkpoint.IndexTotalSize is { } total)
            Line(output, $"index total_size  {total:N0} bytes ({total / 1e9:F2} GB)");
        foreach (ShardInfo shard in checkpoint.Shards)
        {
            string state = shard.Exists ? $"present  {shard.FileSize,16:N0} bytes" : "MISSING";
            Line(output, $"  {shard.FileName,-40} {state,-32} {shard.TensorCount,5} tensors");
        }
        string tokenizerPath = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerPath))
        {
            var tokenizer = LLaDATokenizer.Load(directory);
            Line(output, $"tokenizer         {tokenizer.VocabularySize} tokens, chat template {(tokenizer.HasChatTemplate ? "yes" : "no")}");
        }
        else
        {
            Line(output, $"tokenizer         none (decode with --prompt-ids)");
        }

        if (!checkpoint.IsComplete)
        {
            Line(output, $"{checkpoint.MissingShards.Count} of {checkpoint.Shards.Count} shards missing: tensor headers not read, nothing loaded");
            return 0;
        }
        var tensors = checkpoint.Tensors.Values;
        long stored = tensors.Sum(t => t.ElementCount);
        string dtypes = string.Join(", ", tensors.GroupBy(t => t.Dtype).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} × {g.Count()}"));
        Line(output, $"tensors           {checkpoint.Tensors.Count}, {stored:N0} parameters, {tensors.Sum(t => t.ByteLength):N0} bytes ({dtypes})");
        if (load)
        {
            var clock = Stopwatch.StartNew();
            var loaded = PretrainedModel.Load(directory, dtype, device ?? CPU);
            Line(output, $"load              {clock.Elapsed.TotalSeconds:F2} s to {loaded.Model.Device} as {dtype} ({loaded.Stats})");
            loaded.Model.Dispose();
        }
        return 0;
    }

    // Invariant digits and separators, so output reads the same in logs from any machine.
    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(FormattableString.Invariant(text));
}
