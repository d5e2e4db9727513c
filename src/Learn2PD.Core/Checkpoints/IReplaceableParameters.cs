using TorchSharp.Modules;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Lets a custom module swap one of its parameters without reflection. TorchSharp keeps the parameter
/// registry's setter (<c>ConditionallyRegisterParameter</c>) protected, so only the module itself can
/// update both its field and the registry:
/// <code>
/// public void ReplaceParameter(string name, Parameter value)
/// {
///     weight = value;                                  // the field forward() uses
///     ConditionallyRegisterParameter(name, value);     // what named_parameters() reports
/// }
/// </code>
/// Modules without it are handled like TorchSharp's own <c>Module.to()</c> does (see <see cref="ParameterSwap"/>).
/// </summary>
public interface IReplaceableParameters
{
    /// <summary>Makes <paramref name="value"/> the module's parameter <paramref name="name"/>.</summary>
    void ReplaceParameter(string name, Parameter value);
}
