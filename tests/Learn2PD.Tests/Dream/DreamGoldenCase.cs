using System.Text.Json;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// One case of a Dream <c>decode_cases.json</c>, mapped onto the one decode loop: the reference sampler
/// becomes options (blocks, cache, confidence, schedule, the reference's quirks) and a policy.
/// See scripts/dream/README.md for what each sampler does.
/// </summary>
internal sealed record DreamGoldenCase(string Model, string Name, int[][] Prompts, long[][] ExpectedIds, int ExpectedNfe, JsonElement Json)
{
    public static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (var model in DreamGolden.Models)
            foreach (var c in Cases(model, file)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static JsonElement Find(string file, string name) =>
        DreamGolden.Models.SelectMany(m => Cases(m, file)).Single(c => c.GetProperty("name").GetString() == name);

    public static string ModelOf(string name) => name[..name.IndexOf('/')];

    private static IEnumerable<JsonElement> Cases(string model, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DreamGolden.Path(model, file)));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static DreamGoldenCase Load(string name)
    {
        var c = Find("decode_cases.json", name);
        bool batch = c.TryGetProperty("batch", out var b) && b.GetBoolean();
        var prompts = batch
            ? c.GetProperty("prompt_ids").EnumerateArray().Select(Ints).ToArray()
            : [Ints(c.GetProperty("prompt_ids"))];
        var expected = batch
            ? c.GetProperty("expected_ids").EnumerateArray().Select(Longs).ToArray()
            : [Longs(c.GetProperty("expected_ids"))];
        return new DreamGoldenCase(ModelOf(name), name, prompts, expected, c.GetProperty("expected_nfe").GetInt32(), c);
    }

    private string Sampler => Json.GetProperty("sampler").GetString()!;
    private string Alg => Json.GetProperty("alg").GetString()!;
    private string Policy => Json.GetProperty("policy").GetString()!;
    private double? Number(string field) =>
        Json.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public DecodeOptions Options()
    {
        int gen = Json.GetProperty("gen_length").GetInt32();
        var options = new DecodeOptions
        {
            GenLength = gen,
            // Dream's own sampler has no blocks: one block spanning the answer.
            BlockLength = Sampler == "dream" ? gen : Json.GetProperty("block_length").GetInt32(),
            Steps = Json.GetProperty("steps").GetInt32(),
            EndOfTextPrediction = Json.GetProperty("eotp").GetBoolean(),
            Cache = Json.GetProperty("cache").GetString() switch { "prefix" => CacheKind.Prefix, "dual" => CacheKind.Dual, _ => CacheKind.None },
            Temperature = Json.GetProperty("temperature").GetDouble(),
            TopP = Number("top_p"),
            TopK = Number("top_k") is double k ? (int)k : null,
        };
        return Sampler switch
        {
            "dream" => options with
            {
                Confidence = Alg switch { "topk_margin" => ConfidenceKind.Margin, "entropy" => ConfidenceKind.NegativeEntropy, _ => ConfidenceKind.Probability },
                // The threshold's budget is LLaDA's even split: gen_length / steps per step.
                Schedule = Policy == "threshold_budget" ? ScheduleKind.Linear : ScheduleKind.Timesteps,
                DreamQuirks = new DreamSamplerQuirks { EveryPlannedStep = true },
            },
            "fastdllm_block" => options with
            {
                // Its non-threshold path ranks by negative entropy whatever alg says.
                Confidence = Policy == "threshold" ? ConfidenceKind.Probability : ConfidenceKind.NegativeEntropy,
                Schedule = ScheduleKind.Timesteps,
                Refinement = RefinementLoop.DoWhile,
                DreamQuirks = new DreamSamplerQuirks { StopWhenScheduleSpent = Policy != "threshold" },
            },
            _ => options with
            {
                Confidence = ConfidenceKind.SigmoidNegativeEntropy,
                Schedule = ScheduleKind.Timesteps,
                TrimCacheAtCut = false,
                DreamQuirks = new DreamSamplerQuirks { ScheduleFromStepOne = true, StopWhenScheduleSpent = true, EarlierMasksStayCandidates = true },
            },
        };
    }

    public ICommitPolicy CreatePolicy() => Policy switch
    {
        "threshold" => new ThresholdPolicy(Number("threshold")!.Value),
        "threshold_budget" => new ThresholdBudgetPolicy(Number("threshold")!.Value),
        "filter" => new FilterPolicy(DreamGolden.Filter(), Number("accept_thres")!.Value, FilterCombination.AcceptedOnly),
        _ when Alg == "origin" => new OriginPolicy(new ReplayedUniform(
            Json.GetProperty("random_draws").EnumerateArray().SelectMany(step => step.EnumerateArray().Select(d => d.GetDouble())))),
        _ => new FixedSchedulePolicy(),
    };

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
