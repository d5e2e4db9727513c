using System.CommandLine;
using Learn2PD.Cli.Commands;

var root = new RootCommand("l2pd: fast decoding for LLaDA-class diffusion language models (Learn2PD, Fast-dLLM, LLaDA samplers).");
root.Subcommands.Add(InspectCommand.Create());
return root.Parse(args).Invoke();
