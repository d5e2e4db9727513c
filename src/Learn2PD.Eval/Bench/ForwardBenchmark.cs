using System.Diagnostics;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Eval.Bench;

/// <summary>A forward's measured time against the floor that the device's matmul rate sets for its FLOPs.</summary>
public sealed record ForwardTiming(int Tokens, double Seconds, double Flops, double FloorSeconds)
{
    public double FlopsPerSecond => Flops / Seconds;
    public double TimesFloor => Seconds / FloorSeconds;
}

/// <summary>One method's decoder time per step next to a bare forward of the same length.</summary>
public sealed record PolicyOverhead(string Method, double SecondsPerStep, double OverheadSeconds, double OverheadShare, int Nfe);

/// <summary>
/// <c>l2pd bench</c>'s measurements: the dense matmul rate (the FLOP floor), forward passes at given
/// lengths, and each decoding method's own cost per step. Measures and returns numbers; asserts nothing.
/// </summary>
public static class ForwardBenchmark
{
    /// <summary>Model shapes to benchmark without weights.</summary>
    public static ModelConfig Preset(string name) => name switch
    {
        "d256l6" => ModelConfig.Small(vocabSize: 128, maskTokenId: 126, eosTokenId: 127, dModel: 256, nHeads: 8, nLayers: 6, mlpHiddenSize: 768),
        "llada-8b" => new ModelConfig
        {
            DModel = 4096, NHeads = 32, NKvHeads = 32, NLayers = 32, MlpHiddenSize = 12288, VocabSize = 126464,
            EmbeddingSize = 126464, MaxSequenceLength = 4096, RopeTheta = 500000, RmsNormEps = 1e-5, WeightTying = false,
            MaskTokenId = 126336, EosTokenId = 126081, PadTokenId = 126081,
        },
        _ => throw new Learn2PdException($"--preset must be d256l6 or llada-8b (got '{name}')"),
    };

    /// <summary>FLOP/s of a square matmul on the device: the rate a forward's floor is computed with.</summary>
    public static double MatmulRate(ScalarType dtype, Device device)
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

    /// <summary>Mean time of a forward over <paramref name="length"/> random tokens, after three untimed ones.</summary>
    public static ForwardTiming TimeForward(DiffusionModel model, int length, int iterations, double matmulRate)
    {
        using var noGrad = no_grad();
        var ids = randint(0, model.Config.VocabSize - 2, [1, length], device: model.Device);
        for (int i = 0; i < 3; i++) using (NewDisposeScope()) model.Forward(ids);
        Synchronize(model.Device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) using (NewDisposeScope()) model.Forward(ids);
        Synchronize(model.Device);
        double seconds = clock.Elapsed.TotalSeconds / iterations;
        double flops = ForwardCost.Flops(model.Config, length);
        return new ForwardTiming(length, seconds, flops, flops / matmulRate);
    }

    /// <summary>Decoder time per step minus a bare forward of the same length, for each policy (gen 64, block 32).</summary>
    public static IReadOnlyList<PolicyOverhead> PolicyOverheads(DiffusionModel model, int length, double forwardSeconds)
    {
        const int gen = 64, block = 32;
        int promptLength = Math.Max(1, length - gen);
        var prompt = Enumerable.Range(0, promptLength).Select(i => i % (model.Config.VocabSize - 2)).ToArray();
        var inputs = new PolicyInputs(new LoadedFilter(new Learn2PdFilter(block), 0.9, "random"),
            [Enumerable.Repeat((long)model.Config.EosTokenId, gen).ToArray()], model.Config.EosTokenId);
        var decoder = new BlockDecoder(model);
        var results = new List<PolicyOverhead>();
        foreach (var name in new[] { "baseline", "eotp", "threshold", "l2p", "l2p+eotp", "oracle" })
        {
            var method = DecodingMethods.Parse(name);
            var options = method.Configure(DecodeOptions.Baseline(gen, block));
            decoder.Decode([prompt], options, method.CreatePolicy(inputs));
            var result = decoder.Decode([prompt], options, method.CreatePolicy(inputs));
            Synchronize(model.Device);
            double perStep = result.Elapsed.TotalSeconds / Math.Max(1, result.Forwards);
            double overhead = perStep - forwardSeconds;
            results.Add(new PolicyOverhead(name, perStep, overhead, overhead / forwardSeconds, result.Forwards));
        }
        return results;
    }

    private static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }
}
