using Learn2PD.Cli;
using Learn2PD.Cli.Terminal;

NativeEnvironment.EnableHugePageAllocations();
NativeEnvironment.YieldIdleThreadsSoon();
return CliApp.Run(args);
