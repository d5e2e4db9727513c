using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Support;

/// <summary>Small files written by real PyTorch 2.11 / safetensors 0.8 (see Fixtures/make_fixtures.py).</summary>
internal static class Fixtures
{
    public static string Path(string name) =>
        System.IO.Path.Combine(GoldenData.RepoRoot, "tests", "Learn2PD.Tests", "Support", "Fixtures", name);
}
