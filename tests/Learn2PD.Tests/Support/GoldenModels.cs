using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Support;

/// <summary>The golden tiny LLaDA and filter, loaded once per test run (fp32, CPU).</summary>
internal static class GoldenModels
{
    private static readonly Lazy<DiffusionModel> Tiny =
        new(() => PretrainedModel.Load(GoldenData.Path("llada-tiny", "model"), ScalarType.Float32, CPU).Model);
    private static readonly Lazy<Learn2PdFilter> TinyFilter =
        new(() => FilterFile.Load(GoldenData.Path("llada-tiny", "filter.safetensors")));

    public static DiffusionModel TinyModel()
    {
        GoldenData.Require();
        return Tiny.Value;
    }

    public static Learn2PdFilter Filter()
    {
        GoldenData.Require();
        return TinyFilter.Value;
    }
}
