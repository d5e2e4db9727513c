using Learn2PD.Cli;
using Learn2PD.Cli.Terminal;

NativeEnvironment.EnableHugePageAllocations();
NativeEnvironment.PreferPassiveThreadWaits();
return CliApp.Run(args);
