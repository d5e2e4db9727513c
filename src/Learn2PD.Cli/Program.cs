using Learn2PD.Cli;
using Learn2PD.Core.Runtime;

NativeEnvironment.EnableHugePageAllocations();
NativeEnvironment.YieldIdleThreadsSoon();
return CliApp.Run(args);
