using System.CommandLine;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;

namespace Learn2PD.Cli.Commands;

/// <summary>--eotp-rule and --eotp-confidence: how end-of-text prediction decides that an answer has ended (decode and eval).</summary>
internal sealed class EndOfTextOptions
{
    public Option<string> Rule { get; } = new("--eotp-rule")
    {
        Description = "End-of-text rule: confident (a masked position ends the answer only when it predicts end-of-text with confidence ≥ --eotp-confidence; lossless when the length is uncertain) or paper (the Learn2PD paper's: the most confident end-of-text prediction, however unsure)",
        DefaultValueFactory = _ => "confident",
    };

    public Option<double> Confidence { get; } = new("--eotp-confidence")
    {
        Description = "The confidence the confident rule needs",
        DefaultValueFactory = _ => DecodeOptions.DefaultEndOfTextConfidence,
    };

    public EndOfTextOptions() => Rule.AcceptOnlyFromAmong("confident", "paper");

    public void AddTo(Command command)
    {
        command.Options.Add(Rule);
        command.Options.Add(Confidence);
    }

    /// <summary>The rule and its confidence; both options are errors when nothing predicts end-of-text or the paper's rule ignores the confidence.</summary>
    public (EndOfTextRule Rule, double Confidence) Read(ParseResult parse, bool used, string needs)
    {
        CommandAction.RequireFor(parse, Rule, used, needs);
        var rule = parse.GetValue(Rule) == "paper" ? EndOfTextRule.Paper : EndOfTextRule.Confident;
        CommandAction.RequireFor(parse, Confidence, used && rule == EndOfTextRule.Confident, needs + " and --eotp-rule confident");
        double confidence = parse.GetValue(Confidence);
        if (!(confidence > 0 && confidence <= 1)) throw new Learn2PdException($"--eotp-confidence must be in (0, 1] (got {confidence})");
        return (rule, confidence);
    }
}
