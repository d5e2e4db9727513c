using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Support;

/// <summary>The golden tiny LLaDA and filter, loaded once per test run (fp32, CPU).</summary>
internal static class GoldenModels
{
    private static readonly Lazy<LLaDAModelLM> Tiny = new(() => LoadTiny());
    private static readonly Lazy<Learn2PdFilter> TinyFilter = new(() => LoadFilter(GoldenData.Path("llada-tiny", "filter.safetensors")));

    public static LLaDAModelLM TinyModel()
    {
        GoldenData.Require();
        return Tiny.Value;
    }

    public static Learn2PdFilter Filter()
    {
        GoldenData.Require();
        return TinyFilter.Value;
    }

    private static LLaDAModelLM LoadTiny()
    {
        string dir = GoldenData.Path("llada-tiny", "model");
        var model = new LLaDAModelLM(LLaDAConfig.Load(dir));
        var state = new Dictionary<string, Tensor>();
        foreach (string shard in Directory.GetFiles(dir, "*.safetensors"))
            foreach (var (name, t) in Safetensors.LoadStateDict(shard)) state[name] = t;
        model.load_state_dict(state);
        model.eval();
        return model;
    }

    private static Learn2PdFilter LoadFilter(string path)
    {
        var state = Safetensors.LoadStateDict(path);
        var filter = new Learn2PdFilter((int)state["linear1.weight"].shape[1]);
        filter.load_state_dict(state);
        filter.eval();
        return filter;
    }
}
