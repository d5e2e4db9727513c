using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Support;

/// <summary>
/// The Dream reference vectors in <c>tests/golden/dream</c> (made by scripts/dream/make_golden.py from
/// Fast-dLLM's and the Learn2PD authors' Dream code; see scripts/dream/README.md): two tiny random Dream
/// checkpoints and a random filter, loaded once per test run (fp32, CPU).
/// </summary>
internal static class DreamGolden
{
    public static readonly string[] Models = ["dream-tiny-a", "dream-tiny-b"];

    public static string Root { get; } = System.IO.Path.Combine(GoldenData.RepoRoot, "tests", "golden", "dream");

    private static readonly Dictionary<string, Lazy<DiffusionModel>> Loaded = Models.ToDictionary(
        m => m, m => new Lazy<DiffusionModel>(() => PretrainedModel.Load(Path(m, "model"), ScalarType.Float32, CPU).Model));
    private static readonly Lazy<Learn2PdFilter> GoldenFilter = new(() => FilterFile.Load(Path("filter.safetensors")));

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static DiffusionModel Model(string name) => Loaded[name].Value;

    public static Learn2PdFilter Filter() => GoldenFilter.Value;
}
