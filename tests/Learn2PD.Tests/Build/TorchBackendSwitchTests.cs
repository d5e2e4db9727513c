using System.Diagnostics;
using System.Text.Json;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Build;

/// <summary>
/// `-p:TorchBackend=...` swaps the TorchSharp package. The CUDA packages are not served on this
/// machine, so the test evaluates the project (no restore) and checks which references it selects.
/// Each case runs msbuild (seconds): tagged Slow, so <c>dotnet test --filter Category!=Slow</c> leaves it out.
/// </summary>
[Trait("Category", "Slow")]
public sealed class TorchBackendSwitchTests
{
    private static string[] PackageReferences(string backend)
    {
        string project = Path.Combine(GoldenData.RepoRoot, "src", "Learn2PD.Core", "Learn2PD.Core.csproj");
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-getItem:PackageReference", $"-p:TorchBackend={backend}", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!).ToArray();
    }

    [Theory]
    [InlineData("cpu-linux", "TorchSharp", "libtorch-cpu-linux-x64")]
    [InlineData("cpu", "TorchSharp-cpu", null)]
    [InlineData("cuda-linux", "TorchSharp-cuda-linux", null)]
    [InlineData("cuda-windows", "TorchSharp-cuda-windows", null)]
    [InlineData("none", "TorchSharp", null)]
    public void TorchBackend_SelectsItsPackages(string backend, string torchPackage, string? nativePackage)
    {
        var references = PackageReferences(backend);

        Assert.Contains(torchPackage, references);
        var torchRelated = references.Where(r => r.StartsWith("TorchSharp", StringComparison.Ordinal) || r.StartsWith("libtorch", StringComparison.Ordinal)).OrderBy(r => r).ToArray();
        var expected = new[] { torchPackage, nativePackage }.OfType<string>().OrderBy(r => r).ToArray();
        Assert.Equal(expected, torchRelated);
    }
}
