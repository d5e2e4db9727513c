using System.Text.Json;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Cli;

/// <summary>`l2pd decode` reproduces reference decodes and refuses bad settings with one actionable line.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DecodeCommandTests
{
    private static string[] CaseArgs(GoldenCase c)
    {
        var args = new List<string>
        {
            "decode", "--model", GoldenData.Path("llada-tiny", "model"), "--prompt-ids", string.Join(",", c.PromptIds),
            "--gen-length", $"{c.Options.GenLength}", "--block-length", $"{c.Options.BlockLength}", "--steps", $"{c.Options.Steps}",
            "--policy", c.Method.Policy.ToString().ToLowerInvariant(), "--cache", c.Options.Cache.ToString().ToLowerInvariant(), "--output", "json",
        };
        if (c.Options.EndOfTextPrediction) args.AddRange(["--eotp", "--eotp-rule", "paper"]);
        if (c.Method.Policy == PolicyKind.Threshold) args.AddRange(["--threshold", $"{c.Method.Parameter}"]);
        if (c.Method.Policy == PolicyKind.Filter) args.AddRange(["--filter", GoldenData.Path("llada-tiny", "filter.safetensors"), "--accept-threshold", $"{c.Method.Parameter}"]);
        if (c.Options.EndOfTextPrediction && c.Options.Cache == CacheKind.Dual) args.Add("--reference-cache");
        if (c.Options.CfgScale > 0) args.AddRange(["--cfg-scale", $"{c.Options.CfgScale}"]);
        if (c.Options.Refinement == RefinementLoop.DoWhile) args.AddRange(["--refinement", "do-while"]);
        return args.ToArray();
    }

    [SkippableTheory]
    [InlineData("fastdllm_thr90_prefix")]
    [InlineData("l2p_filter_eotp_dual_b")]
    [InlineData("llada_fixed_cfg")]
    public void DecodeJson_ReproducesReferenceIdsAndNfe(string name)
    {
        var golden = GoldenCases.Load().Single(c => c.Name == name);

        var (code, output, error) = CliRunner.Run(CaseArgs(golden));

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(golden.ExpectedIds, json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(golden.ExpectedNfe, json.RootElement.GetProperty("nfe").GetInt32());
        Assert.True(json.RootElement.GetProperty("seconds").GetDouble() >= 0);
    }

    [SkippableTheory]
    [InlineData("--gen-length 30 --block-length 8", "not a multiple of --block-length")]
    [InlineData("--gen-length 32 --block-length 8 --steps 6", "not a multiple of the block count")]
    [InlineData("--policy threshold --threshold 1.5", "--threshold must be in (0, 1]")]
    [InlineData("--gen-length 4096", "exceeds the model's maximum length")]
    [InlineData("--policy filter --filter FILTER --block-length 16 --gen-length 32", "reads blocks of 32 confidences but --block-length is 16")]
    [InlineData("--filter FILTER", "--filter is only used with --policy filter")]
    [InlineData("--accept-threshold 0.5", "--accept-threshold is only used with --policy filter")]
    [InlineData("--threshold 0.5", "--threshold is only used with --policy threshold")]
    [InlineData("--reference-ids 1,2", "--reference-ids is only used with --policy oracle")]
    [InlineData("--policy filter --filter missing.pth", "missing.pth: filter file not found")]
    [InlineData("--cfg-scale 1 --cache dual", "--cfg-scale needs --cache none")]
    public void Decode_BadSetting_FailsWithOneLineNamingIt(string settings, string message)
    {
        string filter = GoldenData.Path("llada-tiny", "filter.safetensors");
        var args = new List<string> { "decode", "--model", GoldenData.Path("llada-tiny", "model"), "--prompt-ids", "1,2,3" };
        args.AddRange(settings.Replace("FILTER", filter).Split(' '));

        var (code, output, error) = CliRunner.Run(args.ToArray());

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--policy greedy", "--policy: 'greedy' is not one of fixed, threshold, filter, oracle, maskgit_plus, topk_margin, entropy, origin")]
    [InlineData("--cache paged", "--cache: 'paged' is not one of none, prefix, dual")]
    [InlineData("--gen-length abc", "--gen-length: 'abc' is not a whole number")]
    [InlineData("--gen-lenght 64", "Unrecognized command or argument '--gen-lenght'. (did you mean --gen-length?)")]
    public void Decode_UnparsableCommandLine_IsTwoLines_WithAPointerToHelp(string settings, string message)
    {
        var (code, output, error) = CliRunner.Run(["decode", "--prompt-ids", "1,2,3", .. settings.Split(' ')]);

        Assert.Equal(1, code);
        var lines = error.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal($"error: {message}", lines[0]);
        Assert.Equal("see: l2pd decode --help", lines[1]);
        Assert.Equal("", output);
    }

    [SkippableTheory]
    [InlineData("--prompt-ids", "1,999", "token id 999 is outside the vocabulary")]
    [InlineData("--prompt-ids", "1,250", "is the mask token")]
    [InlineData("--prompt", "", "--prompt is empty")]
    [InlineData("--prompt-ids", "1,x", "'x' is not a token id")]
    [InlineData("--prompt", "hello", "has no tokenizer.json")]
    public void Decode_BadPrompt_FailsWithOneLine(string option, string value, string message)
    {
        var (code, _, error) = CliRunner.Run("decode", "--model", GoldenData.Path("llada-tiny", "model"), option, value, "--gen-length", "32");

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Decode_MissingModelDirectory_NamesIt()
    {
        var (code, _, error) = CliRunner.Run("decode", "--model", "/nonexistent/model", "--prompt-ids", "1");

        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/model", error);
    }

    [SkippableFact]
    public void Decode_CudaWithoutCuda_SaysSo()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "this machine has CUDA");
        var (code, _, error) = CliRunner.Run("decode", "--model", GoldenData.Path("llada-tiny", "model"), "--prompt-ids", "1", "--device", "cuda");

        Assert.Equal(1, code);
        Assert.Contains("CUDA is not available", error);
    }
}
