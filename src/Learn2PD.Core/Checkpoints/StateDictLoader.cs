using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Learn2PD.Core.Checkpoints;

/// <summary>
/// Loads a checkpoint into a module whose parameters are placeholders, typically built on the meta
/// device (<c>torch.device("meta")</c>) so that construction allocates and initialises nothing.
/// Each parameter gets a tensor of the requested type and device and replaces the placeholder in the
/// module that owns it (see <see cref="ParameterSwap"/>): on the CPU in the file's own dtype, a view of
/// the memory-mapped file (<see cref="MappedFiles"/>: no copy, the page cache's pages are the weights);
/// otherwise a fresh tensor filled straight from the file, converted and moved one tensor at a time.
/// Module parameter names must equal checkpoint keys. Buffers are left to the model.
/// </summary>
public static class StateDictLoader
{
    private sealed record Target(string Name, Parameter Placeholder, TensorEntry Entry, List<(torch.nn.Module Owner, string Name)> Slots);

    /// <summary>
    /// Checks every name and shape first, then reads every tensor, then swaps them all in: on any error
    /// the module is left exactly as it was. With <paramref name="strict"/>, a checkpoint tensor that
    /// matches no parameter is an error too.
    /// </summary>
    public static LoadStats LoadInto(torch.nn.Module module, CheckpointDirectory checkpoint, torch.ScalarType dtype, torch.Device device, bool strict = true)
    {
        var stopwatch = Stopwatch.StartNew();
        List<Target> targets = Plan(module, checkpoint, strict);
        List<Parameter> loaded = ReadAll(targets, dtype, device);
        for (int i = 0; i < targets.Count; i++)
        {
            foreach (var (owner, name) in targets[i].Slots)
                ParameterSwap.Replace(owner, name, targets[i].Placeholder, loaded[i]);
            targets[i].Placeholder.Dispose();
        }
        return new LoadStats(targets.Count, targets.Sum(t => t.Entry.ByteLength), stopwatch.Elapsed);
    }

    private static List<Target> Plan(torch.nn.Module module, CheckpointDirectory checkpoint, bool strict)
    {
        IReadOnlyDictionary<string, TensorEntry> tensors = checkpoint.Tensors;
        var slots = SlotsByParameter(module);
        var targets = new List<Target>();
        var problems = new List<string>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            wanted.Add(name);
            if (!tensors.TryGetValue(name, out TensorEntry? entry))
                problems.Add($"{checkpoint.SourcePath}: no tensor '{name}' for the model's parameter of shape {TensorEntry.FormatShape(parameter.shape)}");
            else if (!entry.Shape.SequenceEqual(parameter.shape))
                problems.Add($"{entry.FilePath}: tensor '{name}' has shape {entry.ShapeText}, the model expects {TensorEntry.FormatShape(parameter.shape)}");
            else
                targets.Add(new Target(name, parameter, entry, slots[parameter]));
        }
        if (strict)
        {
            foreach (string name in tensors.Keys.Where(n => !wanted.Contains(n)))
                problems.Add($"{tensors[name].FilePath}: tensor '{name}' matches no model parameter (load with strict: false to ignore it)");
        }
        if (problems.Count > 0)
            throw new Learn2PdException(problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : ""));

        // Sequential reads, file by file.
        return targets.OrderBy(t => t.Entry.FilePath, StringComparer.Ordinal).ThenBy(t => t.Entry.DataOffset).ToList();
    }

    /// <summary>Every (module, local name) holding each parameter; more than one when weights are tied.</summary>
    private static Dictionary<Parameter, List<(torch.nn.Module, string)>> SlotsByParameter(torch.nn.Module root)
    {
        var slots = new Dictionary<Parameter, List<(torch.nn.Module, string)>>(ReferenceEqualityComparer.Instance);
        var visited = new HashSet<torch.nn.Module>(ReferenceEqualityComparer.Instance);
        foreach (var owner in root.modules().Prepend(root))
        {
            if (!visited.Add(owner)) continue;
            foreach (var (name, parameter) in owner.named_parameters(recurse: false))
            {
                if (!slots.TryGetValue(parameter, out var list)) slots[parameter] = list = [];
                list.Add((owner, name));
            }
        }
        return slots;
    }

    private static List<Parameter> ReadAll(List<Target> targets, torch.ScalarType dtype, torch.Device device)
    {
        var loaded = new List<Parameter>(targets.Count);
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null;
        using var mapped = new MappedFiles();
        try
        {
            foreach (Target target in targets)
            {
                torch.Tensor tensor;
                if (device.type == DeviceType.CPU && mapped.View(target.Entry, dtype) is { } view)
                {
                    tensor = view;
                }
                else
                {
                    if (handle == null || target.Entry.FilePath != targets[loaded.Count - 1].Entry.FilePath)
                    {
                        handle?.Dispose();
                        handle = FileBytes.OpenRead(target.Entry.FilePath);
                    }
                    tensor = Read(handle, target.Entry, dtype, device);
                }
                bool requiresGrad = target.Placeholder.requires_grad && tensor.is_floating_point();
                loaded.Add(new Parameter(tensor, requiresGrad));
            }
        }
        catch
        {
            foreach (var p in loaded) p.Dispose();
            throw;
        }
        finally
        {
            handle?.Dispose();
        }
        return loaded;
    }

    private static torch.Tensor Read(Microsoft.Win32.SafeHandles.SafeFileHandle handle, TensorEntry entry, torch.ScalarType dtype, torch.Device device)
    {
        try
        {
            return TensorBytes.Read(handle, entry, dtype, device);
        }
        catch (Exception e) when (DamagedFile.IsDamage(e))
        {
            // Out of memory, a device that is not there, or a file that changed under us: say which tensor and where.
            throw new Learn2PdException($"{entry.FilePath}: tensor '{entry.Name}': cannot load {entry.ShapeText} as {dtype} on {device} ({SafeTensorsHeader.FirstLine(e.Message)})", e);
        }
    }
}
