using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Text;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Text;

/// <summary>
/// <see cref="ChatTemplate"/> renders what LLaDA-8B-Instruct's own tokenizer_config.json template gives. The expected
/// strings are that Jinja template evaluated by hand: <c>bos_token</c> before the first message only, each message as
/// header + role + end header + "\n\n" + <c>content | trim</c> (the filter binds tighter than +) + &lt;|eot_id|&gt;,
/// then the assistant header, always (the template does not look at add_generation_prompt).
/// </summary>
public sealed class ChatTemplateTests : IDisposable
{
    private const string Bos = "<|startoftext|>", Header = "<|start_header_id|>", EndHeader = "<|end_header_id|>", Eot = "<|eot_id|>";
    private const string Generation = Header + "assistant" + EndHeader + "\n\n";

    private readonly TokenizerFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static TokenizerConfig LLaDAConfig() =>
        TokenizerConfig.Read(GoldenData.Path("llada-8b-instruct", "tokenizer_config.json"))!;

    [SkippableFact]
    public void LLaDAConfig_HoldsTheTemplateAndSpecialTokensWeRender()
    {
        TokenizerConfig config = LLaDAConfig();
        Assert.True(config.HasChatTemplate);
        Assert.True(ChatTemplate.IsLLaDAInstruct(config.ChatTemplate!));
        Assert.Equal(SpecialToken.StartOfText, config.BosToken);
        Assert.Equal(SpecialToken.EndOfText, config.EosToken);
        Assert.Equal(SpecialToken.EndOfText, config.PadToken);
    }

    public static TheoryData<ChatMessage[], string> Conversations() => new()
    {
        { [new("user", "What is 2+2?")], Bos + Header + "user" + EndHeader + "\n\nWhat is 2+2?" + Eot + Generation },
        {
            [new("system", "You are helpful."), new("user", "  Hi!\n\n")],
            Bos + Header + "system" + EndHeader + "\n\nYou are helpful." + Eot + Header + "user" + EndHeader + "\n\nHi!" + Eot + Generation
        },
        {
            [new("user", "1+1?"), new("assistant", " 2 "), new("user", "\tand 2+2?\u001f")],
            Bos + Header + "user" + EndHeader + "\n\n1+1?" + Eot + Header + "assistant" + EndHeader + "\n\n2" + Eot
                + Header + "user" + EndHeader + "\n\nand 2+2?" + Eot + Generation
        },
        { [new("user", " \n ")], Bos + Header + "user" + EndHeader + "\n\n" + Eot + Generation },
    };

    [SkippableTheory]
    [MemberData(nameof(Conversations))]
    public void Render_EqualsTheConfigTemplateEvaluated(ChatMessage[] messages, string expected)
    {
        TokenizerConfig config = LLaDAConfig();
        Assert.Equal(expected, ChatTemplate.Render(messages, config.BosToken!));
        Assert.Equal(expected, ChatTemplate.Render(messages));
    }

    [SkippableFact]
    public void EncodeChat_BesideLLaDAsConfig_UsesItsBosAndTemplate()
    {
        _files.Write(TokenizerFiles.ByteLevel());
        File.Copy(GoldenData.Path("llada-8b-instruct", "tokenizer_config.json"), Path.Combine(_files.Dir, "tokenizer_config.json"));
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(_files.Dir);

        Assert.True(tokenizer.HasChatTemplate);
        IReadOnlyList<int> ids = tokenizer.EncodeChat([new("user", "hi")]);
        Assert.Equal(tokenizer.Encode(Bos + Header + "user" + EndHeader + "\n\nhi" + Eot + Generation), ids);
        Assert.Equal(262, ids[0]);
    }

    [Fact]
    public void EncodeChat_ReadsBosTokenWrittenAsAnObject()
    {
        _files.Write(TokenizerFiles.ByteLevel());
        _files.Write(new JsonObject
        {
            ["chat_template"] = ChatTemplate.LLaDAInstructJinja,
            ["bos_token"] = new JsonObject { ["content"] = "<|endoftext|>", ["lstrip"] = false },
        }, "tokenizer_config.json");
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(_files.Dir);

        Assert.Equal("<|endoftext|>", tokenizer.Config!.BosToken);
        Assert.Equal(263, tokenizer.EncodeChat([new("user", "hi")])[0]);
    }

    [Fact]
    public void EncodeChat_WithAnotherModelsTemplate_IsRefusedNamingTheConfig()
    {
        _files.Write(TokenizerFiles.ByteLevel());
        string config = _files.Write(new JsonObject { ["chat_template"] = "{% for m in messages %}{{ m['content'] }}{% endfor %}" }, "tokenizer_config.json");
        LLaDATokenizer tokenizer = LLaDATokenizer.Load(_files.Dir);

        var error = Assert.Throws<Learn2PdException>(() => tokenizer.EncodeChat([new("user", "hi")]));
        Assert.Contains(config, error.Message);
        Assert.Contains("not LLaDA-8B-Instruct's", error.Message);
    }
}
