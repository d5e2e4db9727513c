using System.Security.Cryptography;
using System.Text;
using Learn2PD.Core;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Eval;

/// <summary>How a sample's generation is scored.</summary>
public enum Scoring
{
    /// <summary>lm-eval gsm8k: cut at its stop strings, strict-match and flexible-extract.</summary>
    Gsm,
    /// <summary>A <c>{"prompt", "answer"}</c> record: the generation, trimmed, must equal the answer, trimmed.</summary>
    ExactMatch,
}

/// <summary>One benchmark item: the prompt as the model sees it, its token ids and the reference answer.</summary>
public sealed record EvalSample(int Index, string Prompt, int[] PromptIds, string Reference, Scoring Scoring)
{
    /// <summary>Identifies the prompt ids, so a resumed run can tell that its data did not change.</summary>
    public string PromptHash => Hash(PromptIds);

    private static string Hash(int[] ids)
    {
        var bytes = new byte[ids.Length * sizeof(int)];
        Buffer.BlockCopy(ids, 0, bytes, 0, bytes.Length);
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }
}

/// <summary>A generation scored: the extracted answers and whether they are right.</summary>
/// <param name="Answer">strict-match (GSM) or the trimmed text (exact match); null when nothing was extracted.</param>
/// <param name="FlexibleAnswer">flexible-extract (GSM); the same as <paramref name="Answer"/> for exact match.</param>
public sealed record SampleScore(string? Answer, bool Correct, string? FlexibleAnswer, bool FlexibleCorrect)
{
    public static SampleScore Score(string generation, EvalSample sample)
    {
        if (sample.Scoring == Scoring.Gsm)
        {
            var s = GsmScorer.Score(generation, sample.Reference);
            return new SampleScore(s.Strict, s.StrictCorrect, s.Flexible, s.FlexibleCorrect);
        }
        string text = generation.Trim();
        bool correct = text == sample.Reference.Trim();
        return new SampleScore(text, correct, text, correct);
    }
}

/// <summary>Where the benchmark's items come from and how they are turned into prompts.</summary>
public sealed record EvalDataOptions
{
    /// <summary>A JSONL file (GSM8K <c>{"question", "answer"}</c> or <c>{"prompt", "answer"}</c>); null = the arithmetic task's test split.</summary>
    public string? DataPath { get; init; }
    /// <summary>k of k-shot (GSM8K questions only).</summary>
    public int Shots { get; init; }
    /// <summary>Solved examples for k-shot prompts; null = the arithmetic task's train split (only with the task).</summary>
    public string? FewShotPath { get; init; }
    /// <summary>Whether the prompt goes through the tokenizer's chat template (one user message).</summary>
    public ChatMode Chat { get; init; } = ChatMode.Auto;
    public ulong Seed { get; init; }

    public string Source => DataPath is null ? "task:arith/test" : Path.GetFullPath(DataPath);
}

/// <summary>Builds the benchmark's samples: lm-eval's gsm8k prompt format, k-shot prefixes, the chat template.</summary>
public static class EvalData
{
    /// <summary>The first <paramref name="count"/> items of the data set as samples.</summary>
    public static IReadOnlyList<EvalSample> Load(EvalDataOptions options, LLaDATokenizer tokenizer, int count)
    {
        IReadOnlyList<GsmRecord> records = options.DataPath is null
            ? ArithmeticTask.Default.Test(count).Select(GsmRecord.FromProblem).ToArray()
            : GsmJsonl.Read(options.DataPath).Take(count).ToArray();
        if (options.Shots < 0) throw new Learn2PdException($"--shots must be 0 or more (got {options.Shots})");
        IReadOnlyList<GsmProblem> examples = options.Shots == 0 ? [] : FewShotPool(options);
        if (options.Shots > examples.Count)
            throw new Learn2PdException($"--shots {options.Shots}: the few-shot data holds only {examples.Count} examples");
        var encoder = new PromptEncoder(tokenizer, options.Chat);

        var samples = new List<EvalSample>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            string where = options.DataPath is null ? $"test problem {i}" : $"{options.DataPath}: record {i + 1}";
            if (record.Answer is null) throw new Learn2PdException($"{where} has no \"answer\": the benchmark scores every item");
            string prefix = record.Kind == GsmRecordKind.Question ? GsmPrompt.FewShotPrefix(Draw(examples, options.Shots, options.Seed, i, record.Text)) : "";
            string prompt = record.ToPrompt(prefix);
            int[] ids = encoder.Encode(prompt, $"{where}: the prompt");
            var scoring = record.Kind == GsmRecordKind.Question ? Scoring.Gsm : Scoring.ExactMatch;
            samples.Add(new EvalSample(i, prompt, ids, record.Answer, scoring));
        }
        return samples;
    }

    private static IReadOnlyList<GsmProblem> FewShotPool(EvalDataOptions options)
    {
        if (options.FewShotPath is not null) return GsmJsonl.ReadProblems(options.FewShotPath);
        if (options.DataPath is not null)
            throw new Learn2PdException("--shots with --data needs --fewshot-data FILE (solved examples, e.g. GSM8K's train split)");
        return ArithmeticTask.Default.Train(Math.Max(64, 4 * options.Shots), seed: 0);
    }

    /// <summary>
    /// k examples drawn without replacement by a generator seeded from (seed, item), never the item's
    /// own question: lm-eval draws from the train split at random with a fixed seed; a fixed draw per
    /// item keeps runs repeatable and resumable.
    /// </summary>
    internal static IEnumerable<GsmProblem> Draw(IReadOnlyList<GsmProblem> pool, int k, ulong seed, int item, string question)
    {
        if (k == 0) return [];
        var candidates = pool.Where(p => p.Question != question).ToList();
        if (candidates.Count < k) throw new Learn2PdException($"--shots {k}: the few-shot data holds only {candidates.Count} other examples");
        var random = new Random(unchecked((int)(seed * 1_000_003UL) ^ (item * 7919)));
        for (int i = 0; i < k; i++)
        {
            int j = random.Next(i, candidates.Count);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
        return candidates.Take(k);
    }
}
