using System.Text.Json.Nodes;
using Learn2PD.Core.Text;
using Learn2PD.Tests.Support;
using Learn2PD.Train.ModelTraining;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Text;

/// <summary>
/// Our loader against Hugging Face's Rust <c>tokenizers</c> (<see cref="HuggingFaceOracle"/>) on the files l2pd writes
/// and on variants of the real files that exercise every supported component the four families do not: the same ids
/// (with the post-processor's) and the same skip-special decode of them.
/// </summary>
public sealed class TokenizerOracleTests : IDisposable
{
    private static readonly string[] ExtraTexts =
    [
        "  Leading and trailing  ", "Hello [MASK] world", "hello   [MASK]   there [SEP]", "İstanbul ΣΑΣ straße ǅ Ⅻ ½ ﬁ",
        "x\u000by\u000cz\u0085w\u2028v", "123abc４５６ 9,999.5 x²y₃ ⅫⅣ ৳ ⁂ ‿ नमस्ते ಕನ್ನಡ ⃝a", "a--b__c..d!?", "<|endoftext|><|endoftext|> <s></s>",
        "Hello World HELLO WORLD hello world", "tab\tseparated\tvalues\r\n", "▁already▁marked ▁", "\u0301accent first",
        // Beyond U+FFFF: letters next to letters and punctuation, CJK extension B, emoji between letters.
        "a𝔘b! 𝔘, 𝔘𝔫. 𠀀中文𠀁。 x🙂y 🙂! 12𝟙𝟚 ℌ𝔢𝔩𝔩𝔬 𐐀𐐨", "\U0001F600\U0001F600\U0001F600abc\U0001F4A9",
    ];

    private readonly TokenizerFiles _files = new();

    public void Dispose() => _files.Dispose();

    [SkippableFact]
    public void WordVocabularyFile_EncodesAndDecodesTaskTextsLikeHuggingFace()
    {
        string path = Path.Combine(_files.Dir, "tokenizer.json");
        ArithmeticCorpus.Vocabulary(ArithmeticTask.Default.Train(300, seed: 0)).Write(path);
        AssertAgreesWithHuggingFace(path, [.. TaskTexts(), "Zebras<|mdm_mask|> ate 12345 apples.<|endoftext|>", "", "  \n", "naïve 🙂"]);
    }

    [SkippableFact]
    public void CharVocabularyFile_EncodesAndDecodesTaskTextsLikeHuggingFace()
    {
        string path = Path.Combine(_files.Dir, "tokenizer.json");
        CharVocabulary.FromText(ArithmeticTask.Alphabet, "<|eot_id|>").Write(path);
        AssertAgreesWithHuggingFace(path, [.. TaskTexts(), "x<|mdm_mask|>y<|eot_id|>", "", "out of alphabet: é 🙂 \t"]);
    }

