using System.Buffers.Binary;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Tests.Checkpoints;
using Learn2PD.Tests.Support;
using Learn2PD.Tests.Text;
using Learn2PD.Train.FilterTraining;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Learn2PD.Tests.DamagedFiles;

/// <summary>
/// A damaged checkpoint, tokenizer or filter file never crashes a loader: for each of a fixed set of seeded
/// mutations (<see cref="FileMutation"/>) loading either succeeds or throws one line of
/// <see cref="Learn2PdException"/> naming a file of the model; any other exception fails the test.
/// </summary>
public sealed class SeededMutationTests(ITestOutputHelper output)
{
    private const int MutationsPerFile = 60;

    [SkippableTheory]
    [InlineData("safetensors header")]
    [InlineData("sharded index")]
    [InlineData("config.json")]
    [InlineData("filter .pth")]
    [InlineData("filter .json sidecar")]
    [InlineData("word-level tokenizer.json")]
    [InlineData("byte-level BPE tokenizer.json")]
    [InlineData("tokenizer_config.json")]
    public void DamagedFile_LoadsOrFailsWithOneLineNamingIt(string subject)
    {
        using var temp = new TempDirectory();
        (string target, int regionEnd, Action load) = Setup(subject, temp.Path);
        byte[] original = File.ReadAllBytes(target);
        load(); // the undamaged file loads

        var failures = new List<string>();
        int loaded = 0, refused = 0;
        for (int seed = 0; seed < MutationsPerFile; seed++)
        {
            (byte[] bytes, string what) = FileMutation.Apply(original, seed, regionEnd);
            File.WriteAllBytes(target, bytes);
            try
            {
                load();
                loaded++;
            }
            catch (Learn2PdException e)
            {
                refused++;
                if (e.Message.Contains('\n') || !e.Message.Contains(temp.Path))
                    failures.Add($"seed {seed} ({what}): message is not one line naming the file: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed} ({what}): {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }
        }
        output.WriteLine($"{subject}: {loaded} loaded, {refused} refused cleanly, {failures.Count} crashed");
        Assert.True(failures.Count == 0,
            $"{subject}: {loaded} loaded, {refused} refused cleanly, {failures.Count} crashed:\n{string.Join("\n", failures)}");
    }

    [SkippableTheory]
    [InlineData("n_layers", 2_000_000, "n_layers': 2000000 is beyond any real model")]
    [InlineData("d_model", 2_000_000_000, "d_model': 2000000000 is beyond any real model")]
    public void DamagedConfig_WithAnAbsurdSize_FailsAtOnceNamingTheField(string field, int value, string message)
    {
        using var temp = new TempDirectory();
        string path = Copy(GoldenData.Path("llada-tiny", "model-bf16", "config.json"), temp.Path);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        json[field] = value; // building such a skeleton would take minutes, or overflow TorchSharp's sizes
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<Learn2PdException>(() => ModelConfigJson.Load(temp.Path));
        Assert.Contains(path, error.Message);
        Assert.Contains(message, error.Message);
    }

    private static (string Target, int RegionEnd, Action Load) Setup(string subject, string dir)
    {
        switch (subject)
        {
            case "safetensors header":
            {
                string target = Copy(GoldenData.Path("llada-tiny", "model-bf16", "model.safetensors"), dir);
                Copy(GoldenData.Path("llada-tiny", "model-bf16", "config.json"), dir);
                long header = BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(target).AsSpan(0, 8));
                return (target, (int)header + 8 + 64, () => LoadModel(dir));
            }
            case "sharded index":
            {
                foreach (string file in Directory.GetFiles(GoldenData.Path("llada-tiny", "model"))) Copy(file, dir);
                string target = Path.Combine(dir, CheckpointDirectory.IndexFileName);
                return (target, int.MaxValue, () => LoadModel(dir));
            }
            case "config.json":
            {
                string target = Copy(GoldenData.Path("llada-tiny", "model-bf16", "config.json"), dir);
                return (target, int.MaxValue, () => PretrainedModel.Skeleton(ModelConfigJson.Load(dir), target, ScalarType.Float32).Dispose());
            }
            case "filter .pth":
            {
                string target = Copy(GoldenData.Path("learn2pd-filter", "layer_2_flan.pth"), dir);
                return (target, int.MaxValue, () => FilterFile.Load(target).Dispose());
            }
            case "filter .json sidecar":
            {
                string filter = Copy(Path.Combine(GoldenData.RepoRoot, "models", "arith-llada", "filter.safetensors"), dir);
                string target = Copy(Path.Combine(GoldenData.RepoRoot, "models", "arith-llada", "filter.json"), dir);
                return (target, int.MaxValue, () =>
                {
                    FilterSidecar.SuggestedThresholdFor(filter);
                    FilterSidecar.Load(target);
                });
            }
            case "word-level tokenizer.json":
            {
                string target = Copy(Path.Combine(GoldenData.RepoRoot, "models", "arith-llada", "tokenizer.json"), dir);
                return (target, int.MaxValue, () => Tokenize(target));
            }
            case "byte-level BPE tokenizer.json":
            {
                string target = Path.Combine(dir, "tokenizer.json");
                File.WriteAllText(target, TokenizerFiles.ByteLevel().ToJsonString());
                return (target, int.MaxValue, () => Tokenize(target));
            }
            case "tokenizer_config.json":
            {
                File.WriteAllText(Path.Combine(dir, "tokenizer.json"), TokenizerFiles.ByteLevel().ToJsonString());
                string target = Copy(GoldenData.Path("llada-8b-instruct", "tokenizer_config.json"), dir);
                return (target, int.MaxValue, () => LLaDATokenizer.Load(dir).EncodeChat([new ChatMessage("user", "What is 2+2?")]));
            }
            default:
                throw new ArgumentException($"no subject '{subject}'", nameof(subject));
        }
    }

    private static string Copy(string file, string dir)
    {
        string target = Path.Combine(dir, Path.GetFileName(file));
        File.Copy(file, target);
        File.SetAttributes(target, FileAttributes.Normal); // the shared originals are read-only
        return target;
    }

    private static void LoadModel(string dir) => PretrainedModel.Load(dir, ScalarType.Float32, CPU).Model.Dispose();

    private static void Tokenize(string path)
    {
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(path);
        IReadOnlyList<int> ids = tokenizer.Encode("Question: Tom has 12 apples.<|mdm_mask|>\nAnswer: 7<|endoftext|>", addSpecialTokens: true);
        tokenizer.Decode(ids);
        tokenizer.Decode(ids, skipSpecialTokens: true);
    }
}
