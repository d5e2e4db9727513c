using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Replaces a parameter in the module that owns it. TorchSharp 0.107 keeps a parameter in two places:
/// the module's C# field (what forward() reads) and its registry (what named_parameters() reports).
/// An in-place swap is impossible for meta tensors (<c>set_</c> refuses a storage on another device,
/// <c>.to()</c> cannot copy out of meta) and <c>register_parameter</c> refuses an existing name, so:
/// <list type="bullet">
/// <item>Linear, Embedding and LayerNorm: their public <c>weight</c>/<c>bias</c> setters update both places.</item>
/// <item>Modules implementing <see cref="IReplaceableParameters"/> do it themselves.</item>
/// <item>Any other module: the fields holding the old parameter are reassigned and the registry entry
/// replaced through the protected <c>ConditionallyRegisterParameter</c>, by reflection, which is what
/// TorchSharp's own <c>Module.to()</c> does (<c>_toEpilog</c>).</item>
/// </list>
/// </summary>
internal static class ParameterSwap
{
    private static readonly MethodInfo RegisterParameter =
        typeof(torch.nn.Module).GetMethod("ConditionallyRegisterParameter", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(Parameter)])
        ?? throw new MissingMethodException("TorchSharp changed: Module.ConditionallyRegisterParameter(string, Parameter) is gone");

    public static void Replace(torch.nn.Module owner, string name, Parameter old, Parameter value)
    {
        switch (owner)
        {
            case Linear linear when name == "weight": linear.weight = value; break;
            case Linear linear when name == "bias": linear.bias = value; break;
            case Embedding embedding when name == "weight": embedding.weight = value; break;
            case LayerNorm norm when name == "weight": norm.weight = value; break;
            case LayerNorm norm when name == "bias": norm.bias = value; break;
            case IReplaceableParameters custom: custom.ReplaceParameter(name, value); break;
            default: ReplaceByReflection(owner, name, old, value); break;
        }
        if (!ReferenceEquals(owner.get_parameter(name), value))
            throw new InvalidOperationException($"{owner.GetType().Name}: parameter '{name}' did not take the loaded tensor");
    }

    private static void ReplaceByReflection(torch.nn.Module owner, string name, Parameter old, Parameter value)
    {
        for (Type? type = owner.GetType(); type != null && type != typeof(torch.nn.Module); type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsAssignableFrom(typeof(Parameter)) && ReferenceEquals(field.GetValue(owner), old))
                    field.SetValue(owner, value);
            }
        }
        RegisterParameter.Invoke(owner, [name, value]);
    }
}
