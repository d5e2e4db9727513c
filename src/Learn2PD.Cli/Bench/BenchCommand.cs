using System.CommandLine;
using System.Globalization;
using Learn2PD.Cli.Commands;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Model;
using Learn2PD.Core.Runtime;
using Learn2PD.Eval.Bench;
using static TorchSharp.torch;

namespace Learn2PD.Cli.Bench;

/// <summary>
/// `l2pd bench`: forward passes per second against the FLOP floor set by the measured matmul rate,
/// and each decoding method's own cost per step next to a bare forward. Prints numbers; asserts nothing.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A model directory (trained weights)" };
        var preset = new Option<string?>("--preset") { Description = "Random weights of a preset shape: d256l6 (d_model 256, 6 layers) or llada-8b" };
        preset.AcceptOnlyFromAmong("d256l6", "llada-8b");
        var config = new Option<string?>("--config") { Description = "Random weights of the shape in this config.json" };
        var tokens = new Option<string>("--tokens") { Description = "Sequence lengths, comma-separated", DefaultValueFactory = _ => "320,1088" };
        var dtypes = new Option<string>("--dtypes") { Description = "fp32, bf16 or both", DefaultValueFactory = _ => "fp32,bf16" };
        var runtime = new RuntimeOptions(dtype: false);
        var iterations = new Option<int>("--iterations") { Description = "Timed forwards per measurement", DefaultValueFactory = _ => 20 };
        var policies = new Option<bool>("--policies") { Description = "Also measure each decoding method's overhead per step" };
        var loadMb = new Option<int?>("--load-mb") { Description = "Instead: checkpoint load throughput on a synthetic bf16 checkpoint of this many MB (needs ~3x in RAM and temp disk)" };
        var command = new Command("bench", "Measure forward speed against the FLOP floor and the decoder's own overhead per step")
        {
            model, preset, config, tokens, dtypes, iterations, policies, loadMb,
        };
        runtime.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            var (device, _) = runtime.Apply(parse);
            if (parse.GetValue(loadMb) is int megabytes)
            {
                if (megabytes <= 0) throw new Learn2PdException("--load-mb must be positive");
                LoadBenchmark.Run(megabytes, io.Out);
                return 0;
            }
            int n = parse.GetValue(iterations) > 0 ? parse.GetValue(iterations) : throw new Learn2PdException("--iterations must be positive");
            var lengths = parse.GetValue(tokens)!.Split(',').Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
                : throw new Learn2PdException($"--tokens: '{t}' is not a positive length")).ToArray();
            var types = parse.GetValue(dtypes)!.Split(',').Select(t => TorchRuntime.ParseDType(t, device)).ToArray();
            if (new[] { parse.GetValue(model), parse.GetValue(preset), parse.GetValue(config) }.Count(x => x != null) != 1)
                throw new Learn2PdException("give exactly one of --model DIR, --preset NAME or --config FILE");
            var rates = types.Distinct().ToDictionary(t => t, t => ForwardBenchmark.MatmulRate(t, device));
            foreach (var (t, rate) in rates) Line(io.Out, $"matmul {TorchRuntime.DTypeName(t),-5} {rate / 1e9,8:F1} GFLOP/s ({device})");
            foreach (var dtype in types)
            {
                using var m = Build(parse.GetValue(model), parse.GetValue(preset), parse.GetValue(config), dtype, device);
                Line(io.Out, $"model: {m.ParameterCount():N0} parameters, d_model {m.Config.DModel}, {m.Config.NLayers} layers, {TorchRuntime.DTypeName(dtype)}");
                foreach (int length in lengths)
                {
                    var f = ForwardBenchmark.TimeForward(m, length, n, rates[dtype]);
                    Line(io.Out, $"  forward {length,5} tokens: {f.Seconds * 1e3,9:F2} ms ({1 / f.Seconds,8:F1}/s), {f.Flops / 1e9,8:F2} GFLOP, {f.FlopsPerSecond / 1e9,7:F1} GFLOP/s, {f.TimesFloor,5:F2}x the floor ({f.FloorSeconds * 1e3:F2} ms)");
                    if (!parse.GetValue(policies)) continue;
                    foreach (var p in ForwardBenchmark.PolicyOverheads(m, length, f.Seconds))
                        Line(io.Out, $"    {p.Method,-12} {p.SecondsPerStep * 1e3,8:F2} ms/step, overhead {p.OverheadSeconds * 1e3,7:F3} ms ({100 * p.OverheadShare,5:F1}% of a forward), NFE {p.Nfe}");
                }
            }
            return 0;
        });
        return command;
    }

    private static DiffusionModel Build(string? dir, string? preset, string? configPath, ScalarType dtype, Device device)
    {
        if (dir != null) return PretrainedModel.Load(dir, dtype, device).Model;
        var config = configPath != null ? ModelConfigJson.Load(configPath) : ForwardBenchmark.Preset(preset!);
        // Random weights straight on the device: the shape is what costs time, not the values.
        var model = DiffusionModel.Create(config, device, dtype);
        model.eval();
        return model;
    }

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(FormattableString.Invariant(text));
}