    public static TheoryData<string> Variants() => new(VariantsByName.Keys);

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void VariantOfARealFile_MatchesHuggingFace(string variant)
    {
        (string family, Action<JsonObject> change) = VariantsByName[variant];
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(SharedTokenizers.TokenizerPath(family)))!;
        change(json);
        string path = _files.Write(json);
        IEnumerable<string> caseTexts = SharedTokenizers.Families.SelectMany(f => SharedTokenizers.Cases(f)).Select(c => c.Text).Distinct();
        AssertAgreesWithHuggingFace(path, [.. caseTexts, .. ExtraTexts, .. RandomTexts(RandomTextCount, seed: 1)]);
    }

    private const int RandomTextCount = 150;

    // Seeded strings drawn from pools that stress each component: spaces of every kind, marks, CJK, supplementary
    // letters and emoji, digits, punctuation, special-token fragments.
    private static IEnumerable<string> RandomTexts(int count, int seed)
    {
        string[] pools =
        [
            "abcxyzABCXYZ", "  \t\n\r\u00a0\u2009\u3000\u000b\u0085", "0123456789٣४", ".,!?;:'\"()[]{}-_/\\@#$%^&*+=<>|~`",
            "éüñçÅØßİıſǅ", "\u0301\u0308\u0327\u200b\u200d\ufeff\u00ad", "中文字日本語カタカナひらがな한국어", "𝔘𝔫𝟙𠀀𐐀",
            "🙂👍🏽👨\u200d👩🍕", "<|endoftext|>[CLS][MASK]<s></s><unk>▁", "αβγДжшاللغةहिन्दी", "\u0000\u0007\u001f\u007f\ufffd",
        ];
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var text = new System.Text.StringBuilder();
            int length = rng.Next(1, 40);
            while (text.Length < length)
            {
                string pool = pools[rng.Next(pools.Length)];
                int at = rng.Next(pool.Length);
                if (char.IsLowSurrogate(pool[at])) at--;
                text.Append(pool, at, char.IsHighSurrogate(pool[at]) ? 2 : 1);
            }
            yield return text.ToString();
        }
    }

    public static TheoryData<string> Families() => new(SharedTokenizers.Families);

    [SkippableTheory]
    [MemberData(nameof(Families))]
    public void DecodeOfRandomIds_MatchesHuggingFace(string family)
    {
        // Ids no encode produces: split UTF-8 sequences, lone byte-fallback tokens, "##" pieces first, unknown ids.
        string path = SharedTokenizers.TokenizerPath(family);
        using var oracle = new HuggingFaceOracle(path);
        LLaDATokenizer ours = LLaDATokenizer.Load(path);
        var rng = new Random(7);
        var failures = new List<string>();
        for (int i = 0; i < 500; i++)
        {
            int[] ids = Enumerable.Range(0, rng.Next(1, 12)).Select(_ => rng.Next(2) == 0 ? rng.Next(400) : rng.Next(ours.VocabularySize + 5)).ToArray(); // low ids: bytes
            string expected = oracle.DecodeSkippingSpecialTokens(ids), actual = ours.Decode(ids, skipSpecialTokens: true);
            if (actual != expected) failures.Add($"[{string.Join(",", ids)}]: {Quote(actual)} expected {Quote(expected)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n{string.Join("\n", failures.Take(20))}");
    }

    private static IEnumerable<string> TaskTexts() =>
        ArithmeticTask.Default.Validation(40).SelectMany(p => new[] { GsmPrompt.FormatQuery(p.Question), GsmPrompt.FormatTarget(p.Answer) });

    private static void AssertAgreesWithHuggingFace(string path, IReadOnlyList<string> texts)
    {
        using var oracle = new HuggingFaceOracle(path);
        LLaDATokenizer ours = LLaDATokenizer.Load(path);
        var failures = new List<string>();
        foreach (string text in texts)
        {
            int[] expected = oracle.EncodeWithSpecialTokens(text);
            int[] actual = ours.Encode(text, addSpecialTokens: true).ToArray();
            if (!actual.SequenceEqual(expected))
                failures.Add($"{Quote(text)}: ids [{string.Join(",", actual.Take(30))}] expected [{string.Join(",", expected.Take(30))}]");
            string decoded = ours.Decode(expected, skipSpecialTokens: true), expectedText = oracle.DecodeSkippingSpecialTokens(expected);
            if (decoded != expectedText) failures.Add($"{Quote(text)}: decoded {Quote(decoded)} expected {Quote(expectedText)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches over {texts.Count} texts:\n{string.Join("\n", failures.Take(20))}");
    }

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s.Length > 80 ? s[..80] + "…" : s);

    private static JsonObject Type(string type, params (string Key, JsonNode? Value)[] fields)
    {
        var node = new JsonObject { ["type"] = type };
        foreach ((string key, JsonNode? value) in fields) node[key] = value;
        return node;
    }

    private static JsonArray Array(params JsonNode[] items) => new(items);

    private static JsonObject Pattern(string kind, string value) => new() { [kind] = value };

    // Each variant: the family whose file it starts from and what it changes.
    private static readonly Dictionary<string, (string Family, Action<JsonObject> Change)> VariantsByName = new()
    {
        // The four files as they are, on every family's texts and the extra ones.
        ["gpt2"] = ("gpt2", _ => { }),
        ["llama3"] = ("llama3", _ => { }),
        ["mistral-7b-v0.1"] = ("mistral-7b-v0.1", _ => { }),
        ["bert-base-uncased"] = ("bert-base-uncased", _ => { }),
        ["gpt2-add-prefix-space-and-template"] = ("gpt2", j =>
        {
            j["pre_tokenizer"] = Type("ByteLevel", ("add_prefix_space", true), ("trim_offsets", true), ("use_regex", true));
            j["post_processor"] = Type("TemplateProcessing",
                ("single", Array(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<|endoftext|>", ["type_id"] = 0 } },
                                 new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                                 new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<|endoftext|>", ["type_id"] = 0 } })),
                ("pair", Array()),
                ("special_tokens", new JsonObject { ["<|endoftext|>"] = new JsonObject { ["id"] = "<|endoftext|>", ["ids"] = Array(50256), ["tokens"] = Array("<|endoftext|>") } }));
        }),
        ["gpt2-normalizers"] = ("gpt2", j => j["normalizer"] = Type("Sequence", ("normalizers", Array(
            Type("NFKC"), Type("Lowercase"), Type("Strip", ("strip_left", true), ("strip_right", true)),
            Type("Replace", ("pattern", Pattern("Regex", @"\s+")), ("content", " ")), Type("NFD"), Type("StripAccents"), Type("NFC"))))),
        ["gpt2-split-behaviors"] = ("gpt2", j => j["pre_tokenizer"] = Type("Sequence", ("pretokenizers", Array(
            Type("Split", ("pattern", Pattern("String", " ")), ("behavior", "MergedWithNext"), ("invert", false)),
            Type("Split", ("pattern", Pattern("Regex", @"\p{P}+")), ("behavior", "MergedWithPrevious"), ("invert", false)),
            Type("Split", ("pattern", Pattern("Regex", @"\d")), ("behavior", "Contiguous"), ("invert", false)),
            Type("Split", ("pattern", Pattern("Regex", @"[aeiou]")), ("behavior", "Removed"), ("invert", true)),
            Type("ByteLevel", ("add_prefix_space", false), ("trim_offsets", true), ("use_regex", false)))))),
        ["gpt2-digits-punctuation-whitespace"] = ("gpt2", j =>
        {
            j["pre_tokenizer"] = Type("Sequence", ("pretokenizers", Array(
                Type("WhitespaceSplit"), Type("Digits", ("individual_digits", true)), Type("Punctuation", ("behavior", "Isolated")),
                Type("CharDelimiterSplit", ("delimiter", "e")), Type("ByteLevel", ("add_prefix_space", true), ("trim_offsets", true), ("use_regex", false)))));
            j["decoder"] = Type("ByteLevel", ("add_prefix_space", true), ("trim_offsets", true), ("use_regex", true));
        }),
        ["gpt2-word-split"] = ("gpt2", j => j["pre_tokenizer"] = Type("Sequence", ("pretokenizers", Array(
            Type("Split", ("pattern", Pattern("Regex", @"\w+|[^\w\s]+")), ("behavior", "Removed"), ("invert", true)),
            Type("Split", ("pattern", Pattern("Regex", @"\W")), ("behavior", "Isolated"), ("invert", false)),
            Type("ByteLevel", ("add_prefix_space", false), ("trim_offsets", true), ("use_regex", false)))))),
        ["gpt2-ignore-merges-and-nmt"] = ("gpt2", j =>
        {
            j["model"]!["ignore_merges"] = true;
            j["normalizer"] = Type("Nmt");
        }),
        ["llama3-digits-then-split"] = ("llama3", j =>
        {
            JsonArray steps = j["pre_tokenizer"]!["pretokenizers"]!.AsArray();
            steps.Insert(0, Type("Digits", ("individual_digits", false)));
            j["post_processor"] = Type("RobertaProcessing", ("sep", Array("<|end_of_text|>", 128001)), ("cls", Array("<|begin_of_text|>", 128000)),
                ("trim_offsets", true), ("add_prefix_space", false));
        }),
        ["mistral-llama2-normalizer"] = ("mistral-7b-v0.1", j =>
        {
            j["normalizer"] = Type("Sequence", ("normalizers", Array(Type("Prepend", ("prepend", "▁")), Type("Replace", ("pattern", Pattern("String", " ")), ("content", "▁")))));
            j["pre_tokenizer"] = null;
        }),
        ["mistral-metaspace-always-split"] = ("mistral-7b-v0.1", j =>
        {
            j["pre_tokenizer"] = Type("Metaspace", ("replacement", "▁"), ("prepend_scheme", "always"), ("split", true));
            j["decoder"] = Type("Metaspace", ("replacement", "▁"), ("prepend_scheme", "always"), ("split", true));
        }),
        ["mistral-unknown-fused"] = ("mistral-7b-v0.1", j =>
        {
            j["model"]!["byte_fallback"] = false;
            j["decoder"] = Type("Sequence", ("decoders", Array(Type("Replace", ("pattern", Pattern("String", "▁")), ("content", " ")), Type("Fuse"), Type("Strip", ("content", " "), ("start", 2), ("stop", 0)))));
        }),
        ["mistral-unknown-unfused-bpe-decoder"] = ("mistral-7b-v0.1", j =>
        {
            j["model"]!["byte_fallback"] = false;
            j["model"]!["fuse_unk"] = false;
            j["pre_tokenizer"] = Type("Metaspace", ("replacement", "▁"), ("prepend_scheme", "never"), ("split", true));
            j["decoder"] = Type("BPEDecoder", ("suffix", "▁"));
        }),
        ["bert-cased-no-clean-lstrip-mask"] = ("bert-base-uncased", j =>
        {
            j["normalizer"] = Type("BertNormalizer", ("clean_text", false), ("handle_chinese_chars", false), ("strip_accents", null), ("lowercase", false));
            JsonObject mask = j["added_tokens"]!.AsArray().Select(t => t!.AsObject()).Single(t => (string?)t["content"] == "[MASK]");
            mask["lstrip"] = true;
            mask["rstrip"] = true;
            j["post_processor"] = Type("BertProcessing", ("sep", Array("[SEP]", 102)), ("cls", Array("[CLS]", 101)));
        }),
        ["bert-normalized-added-token-strip-accents-only"] = ("bert-base-uncased", j =>
        {
            j["normalizer"] = Type("BertNormalizer", ("clean_text", true), ("handle_chinese_chars", true), ("strip_accents", true), ("lowercase", false));
            j["added_tokens"]!.AsArray().Add(new JsonObject
            {
                ["id"] = 30522, ["content"] = "Hello World", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = true, ["special"] = false,
            });
            j["decoder"] = Type("WordPiece", ("prefix", "##"), ("cleanup", false));
        }),
        ["bert-as-wordlevel-without-decoder"] = ("bert-base-uncased", j =>
        {
            j["model"] = new JsonObject { ["type"] = "WordLevel", ["vocab"] = j["model"]!["vocab"]!.DeepClone(), ["unk_token"] = "[UNK]" };
            j["pre_tokenizer"] = Type("WhitespaceSplit");
            j["decoder"] = null;
        }),
    };
}
