#!/usr/bin/env bash
# Checkpoint load throughput on a synthetic bf16 checkpoint (default 1024 MB; needs ~3x that in RAM
# and the same on the temp disk). Usage: scripts/bench-load.sh [megabytes]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project src/Learn2PD.Cli -c Release -- bench --load-mb "${1:-1024}"
