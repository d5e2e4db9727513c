using System.Diagnostics;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Cli;

/// <summary>`l2pd serve` refuses bad options with one line, prints where it listens, and stops cleanly on Ctrl+C.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--max-batch-size 0", "--max-batch-size must be positive")]
    [InlineData("--max-queue -1", "--max-queue must be positive")]
    [InlineData("--max-tokens-limit 0", "--max-tokens-limit must be positive")]
    [InlineData("--max-prompt-tokens 0", "--max-prompt-tokens must be positive")]
    [InlineData("--port 70000", "--port must be in 0..65535")]
    [InlineData("--host example.com", "--host must be an IP address")]
    [InlineData("--filter missing.safetensors", "missing.safetensors")]
    public void Serve_BadOption_FailsWithOneLineNamingIt(string settings, string message)
    {
        var (code, output, error) = CliRunner.Run(["serve", .. settings.Split(' ')]);

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    [SkippableFact]
    public async Task Serve_PrintsItsUrl_AnswersHealth_AndStopsCleanlyOnCtrlC()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "sends SIGINT with kill(1)");
        Skip.If(SigIntIgnored(), "SIGINT is ignored in this process (a background job), so its children ignore Ctrl+C too");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "l2pd.dll"), "serve", "--port", "0", "--threads", "1" },
        };
        using var server = Process.Start(start)!;
        try
        {
            string? line;
            var reading = Task.Run(() =>
            {
                while ((line = server.StandardOutput.ReadLine()) is not null && !line.StartsWith("listening on ", StringComparison.Ordinal)) { }
                return line;
            });
            string listening = await reading.WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new Xunit.Sdk.XunitException(await server.StandardError.ReadToEndAsync());
            string url = listening.Split(' ')[2];
            Assert.StartsWith("http://127.0.0.1:", url);
            using var http = new HttpClient();
            Assert.Contains("\"ok\"", await http.GetStringAsync(url + "/health"));

            using (var kill = Process.Start("kill", ["-INT", $"{server.Id}"])) await kill.WaitForExitAsync();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(exit.Token);

            Assert.Equal(0, server.ExitCode);
            Assert.Equal("stopped", (await server.StandardOutput.ReadToEndAsync()).Trim());
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    private const int SigInt = 2;

    private static bool SigIntIgnored()
    {
        string? mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?[7..].Trim();
        return mask is not null && (Convert.ToUInt64(mask, 16) & (1UL << (SigInt - 1))) != 0;
    }
}
