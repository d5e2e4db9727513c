using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;

namespace Learn2PD.Eval;

/// <summary>AUP of one generation length, over the methods that ran there (the oracle left out: it reads the answers).</summary>
public sealed record AupResult(int GenLength, double Aup, IReadOnlyList<string> Methods)
{
    public static IReadOnlyList<AupResult> Compute(IReadOnlyList<MethodResult> results) =>
        results.GroupBy(r => r.GenLength).Select(g =>
        {
            var counted = g.Where(r => !DecodingMethods.Parse(r.Method).NeedsReference).ToArray();
            return new AupResult(g.Key, Eval.Aup.Compute(counted.Select(r => (r.Tpf, r.Accuracy)).ToArray()), counted.Select(r => r.Method).ToArray());
        }).Where(a => a.Methods.Count > 0).ToArray();
}

/// <summary>The benchmark's outputs: the markdown table and results.json.</summary>
public static class EvalReport
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";
    public const string ChartFile = "speedup.png";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One table over all lengths, then the AUP of each length.</summary>
    public static string Markdown(IReadOnlyList<MethodResult> results, IReadOnlyList<AupResult> aups, IReadOnlyList<FamilyFrontier> frontiers,
        IReadOnlyList<FilterComparison> comparisons, string metricName, string? caption = null)
    {
        var text = new StringBuilder();
        if (caption is not null) text.AppendLine(caption).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| gen | method | n | acc % ({metricName}) | NFE | latency ms | tok/s | TPF | speed-up NFE | speed-up time | agree % |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(Invariant,
                $"| {r.GenLength} | {r.Method} | {r.N} | {r.Accuracy:F1} | {r.MeanNfe:F1} | {r.MeanLatencyMs:F0} | {r.TokensPerSecond:F1} | {r.Tpf:F2} | {Times(r.SpeedupNfe)} | {Times(r.SpeedupTime)} | {Number(r.Agreement)} |"));
        }
        text.AppendLine();
        foreach (var a in aups)
            text.AppendLine(string.Create(Invariant, $"AUP at gen {a.GenLength}: {a.Aup:F1} (over {string.Join(", ", a.Methods)})"));
        if (frontiers.Count > 0) AppendFrontiers(text, frontiers, comparisons);
        return text.ToString();
    }

    /// <summary>Per length and family: the fastest point within 1 and 2 points of the baseline, AUP, and the Pareto frontier.</summary>
    private static void AppendFrontiers(StringBuilder text, IReadOnlyList<FamilyFrontier> frontiers, IReadOnlyList<FilterComparison> comparisons)
    {
        text.AppendLine().AppendLine("Accuracy–speed frontiers (param = τ for threshold families, τ_f for l2p; speed-up by NFE over the baseline):").AppendLine();
        text.AppendLine("| gen | family | n | best within 1 pt | best within 2 pt | AUP | ceiling | Pareto frontier (param: acc %, speed-up) |");
        text.AppendLine("|---:|---|---:|---|---|---:|---:|---|");
        foreach (var f in frontiers)
        {
            string pareto = string.Join("; ", f.Pareto.Select(p => string.Create(Invariant, $"{p.Param}: {p.Accuracy:F1}, {p.SpeedupNfe:F2}×")));
            text.AppendLine(string.Create(Invariant,
                $"| {f.GenLength} | {f.Family} | {f.N} | {Point(f.BestWithin1Pt)} | {Point(f.BestWithin2Pt)} | {f.Aup:F1} | {f.SpeedupCeiling:F2}× | {pareto} |"));
        }
        text.AppendLine().AppendLine("Ceiling: the largest NFE speed-up any policy of the family could reach (one forward per block without " +
            "end-of-text prediction, one in all with it).");
        if (comparisons.Count == 0) return;
        text.AppendLine().AppendLine("Filter against threshold, like for like (each family's fastest point within the margin of the baseline; " +
            "largest possible: the ceiling's speed-up over the threshold's, the most any policy could gain on it):").AppendLine();
        text.AppendLine("| gen | filter | threshold | margin | filter best | threshold best | filter ÷ threshold | largest possible | AUP filter / threshold |");
        text.AppendLine("|---:|---|---|---:|---|---|---:|---:|---|");
        foreach (var c in comparisons)
        {
            text.AppendLine(string.Create(Invariant,
                $"| {c.GenLength} | {c.FilterFamily} | {c.ThresholdFamily} | {c.Margin:F0} pt | {Point(c.FilterBest)} | {Point(c.ThresholdBest)} | {Times(c.Ratio)} | {Times(c.RatioCeiling)} | {c.AupFilter:F1} / {c.AupThreshold:F1} |"));
        }
    }

    private static string Point(FrontierPoint? p) =>
        p is null ? "none" : string.Create(Invariant, $"{p.Param} ({p.Accuracy:F1} %, {p.SpeedupNfe:F2}×)");

    private static string Times(double? x) => x is { } v ? string.Create(Invariant, $"{v:F2}×") : "–";

    private static string Number(double? x) => x is { } v ? v.ToString("F1", Invariant) : "–";

    /// <summary>results.json: settings, machine, versions, the results list, AUP and every sample (answer ids left out).</summary>
    public static JsonObject Json(EvalSettings settings, EvalRunSettings run, IReadOnlyList<MethodResult> results,
        IReadOnlyList<AupResult> aups, IReadOnlyList<FamilyFrontier> frontiers, IReadOnlyList<FilterComparison> comparisons,
        IEnumerable<SampleRecord> samples, string commandLine)
    {
        var settingsNode = settings.ToJson();
        settingsNode["methods"] = new JsonArray(run.Methods.Select(m => (JsonNode)m).ToArray());
        settingsNode["gen_lengths"] = new JsonArray(run.GenLengths.Select(g => (JsonNode)g).ToArray());
        settingsNode["limits"] = new JsonArray(run.Limits.Select(l => (JsonNode)l).ToArray());
        settingsNode["metric"] = run.Metric == EvalMetric.Strict ? "strict-match" : "flexible-extract";
        return new JsonObject
        {
            ["command"] = commandLine,
            ["created_utc"] = DateTime.UtcNow.ToString("o", Invariant),
            ["settings"] = settingsNode,
            ["machine"] = Machine(),
            ["versions"] = Versions(),
            ["units"] = new JsonObject
            {
                ["accuracy"] = "percent of samples correct (accuracy uses settings.metric)",
                ["agreement"] = "percent of samples whose extracted answer equals the baseline's",
                ["tokens_per_second"] = "non-end-of-text answer tokens / decode wall time (batch 1)",
                ["tpf"] = "answer tokens committed (end-of-text included, the tail cut by end-of-text prediction excluded) / NFE",
                ["speedup_nfe"] = "baseline NFE / method NFE on the same samples",
                ["speedup_time"] = "baseline wall time / method wall time on the same samples",
            },
            ["results"] = JsonSerializer.SerializeToNode(results, SampleRecord.Json),
            ["aup"] = JsonSerializer.SerializeToNode(aups, SampleRecord.Json),
            ["frontier"] = new JsonArray(frontiers.Select(FrontierJson).ToArray()),
            ["comparisons"] = new JsonArray(comparisons.Select(ComparisonJson).ToArray()),
            ["samples"] = JsonSerializer.SerializeToNode(
                samples.OrderBy(s => s.GenLength).ThenBy(s => s.Method, StringComparer.Ordinal).ThenBy(s => s.Index)
                    .Select(s => s with { AnswerIds = null }).ToArray(), SampleRecord.Json),
        };
    }

    /// <summary>{gen_length, family, n, points: [{param, accuracy, speedup_nfe, speedup_time, tpf}], pareto, best_within_1pt, best_within_2pt, aup, speedup_ceiling}.</summary>
    private static JsonNode FrontierJson(FamilyFrontier f)
    {
        static JsonObject Full(FrontierPoint p) => new()
        {
            ["param"] = p.Param, ["accuracy"] = p.Accuracy, ["speedup_nfe"] = p.SpeedupNfe, ["speedup_time"] = p.SpeedupTime, ["tpf"] = p.Tpf,
        };
        return new JsonObject
        {
            ["gen_length"] = f.GenLength,
            ["family"] = f.Family,
            ["n"] = f.N,
            ["baseline_accuracy"] = f.BaselineAccuracy,
            ["points"] = new JsonArray(f.Points.Select(p => (JsonNode)Full(p)).ToArray()),
            ["pareto"] = new JsonArray(f.Pareto.Select(p => (JsonNode)p.Param).ToArray()),
            ["best_within_1pt"] = Best(f.BestWithin1Pt),
            ["best_within_2pt"] = Best(f.BestWithin2Pt),
            ["aup"] = f.Aup,
            ["speedup_ceiling"] = f.SpeedupCeiling,
        };
    }

    private static JsonObject? Best(FrontierPoint? p) => p is null ? null : new() { ["param"] = p.Param, ["accuracy"] = p.Accuracy, ["speedup_nfe"] = p.SpeedupNfe };

    /// <summary>{gen_length, filter_family, threshold_family, margin, filter_best, threshold_best, ratio, ratio_ceiling, aup_filter, aup_threshold}.</summary>
    private static JsonNode ComparisonJson(FilterComparison c) => new JsonObject
    {
        ["gen_length"] = c.GenLength,
        ["filter_family"] = c.FilterFamily,
        ["threshold_family"] = c.ThresholdFamily,
        ["margin"] = c.Margin,
        ["filter_best"] = Best(c.FilterBest),
        ["threshold_best"] = Best(c.ThresholdBest),
        ["ratio"] = c.Ratio,
        ["ratio_ceiling"] = c.RatioCeiling,
        ["aup_filter"] = c.AupFilter,
        ["aup_threshold"] = c.AupThreshold,
    };

    /// <summary>The methods, lengths, limits, metric and thread count a finished run's results.json records (what eval merge needs).</summary>
    public static EvalRunSettings ReadRunSettings(string resultsJson)
    {
        if (!File.Exists(resultsJson)) throw new Learn2PdException($"{resultsJson}: not found; the shard has not finished (rerun its command to complete it)");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(resultsJson)) ?? throw new FormatException("empty file");
            var settings = Required(root, "settings");
            return new EvalRunSettings(
                Required(settings, "methods").AsArray().Select(m => m!.GetValue<string>()).ToArray(),
                Required(settings, "gen_lengths").AsArray().Select(g => g!.GetValue<int>()).ToArray(),
                Required(settings, "limits").AsArray().Select(l => l!.GetValue<int>()).ToArray(),
                Required(settings, "metric").GetValue<string>() == "flexible-extract" ? EvalMetric.Flexible : EvalMetric.Strict,
                root["machine"]?["torch_threads"]?.GetValue<int>() ?? 1);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new Learn2PdException($"{resultsJson}: not an l2pd eval results.json ({e.Message})", e);
        }
    }

    private static JsonNode Required(JsonNode node, string name) => node[name] ?? throw new FormatException($"no \"{name}\"");

    public static void Write(string directory, string markdown, JsonObject json)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFile), markdown);
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFile), json.ToJsonString(new JsonSerializerOptions(SampleRecord.Json) { WriteIndented = true }));
    }

    private static JsonObject Machine() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["cpu"] = CpuModel(),
        ["logical_cores"] = Environment.ProcessorCount,
        ["torch_threads"] = TorchSharp.torch.get_num_threads(),
        ["cuda_available"] = TorchSharp.torch.cuda.is_available(),
    };

    private static JsonObject Versions() => new()
    {
        ["l2pd"] = typeof(EvalReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
    };

    private static string? CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return null;
        try
        {
            return File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>What a run covered besides its settings: the methods, lengths and their sample limits, the metric, libtorch's threads.</summary>
public sealed record EvalRunSettings(IReadOnlyList<string> Methods, IReadOnlyList<int> GenLengths, IReadOnlyList<int> Limits, EvalMetric Metric, int Threads)
{
    public bool Equals(EvalRunSettings? other) => other is not null && Methods.SequenceEqual(other.Methods) && GenLengths.SequenceEqual(other.GenLengths)
        && Limits.SequenceEqual(other.Limits) && Metric == other.Metric;

    public override int GetHashCode() => HashCode.Combine(Methods.Count, GenLengths.Count, Metric);
}
