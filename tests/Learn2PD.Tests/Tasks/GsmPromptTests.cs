using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Tasks;

public sealed class GsmPromptTests
{
    private static readonly GsmProblem First = new("Mia has 4 pencils. She buys 3 more. How many pencils does Mia have now?",
        "Mia has 4 + 3 = 7 pencils.\n#### 7");
    private static readonly GsmProblem Second = new("Leo has 5 coins. He loses 2. How many coins does Leo have left?",
        "Leo has 5 - 2 = 3 coins.\n#### 3");

    [Fact]
    public void FormatQuery_IsLmEvalGsm8kDocToText() =>
        Assert.Equal("Question: How many?\nAnswer:", GsmPrompt.FormatQuery("How many?"));

    [Fact]
    public void FormatTarget_FollowsTheQueryAfterOneSpace() =>
        Assert.Equal(" Mia has 4 + 3 = 7 pencils.\n#### 7", GsmPrompt.FormatTarget(First.Answer));

    [Fact]
    public void FormatFewShot_PutsEachSolvedExampleAndABlankLineBeforeTheQuery()
    {
        string expected =
            "Question: Mia has 4 pencils. She buys 3 more. How many pencils does Mia have now?\n" +
            "Answer: Mia has 4 + 3 = 7 pencils.\n#### 7\n\n" +
            "Question: Leo has 5 coins. He loses 2. How many coins does Leo have left?\n" +
            "Answer: Leo has 5 - 2 = 3 coins.\n#### 3\n\n" +
            "Question: Ava has 2 eggs. How many?\nAnswer:";
        Assert.Equal(expected, GsmPrompt.FormatFewShot([First, Second], "Ava has 2 eggs. How many?"));
    }

    [Fact]
    public void FormatFewShot_WithNoExamples_IsTheQuery() =>
        Assert.Equal(GsmPrompt.FormatQuery("Q?"), GsmPrompt.FormatFewShot([], "Q?"));

    [Fact]
    public void QuestionRecord_IsWrappedAfterThePrefix_ButAPromptRecordIsSentAsIs()
    {
        string prefix = GsmPrompt.FewShotPrefix([First]);
        Assert.Equal(prefix + "Question: Q?\nAnswer:", new GsmRecord(GsmRecordKind.Question, "Q?", null).ToPrompt(prefix));
        Assert.Equal("raw text", new GsmRecord(GsmRecordKind.Prompt, "raw text", null).ToPrompt(prefix));
    }
}
