using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Learn2PD.Cli.Commands;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Bench;

/// <summary>
/// `l2pd bench`: forward passes per second against the FLOP floor set by the measured matmul rate,
/// and each commit policy's own cost per step next to a bare forward. Prints numbers; asserts nothing.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A model directory (trained weights)" };
        var preset = new Option<string?>("--preset") { Description = "Random weights of a preset shape: d256l6 (d_model 256, 6 layers) or llada-8b" };
        var config = new Option<string?>("--config") { Description = "Random weights of the shape in this config.json" };
        var tokens = new Option<string>("--tokens") { Description = "Sequence lengths, comma-separated", DefaultValueFactory = _ => "320,1088" };
        var dtypes = new Option<string>("--dtypes") { Description = "fp32, bf16 or both", DefaultValueFactory = _ => "fp32,bf16" };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var iterations = new Option<int>("--iterations") { Description = "Timed forwards per measurement", DefaultValueFactory = _ => 20 };
        var policies = new Option<bool>("--policies") { Description = "Also measure each policy's decoder overhead per step" };
        var loadMb = new Option<int?>("--load-mb") { Description = "Instead: checkpoint load throughput on a synthetic bf16 checkpoint of this many MB (needs ~3x in RAM and temp disk)" };
        var command = new Command("bench", "Measure forward speed against the FLOP floor and the decoder's own overhead per step")
        {
            model, preset, config, tokens, dtypes, device, iterations, policies, loadMb,
        };
        command.SetAction(parse => CommandAction.Run(() =>
        {
            if (parse.GetValue(loadMb) is int megabytes)
            {
                if (megabytes <= 0) throw new Learn2PdException("--load-mb must be positive");
                LoadBenchmark.Run(megabytes);
                return 0;
            }
            var dev = CommonOptions.ParseDevice(parse.GetValue(device)!);
            int n = parse.GetValue(iterations) > 0 ? parse.GetValue(iterations) : throw new Learn2PdException("--iterations must be positive");
            var lengths = parse.GetValue(tokens)!.Split(',').Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
                : throw new Learn2PdException($"--tokens: '{t}' is not a positive length")).ToArray();
            var types = parse.GetValue(dtypes)!.Split(',').Select(t => CommonOptions.ParseDType(t, dev)).ToArray();
            using var noGrad = no_grad();
            var rates = types.Distinct().ToDictionary(t => t, t => MatmulRate(t, dev));
            foreach (var (t, rate) in rates) Console.WriteLine(Invariant($"matmul {Name(t),-5} {rate / 1e9,8:F1} GFLOP/s ({dev})"));
            foreach (var dtype in types)
            {
                var m = Build(parse.GetValue(model), parse.GetValue(preset), parse.GetValue(config), dtype, dev);
                Console.WriteLine(Invariant($"model: {m.ParameterCount():N0} parameters, d_model {m.Config.DModel}, {m.Config.NLayers} layers, {Name(dtype)}"));
                foreach (int length in lengths)
                {
                    double seconds = TimeForward(m, length, n);
                    double flops = ForwardCost.Flops(m.Config, length);
                    double floor = flops / rates[dtype];
                    Console.WriteLine(Invariant($"  forward {length,5} tokens: {seconds * 1e3,9:F2} ms ({1 / seconds,8:F1}/s), {flops / 1e9,8:F2} GFLOP, {flops / seconds / 1e9,7:F1} GFLOP/s, {seconds / floor,5:F2}x the floor ({floor * 1e3:F2} ms)"));
                    if (parse.GetValue(policies)) PolicyOverheads(m, length, seconds);
                }
                m.Dispose();
            }
            return 0;
        }));
        return command;
    }

    private static LLaDAModelLM Build(string? dir, string? preset, string? configPath, ScalarType dtype, Device device)
    {
        if (new[] { dir, preset, configPath }.Count(x => x != null) != 1)
            throw new Learn2PdException("give exactly one of --model DIR, --preset NAME or --config FILE");
        if (dir != null) return PretrainedModel.Load(dir, dtype, device).Model;
        var config = configPath != null ? LLaDAConfig.Load(configPath) : preset switch
        {
            "d256l6" => LLaDAConfig.Small(vocabSize: 128, maskTokenId: 126, eosTokenId: 127, dModel: 256, nHeads: 8, nLayers: 6, mlpHiddenSize: 768),
            "llada-8b" => LLaDA8B(),
            _ => throw new Learn2PdException($"--preset must be d256l6 or llada-8b (got '{preset}')"),
        };
        // Random weights straight on the device: the shape is what costs time, not the values.
        var model = new LLaDAModelLM(config, device, dtype);
        model.eval();
        return model;
    }

    private static LLaDAConfig LLaDA8B() => new()
    {
        DModel = 4096, NHeads = 32, NKvHeads = 32, NLayers = 32, MlpHiddenSize = 12288, VocabSize = 126464,
        EmbeddingSize = 126464, MaxSequenceLength = 4096, RopeTheta = 500000, RmsNormEps = 1e-5, WeightTying = false,
        MaskTokenId = 126336, EosTokenId = 126081, PadTokenId = 126081,
    };

    private static double MatmulRate(ScalarType dtype, Device device)
    {
        int size = device.type == TorchSharp.DeviceType.CUDA ? 8192 : 1024;
        using var scope = NewDisposeScope();
        var a = randn([size, size], dtype: dtype, device: device);
        var b = randn([size, size], dtype: dtype, device: device);
        for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
        Synchronize(device);
        int reps = device.type == TorchSharp.DeviceType.CUDA ? 50 : 10;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) a.matmul(b).Dispose();
        Synchronize(device);
        return 2.0 * size * size * size * reps / clock.Elapsed.TotalSeconds;
    }

    private static double TimeForward(LLaDAModelLM model, int length, int iterations)
    {
        var ids = randint(0, model.Config.VocabSize - 2, [1, length], device: model.Device);
        for (int i = 0; i < 3; i++) using (NewDisposeScope()) model.Forward(ids);
        Synchronize(model.Device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) using (NewDisposeScope()) model.Forward(ids);
        Synchronize(model.Device);
        return clock.Elapsed.TotalSeconds / iterations;
    }

    /// <summary>Decoder time per step minus a bare forward of the same length, for each policy.</summary>
    private static void PolicyOverheads(LLaDAModelLM model, int length, double forwardSeconds)
    {
        const int gen = 64, block = 32;
        int promptLength = Math.Max(1, length - gen);
        var prompt = Enumerable.Range(0, promptLength).Select(i => i % (model.Config.VocabSize - 2)).ToArray();
        var filter = new Learn2PdFilter(block);
        var reference = Enumerable.Repeat((long)model.Config.EosTokenId, gen).ToArray();
        var policies = new (string Name, Func<ICommitPolicy> Make, bool Eotp)[]
        {
            ("fixed", () => new FixedSchedulePolicy(), false),
            ("fixed+eotp", () => new FixedSchedulePolicy(), true),
            ("threshold", () => new ThresholdPolicy(0.9), false),
            ("filter", () => new FilterPolicy(filter, 0.9), false),
            ("filter+eotp", () => new FilterPolicy(filter, 0.9), true),
            ("oracle", () => new OraclePolicy([reference], model.Config.EosTokenId), false),
        };
        var decoder = new BlockDecoder(model);
        foreach (var (name, make, eotp) in policies)
        {
            var options = new DecodeOptions { GenLength = gen, BlockLength = block, Steps = gen, EndOfTextPrediction = eotp };
            decoder.Decode([prompt], options, make());
            var result = decoder.Decode([prompt], options, make());
            Synchronize(model.Device);
            double perStep = result.Elapsed.TotalSeconds / Math.Max(1, result.Forwards);
            double overhead = perStep - forwardSeconds;
            Console.WriteLine(Invariant($"    {name,-12} {perStep * 1e3,8:F2} ms/step, overhead {overhead * 1e3,7:F3} ms ({100 * overhead / forwardSeconds,5:F1}% of a forward), NFE {result.Forwards}"));
        }
    }

    private static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }

    private static string Name(ScalarType t) => t switch { ScalarType.BFloat16 => "bf16", ScalarType.Float16 => "fp16", _ => "fp32" };

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);
}
