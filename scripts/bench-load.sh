#!/usr/bin/env bash
# Checkpoint load throughput on a synthetic bf16 checkpoint (default 1024 MB; needs ~3x that in RAM
# and the same on the temp disk). Usage: scripts/bench-load.sh [megabytes]
# Try it with THP_MEM_ALLOC_ENABLE=1 too: libtorch then backs large CPU tensors with 2 MB pages.
set -euo pipefail
cd "$(dirname "$0")/.."
L2PD_BENCH_LOAD_MB="${1:-1024}" dotnet test tests/Learn2PD.Tests --filter "FullyQualifiedName~LoadThroughputBenchmark" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "tensors \[|MB/s|Passed|Failed|Skipped"
