using Learn2PD.Serve;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Serve;

/// <summary>A failure the client did not cause is a 500 with a generic OpenAI error object, never a stack trace.</summary>
public sealed class ServeFailureTests(ServeFailureTests.Server server) : IClassFixture<ServeFailureTests.Server>
{
    /// <summary>The tiny random model, served and then broken: its weights are gone.</summary>
    public sealed class Server() : ServerFixture(() => new ServeOptions(), () => (EvalFixture.ModelDirectory, null));

    [Fact]
    public async Task DecodeFailure_Is500_WithAGenericErrorObject()
    {
        server.Served.Model.Dispose();

        using var response = await server.Http.PostAsync("/v1/completions",
            new StringContent("""{"prompt": "1 + 2 =", "max_tokens": 32}""", System.Text.Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("\"type\":\"server_error\"", body);
        Assert.Contains("internal server error", body);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
    }
}
