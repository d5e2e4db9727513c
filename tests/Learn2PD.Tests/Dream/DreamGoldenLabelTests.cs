using System.Text.Json;
using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Support;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.Dream;

/// <summary>
/// Every case of tests/golden/dream/*/label_cases.json: the Learn2PD authors' Dream label recording
/// (<c>generate_training_data.py</c>) through <see cref="OracleLabels"/>: the reference answer (their
/// sampler's "original" method), the oracle run's answer and NFE, and every recorded step's filter
/// inputs (σ(negative entropy), 0 at committed positions) and labels.
/// </summary>
public sealed class DreamGoldenLabelTests
{
    public static TheoryData<string> CaseNames() => DreamGoldenCase.Names("label_cases.json");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RecordLabels_MatchesTheAuthorsDreamLabelScript_Golden(string name)
    {
        var c = DreamGoldenCase.Find("label_cases.json", name);
        var model = DreamGolden.Model(DreamGoldenCase.ModelOf(name));
        var decoder = new BlockDecoder(model);
        int[] prompt = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // Their sampler without a cache: schedule steps numbered from 1, and a block whose schedule is spent is left as it is.
        var options = new DecodeOptions
        {
            GenLength = c.GetProperty("gen_length").GetInt32(),
            BlockLength = c.GetProperty("block_length").GetInt32(),
            Steps = c.GetProperty("steps").GetInt32(),
            Confidence = ConfidenceKind.SigmoidNegativeEntropy,
            Schedule = ScheduleKind.Timesteps,
            DreamQuirks = new DreamSamplerQuirks { ScheduleFromStepOne = true, StopWhenScheduleSpent = true },
        }.Validate();

        var labels = new OracleLabels(decoder, options, OracleStallGuard.AllPredictMask).RecordBatch([prompt])[0];
        var oracle = decoder.Decode([prompt], options, new OraclePolicy([labels.Reference], model.Config.EosTokenId, OracleStallGuard.AllPredictMask));

        Assert.Equal(Longs(c.GetProperty("expected_reference_ids")), labels.Reference);
        Assert.Equal(c.GetProperty("expected_reference_nfe").GetInt32(), labels.BaselineNfe);
        Assert.Equal(Longs(c.GetProperty("expected_oracle_ids")), oracle.Rows[0].AnswerIds);
        Assert.Equal(c.GetProperty("expected_oracle_nfe").GetInt32(), oracle.Rows[0].Nfe);
        Assert.Equal(c.GetProperty("expected_oracle_nfe").GetInt32(), labels.OracleNfe);
        var history = c.GetProperty("expected_history").EnumerateArray().ToArray();
        Assert.Equal(history.Length, labels.Records.Count);
        for (int i = 0; i < history.Length; i++)
        {
            var (expected, record) = (history[i], labels.Records[i]);
            Assert.Equal(expected.GetProperty("step").GetInt32(), record.Step + 1); // they count a block's steps from 1
            Assert.Equal(expected.GetProperty("is_correct").EnumerateArray().Select(e => e.GetBoolean()), record.Correct);
            var confidences = expected.GetProperty("confidence").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(confidences.Length, record.Confidences.Length);
            for (int j = 0; j < confidences.Length; j++)
                Assert.True(Math.Abs(confidences[j] - record.Confidences[j]) <= 1e-5, $"record {i} position {j}: {record.Confidences[j]} vs {confidences[j]}");
        }
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
