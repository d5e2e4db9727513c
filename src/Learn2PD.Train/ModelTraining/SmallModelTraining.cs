using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;
using static TorchSharp.torch;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// Trains a small LLaDA or Dream (<see cref="SmallModelRecipe.Architecture"/>) on the arithmetic task from
/// scratch (or resumes one) into a Hugging Face
/// model directory: tokenizer.json, config.json and model.safetensors, plus training_state.json and
/// optimizer.bin for <c>--resume</c>. Checkpoints are written atomically, file by file.
/// </summary>
public sealed class SmallModelTraining
{
    public const string StateFile = "training_state.json";
    public const string OptimizerFile = "optimizer.bin";

    private readonly string outDir;
    private readonly SmallModelRecipe recipe;

    public SmallModelTraining(string outDir, SmallModelRecipe recipe)
    {
        this.outDir = outDir;
        this.recipe = recipe;
    }

    /// <summary>Validation exact-match after each evaluation: (step, accuracy).</summary>
    public List<(int Step, double Accuracy)> Validations { get; } = [];

    public void Run(bool resume, Action<TrainStepReport> onStep, Action<string> log, CancellationToken cancel)
    {
        Directory.CreateDirectory(outDir);
        var clock = Stopwatch.StartNew();
        var task = new ArithmeticTask(recipe.Task);
        int startStep = 0;
        double previousSeconds = 0;
        string statePath = Path.Combine(outDir, StateFile);
        bool resuming = resume && File.Exists(statePath);
        var problems = task.Train(recipe.TrainProblems, (ulong)recipe.Training.Seed);
        DiffusionModel model;
        if (resuming)
        {
            var state = JsonNode.Parse(File.ReadAllText(statePath))!;
            startStep = state["step"]!.GetValue<int>();
            previousSeconds = state["seconds"]?.GetValue<double>() ?? 0;
            model = PretrainedModel.Load(outDir, ScalarType.Float32, CPU).Model;
            log($"resuming at step {startStep} from {outDir}");
        }
        else
        {
            // The vocabulary holds every word and number of the training problems (see ArithmeticCorpus).
            var ids = ArithmeticCorpus.Vocabulary(problems).Write(Path.Combine(outDir, "tokenizer.json"));
            var vocabularySize = LLaDATokenizer.Load(outDir).VocabularySize;
            var config = ModelConfig.Small(vocabularySize, ids[SpecialToken.Mask], ids[SpecialToken.EndOfText],
                recipe.DModel, recipe.Heads, recipe.Layers, recipe.MlpHidden, recipe.MaxSequenceLength, recipe.Architecture);
            model = DiffusionModel.Create(config);
            ModelInit.Initialize(model, recipe.Training.Seed);
        }

        var tokenizer = LLaDATokenizer.Load(outDir);
        var examples = problems.Select(p => ArithmeticCorpus.Tokenize(tokenizer, p)).ToArray();
        var validation = task.Validation(recipe.ValidationProblems);
        log($"{examples.Length} training problems, {model.ParameterCount():N0} parameters, vocabulary {tokenizer.VocabularySize}");

        var sampler = new DiffusionBatchSampler(examples, model.Config.EosTokenId, recipe.Training.TokensPerBatch,
            recipe.Training.ShortSlack, recipe.Training.LongGenLength, recipe.Training.LongFraction, recipe.Training.Seed + startStep,
            recipe.Training.TightFraction, recipe.Training.TightSlack, recipe.Training.BlockwiseFraction, recipe.Training.BlockLength,
            recipe.Training.GroupByLength);
        using var trainer = new ModelTrainer(model, sampler, recipe.Training);
        string optimizerPath = Path.Combine(outDir, OptimizerFile);
        if (startStep > 0 && File.Exists(optimizerPath)) trainer.LoadState(optimizerPath);

        void Save(int step)
        {
            PretrainedModel.Save(model, outDir);
            trainer.SaveState(optimizerPath);
            var state = new JsonObject
            {
                ["step"] = step,
                ["seconds"] = previousSeconds + clock.Elapsed.TotalSeconds,
                ["validation"] = new JsonArray(Validations.Select(v => (JsonNode)new JsonObject { ["step"] = v.Step, ["exact_match"] = v.Accuracy }).ToArray()),
                ["recipe"] = JsonSerializer.SerializeToNode(recipe),
            };
            AtomicFile.WriteAllText(statePath, state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        trainer.Run(startStep, report =>
        {
            onStep(report);
            if (report.Step % recipe.EvalEvery == 0 || report.Step == recipe.Training.LastStep)
            {
                model.eval();
                double accuracy = ExactMatchProbe.Measure(new BlockDecoder(model), tokenizer, validation, recipe.ValidationGenLength);
                model.train();
                Validations.Add((report.Step, accuracy));
                log($"step {report.Step}: validation exact match {accuracy:P1} (gen {recipe.ValidationGenLength}, {validation.Count} problems)");
            }
            if (report.Step % recipe.CheckpointEvery == 0 || report.Step == recipe.Training.LastStep) Save(report.Step);
        }, cancel);
        model.eval();
    }
}
