using Learn2PD.Cli;
using Learn2PD.Cli.Terminal;

NativeEnvironment.EnableHugePageAllocations();
return CliApp.Run(args);
