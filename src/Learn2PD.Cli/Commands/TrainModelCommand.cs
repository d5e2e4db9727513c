using System.CommandLine;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core;
using Learn2PD.Core.Model;
using Learn2PD.Train.ModelTraining;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Cli.Commands;

/// <summary>`l2pd train-model`: trains a small arithmetic LLaDA (or Dream) from scratch into a model directory.</summary>
internal static class TrainModelCommand
{
    public static Command Create()
    {
        // Every default is the embedded model's recipe, so `train-model --out DIR` retrains it.
        var recipe0 = new SmallModelRecipe();
        var training0 = recipe0.Training;
        var output = new Option<string>("--out") { Description = "Model directory to write (HF layout: config.json, model.safetensors, tokenizer.json)", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => training0.Steps };
        var architecture = new Option<string>("--architecture") { Description = "llada (the embedded model's) or dream (Qwen2 blocks with q/k/v biases, each position predicted from its left neighbour)", DefaultValueFactory = _ => "llada" };
        architecture.AcceptOnlyFromAmong("llada", "dream");
        var dModel = new Option<int>("--d-model") { Description = "Hidden size", DefaultValueFactory = _ => recipe0.DModel };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks", DefaultValueFactory = _ => recipe0.Layers };
        var heads = new Option<int>("--heads") { Description = "Attention heads", DefaultValueFactory = _ => recipe0.Heads };
        var mlp = new Option<int>("--mlp-hidden") { Description = "Feed-forward hidden size", DefaultValueFactory = _ => recipe0.MlpHidden };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, warm-up then cosine decay)", DefaultValueFactory = _ => training0.LearningRate };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "Tokens per batch (rows = tokens / sequence length)", DefaultValueFactory = _ => training0.TokensPerBatch };
        var longFraction = new Option<double>("--long-fraction") { Description = "Share of batches padded to long generation lengths (up to --long-gen-length)", DefaultValueFactory = _ => training0.LongFraction };
        var tightFraction = new Option<double>("--tight-fraction") { Description = "Share of batches whose canvas ends 0-8 tokens after the answer, as after an end-of-text prediction cut (0 = none)", DefaultValueFactory = _ => training0.TightFraction };
        var blockwiseFraction = new Option<double>("--blockwise-fraction") { Description = "Share of rows laid out as block-by-block decoding sees them: earlier answer blocks clean, one block noised, later ones masked (0 = none)", DefaultValueFactory = _ => training0.BlockwiseFraction };
        var groupByLength = new Option<bool>("--group-by-length") { Description = "Short batches hold rows of neighbouring lengths, padded 0-32 end-of-text tokens past their own longest row instead of past the task's longest answer (~1.5x the answers per batch)" };
        var longGen = new Option<int>("--long-gen-length") { Description = "Longest generation length trained on", DefaultValueFactory = _ => training0.LongGenLength };
        var problems = new Option<int>("--train-problems") { Description = "Distinct training problems to draw", DefaultValueFactory = _ => recipe0.TrainProblems };
        var maxOperand = new Option<int>("--max-operand") { Description = "Task difficulty: largest operand", DefaultValueFactory = _ => new ArithmeticTaskOptions().MaxOperand };
        var task = new ArithmeticTaskOptions();
        var maxSteps = new Option<int>("--max-task-steps") { Description = "Task difficulty: most arithmetic steps per problem (1-3)", DefaultValueFactory = _ => task.MaxSteps };
        var minSteps = new Option<int>("--min-task-steps") { Description = "Task difficulty: fewest arithmetic steps per problem (1-3)", DefaultValueFactory = _ => task.MinSteps };
        var operations = new Option<string>("--operations") { Description = "Task difficulty: arithmetic in the problems, comma-separated from add, sub, mul", DefaultValueFactory = _ => ArithmeticTaskOptions.FormatOperations(task.Operations) };
        var maxFactor = new Option<int>("--max-factor") { Description = "Task difficulty: largest multiplier when mul is on", DefaultValueFactory = _ => task.MaxFactor };
        var runtime = new RuntimeOptions(dtype: false);
        var stopAt = new Option<int?>("--stop-at") { Description = "Stop (and save) after this step, keeping --steps' learning-rate schedule: one stage of a curriculum" };
        var evalEvery = new Option<int>("--eval-every") { Description = "Steps between validation exact-match measurements", DefaultValueFactory = _ => recipe0.EvalEvery };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => recipe0.CheckpointEvery };
        var seed = new Option<int>("--seed") { Description = "Random seed (data, initialisation, masks)", DefaultValueFactory = _ => 0 };
        var fp32 = new Option<bool>("--fp32") { Description = "Multiply in fp32 throughout (default: bf16 linear layers with fp32 weights, optimizer and loss; less CPU time)" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out" };

        var command = new Command("train-model", "Train a small LLaDA or Dream on GSM8K-style arithmetic with LLaDA's masked-diffusion objective (CPU).")
        {
            output, architecture, steps, dModel, layers, heads, mlp, lr, batchTokens, longFraction, tightFraction, blockwiseFraction, groupByLength, longGen, problems, maxOperand, maxSteps,
            minSteps, operations, maxFactor, evalEvery, checkpointEvery, seed, fp32, resume, stopAt,
        };
        runtime.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            var recipe = new SmallModelRecipe
            {
                Architecture = parse.GetValue(architecture) == "dream" ? ModelFamily.Dream : ModelFamily.LLaDA,
                DModel = Positive(parse.GetValue(dModel), "--d-model"),
                Layers = Positive(parse.GetValue(layers), "--layers"),
                Heads = Positive(parse.GetValue(heads), "--heads"),
                MlpHidden = Positive(parse.GetValue(mlp), "--mlp-hidden"),
                Task = new ArithmeticTaskOptions
                {
                    MaxOperand = parse.GetValue(maxOperand),
                    MinSteps = parse.GetValue(minSteps),
                    MaxSteps = parse.GetValue(maxSteps),
                    Operations = ArithmeticTaskOptions.ParseOperations(parse.GetValue(operations)!),
                    MaxFactor = parse.GetValue(maxFactor),
                }.Validate(),
                TrainProblems = Positive(parse.GetValue(problems), "--train-problems"),
                EvalEvery = Positive(parse.GetValue(evalEvery), "--eval-every"),
                CheckpointEvery = Positive(parse.GetValue(checkpointEvery), "--checkpoint-every"),
                Training = new TrainModelOptions
                {
                    Steps = Positive(parse.GetValue(steps), "--steps"),
                    LearningRate = PositiveDouble(parse.GetValue(lr), "--lr"),
                    TokensPerBatch = Positive(parse.GetValue(batchTokens), "--batch-tokens"),
                    LongFraction = Fraction(parse.GetValue(longFraction), "--long-fraction"),
                    LongGenLength = Positive(parse.GetValue(longGen), "--long-gen-length"),
                    TightFraction = Fraction(parse.GetValue(tightFraction), "--tight-fraction"),
                    BlockwiseFraction = Fraction(parse.GetValue(blockwiseFraction), "--blockwise-fraction"),
                    GroupByLength = parse.GetValue(groupByLength),
                    Seed = parse.GetValue(seed),
                    StopAt = parse.GetValue(stopAt),
                    MixedPrecision = !parse.GetValue(fp32),
                },
            };
            if (recipe.DModel % recipe.Heads != 0 || (recipe.DModel / recipe.Heads) % 2 != 0)
                throw new Learn2PdException($"--heads {recipe.Heads} must divide --d-model {recipe.DModel} into even head sizes");
            string outDir = parse.GetValue(output)!;
            bool resuming = parse.GetValue(resume);
            if (!resuming && File.Exists(Path.Combine(outDir, SmallModelTraining.StateFile)))
                throw new Learn2PdException($"{outDir} already holds a training run: pass --resume to continue it or choose another --out");

            var (device, _) = runtime.Apply(parse);
            if (device.type != TorchSharp.DeviceType.CPU) throw new Learn2PdException("train-model runs on the CPU only (--device cpu)");
            var training = new SmallModelTraining(outDir, recipe);
            using var cancel = ConsoleCancel.Create();
            new ProgressReporter(io.Error, TimeSpan.FromSeconds(30)).Run("training", recipe.Training.LastStep, bar =>
            {
                int last = -1;
                training.Run(resuming, report =>
                {
                    bar.Advance(last < 0 ? report.Step : report.Step - last,
                        $"loss {report.Loss:F3} lr {report.LearningRate:0.0e0} {report.TokensPerSecond:N0} tok/s");
                    last = report.Step;
                }, io.Error.WriteLine, cancel.Token);
            });
            var final = training.Validations.LastOrDefault();
            io.Out.WriteLine($"model written to {outDir}; last validation exact match {final.Accuracy:P1} at step {final.Step}");
            return 0;
        });
        return command;
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new Learn2PdException($"{name} must be positive (got {value})");

    private static double PositiveDouble(double value, string name) =>
        value > 0 ? value : throw new Learn2PdException($"{name} must be positive (got {value})");

    private static double Fraction(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new Learn2PdException($"{name} must be between 0 and 1 (got {value})");
}
