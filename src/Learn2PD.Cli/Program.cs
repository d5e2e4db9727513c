using Learn2PD.Cli;
using Learn2PD.Cli.Terminal;

NativeEnvironment.EnableHugePageAllocations();
NativeEnvironment.YieldIdleThreadsSoon();
NativeEnvironment.ReturnLargeBlocksToTheSystem();
return CliApp.Run(args);
