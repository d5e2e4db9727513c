using System.Text;
using Microsoft.ML.Tokenizers;

namespace Learn2PD.Core.Text;

/// <summary>The BPE options of tokenizer.json's <c>model</c> (empty prefix and suffix read as none).</summary>
internal sealed record BpeSettings(
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<(string Left, string Right)> Merges,
    string? UnknownToken,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix,
    bool FuseUnknown,
    bool ByteFallback,
    bool IgnoreMerges);

/// <summary>
/// HF's BPE model (<c>models/bpe/model.rs</c>) with Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> doing the
/// merges. What that tokenizer does not model is done here, around it: <c>ignore_merges</c> (a piece that is itself a
/// vocabulary entry is that one token), and for character-level pieces the characters outside the vocabulary
/// (<c>byte_fallback</c> to &lt;0xXX&gt; tokens, else the unknown token, fused when <c>fuse_unk</c>, else dropped).
/// That split is exact because <see cref="Create"/> refuses merges that involve a byte or unknown token, so no merge
/// can cross such a character.
/// </summary>
internal sealed class BpeModel : ITokenModel
{
    private readonly BpeTokenizer _bpe;
    private readonly BpeSettings _settings;
    private readonly bool _byteLevel;
    private readonly int? _unknownId;
    private readonly int[]? _byteIds;
    private readonly Dictionary<int, string> _tokens;

    private BpeModel(BpeTokenizer bpe, BpeSettings settings, bool byteLevel, int? unknownId, int[]? byteIds)
    {
        _bpe = bpe;
        _settings = settings;
        _byteLevel = byteLevel;
        _unknownId = unknownId;
        _byteIds = byteIds;
        _tokens = ReverseVocabulary.Of(settings.Vocab);
    }

    public IReadOnlyDictionary<string, int> Vocab => _settings.Vocab;

    public string? IdToToken(int id) => _tokens.GetValueOrDefault(id);

    public static BpeModel Create(BpeSettings settings, bool byteLevel, JsonFieldReader json)
    {
        IReadOnlyDictionary<string, int> vocab = settings.Vocab;
        int? unknownId = settings.UnknownToken is { } unk && vocab.TryGetValue(unk, out int u) ? u : null;
        int[]? byteIds = null;
        if (byteLevel)
        {
            // Microsoft's byte-level BPE assumes every byte symbol exists; HF would drop a missing one.
            for (int b = 0; b < 256; b++)
            {
                if (!vocab.ContainsKey(ByteLevelAlphabet.Encode([(byte)b])))
                    throw json.Fail($"model.vocab: byte-level BPE without the symbol of byte 0x{b:X2} is not supported");
            }
            if (settings.ByteFallback) throw json.Fail("model.byte_fallback together with the ByteLevel pre-tokenizer is not supported");
        }
        else if (settings.UnknownToken is { } missing && unknownId is null)
        {
            throw json.Fail($"model.unk_token '{missing}' is not in model.vocab");
        }
        if (!byteLevel && (settings.ContinuingSubwordPrefix is not null || settings.EndOfWordSuffix is not null))
        {
            // The characters outside the vocabulary are handled around Microsoft's BPE, which would then see runs
            // starting or ending mid-word and put the prefix or suffix in the wrong place.
            throw json.Fail("model: continuing_subword_prefix or end_of_word_suffix on a BPE without the ByteLevel pre-tokenizer is not supported");
        }
        if (settings.ByteFallback)
        {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) byteIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        }

        var merges = new List<string>(settings.Merges.Count);
        for (int rank = 0; rank < settings.Merges.Count; rank++)
        {
            (string left, string right) = settings.Merges[rank];
            string where = $"model.merges[{rank}]";
            if (!vocab.ContainsKey(left)) throw json.Fail($"{where}: '{left}' is not in model.vocab");
            if (!vocab.ContainsKey(right)) throw json.Fail($"{where}: '{right}' is not in model.vocab");
            string merged = left + (settings.ContinuingSubwordPrefix is { } p && right.StartsWith(p, StringComparison.Ordinal) ? right[p.Length..] : right);
            if (!vocab.ContainsKey(merged)) throw json.Fail($"{where}: '{merged}' ({left} + {right}) is not in model.vocab");
            if (IsFallbackToken(left, settings) || IsFallbackToken(right, settings))
                throw json.Fail($"{where}: a merge of the unknown or a byte-fallback token is not supported");
            // Microsoft.ML.Tokenizers takes merges only as "a b" strings.
            if (left.Contains(' ') || right.Contains(' ')) throw json.Fail($"{where}: merge parts that contain a space are not supported");
            merges.Add($"{left} {right}");
        }

        try
        {
            var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = DropEarlierDuplicates(merges),
                ByteLevel = byteLevel,
            });
            return new BpeModel(bpe, settings, byteLevel, unknownId, byteIds);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw json.Fail($"model: {e.Message}");
        }
    }

    public void Tokenize(string piece, List<int> ids)
    {
        string stored = _byteLevel ? ByteLevelAlphabet.Encode(piece) : piece;
        if (_settings.IgnoreMerges && _settings.Vocab.TryGetValue(stored, out int whole)) { ids.Add(whole); return; }
        if (_byteLevel) { ids.AddRange(Merge(piece)); return; }

        // Character level: runs of known characters go through BPE; the others fall back to bytes or the unknown token.
        int runStart = 0;
        bool unknownPending = false;
        for (int i = 0; i < piece.Length;)
        {
            Rune c = Rune.GetRuneAt(piece, i);
            int next = i + c.Utf16SequenceLength;
            if (_settings.Vocab.ContainsKey(piece[i..next])) { i = next; continue; }

            if (i > runStart) { FlushUnknown(ref unknownPending, ids); ids.AddRange(Merge(piece[runStart..i])); }
            // As in HF, bytes do not flush a pending unknown token (one arises only where a byte token is missing).
            if (ByteFallback(c) is { } bytes) ids.AddRange(bytes);
            else if (_unknownId is not null)
            {
                if (!_settings.FuseUnknown) FlushUnknown(ref unknownPending, ids);
                unknownPending = true;
            }
            i = runStart = next;
        }
        if (runStart < piece.Length) { FlushUnknown(ref unknownPending, ids); ids.AddRange(Merge(piece[runStart..])); }
        FlushUnknown(ref unknownPending, ids);
    }

    private IReadOnlyList<int> Merge(string run) => _bpe.EncodeToIds(run, considerPreTokenization: false, considerNormalization: false);

    private void FlushUnknown(ref bool pending, List<int> ids)
    {
        if (pending) ids.Add(_unknownId!.Value);
        pending = false;
    }

    // HF: a character outside the vocabulary becomes its UTF-8 bytes' <0xXX> tokens, if every one of them exists.
    private int[]? ByteFallback(Rune c)
    {
        if (_byteIds is null) return null;
        Span<byte> utf8 = stackalloc byte[4];
        int[] ids = new int[c.EncodeToUtf8(utf8)];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = _byteIds[utf8[i]];
            if (ids[i] < 0) return null;
        }
        return ids;
    }

    private static bool IsFallbackToken(string token, BpeSettings settings) =>
        token == settings.UnknownToken
        || settings.ByteFallback && token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token.EndsWith('>');

    // HF keeps merges in a map, so a pair listed twice takes its last rank.
    private static List<string> DropEarlierDuplicates(List<string> merges)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < merges.Count; i++) last[merges[i]] = i;
        return last.Count == merges.Count ? merges : merges.Where((m, i) => last[m] == i).ToList();
    }
}
