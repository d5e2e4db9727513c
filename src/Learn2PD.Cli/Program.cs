using System.CommandLine;
using Learn2PD.Cli.Commands;

Learn2PD.Cli.Terminal.NativeEnvironment.EnableHugePageAllocations();
var root = new RootCommand("l2pd: fast decoding for LLaDA-class diffusion language models (Learn2PD, Fast-dLLM, LLaDA samplers).");
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(TrainModelCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
return root.Parse(args).Invoke();
