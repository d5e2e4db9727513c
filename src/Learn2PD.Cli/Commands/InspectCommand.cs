using System.CommandLine;
using Learn2PD.Core.Checkpoints;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd inspect MODEL_DIR</c>: what a Hugging Face model directory holds (shards present or missing,
/// sizes, tensor count, dtypes) without loading any weights. Works while a download is incomplete,
/// even with only config.json and the index.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("model-dir") { Description = "A folder with model.safetensors or model.safetensors.index.json" };
        var command = new Command("inspect", "Describe a model directory's checkpoint without loading it") { directory };
        command.SetAction(parse => CommandAction.Run(() => Run(parse.GetValue(directory)!, Console.Out)));
        return command;
    }

    internal static int Run(string directory, TextWriter output)
    {
        var checkpoint = CheckpointDirectory.Open(directory);
        Line(output, $"model directory   {checkpoint.Root}");
        Line(output, $"config.json       {(File.Exists(Path.Combine(checkpoint.Root, "config.json")) ? "present" : "missing")}");
        Line(output, $"weights           {Path.GetFileName(checkpoint.SourcePath)} ({checkpoint.Shards.Count} shard(s), {checkpoint.TensorNames.Count} tensors)");
        if (checkpoint.IndexTotalSize is { } total)
            Line(output, $"index total_size  {total:N0} bytes ({total / 1e9:F2} GB)");
        foreach (ShardInfo shard in checkpoint.Shards)
        {
            string state = shard.Exists ? $"present  {shard.FileSize,16:N0} bytes" : "MISSING";
            Line(output, $"  {shard.FileName,-40} {state,-32} {shard.TensorCount,5} tensors");
        }

        if (!checkpoint.IsComplete)
        {
            Line(output, $"{checkpoint.MissingShards.Count} of {checkpoint.Shards.Count} shards missing: tensor headers not read");
            return 0;
        }
        var tensors = checkpoint.Tensors.Values;
        long parameters = tensors.Sum(t => t.ElementCount);
        string dtypes = string.Join(", ", tensors.GroupBy(t => t.Dtype).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} × {g.Count()}"));
        Line(output, $"tensors           {checkpoint.Tensors.Count}, {parameters:N0} parameters, {tensors.Sum(t => t.ByteLength):N0} bytes ({dtypes})");
        return 0;
    }

    // Invariant digits and separators, so output reads the same in logs from any machine.
    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(FormattableString.Invariant(text));
}
