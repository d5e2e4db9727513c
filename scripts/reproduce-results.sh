#!/usr/bin/env bash
# Every number of the README's "Results on the embedded model" section, from a built tree: each family's
# accuracy–speed frontier (eval --sweep, with the baseline and the oracle) on the first 100 test-split
# problems at gen 64 and 256 and the first 20 at gen 1024, block 32, fp32, batch 1; then the paper's
# end-of-text rule against the default one at gen 256 (first 50). Writes runs/results/*/results.{md,json} and the
# frontier plots (docs/results holds the latest run's). Usage: scripts/reproduce-results.sh [model-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
model=("${@:+--model}" "$@")
dotnet build src/Learn2PD.Cli -c Release -nologo -v q >/dev/null
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
out=runs/results
l2pd eval "${model[@]}" --sweep threshold,l2p --gen-length 64 --limit 100 --out $out/gen64
l2pd eval "${model[@]}" --sweep threshold+eotp,l2p+eotp,threshold+eotp+dual,l2p+eotp+dual --gen-length 256 --limit 100 --out $out/gen256
l2pd eval "${model[@]}" --sweep threshold+eotp,l2p+eotp,threshold+eotp+dual,l2p+eotp+dual --gen-length 1024 --limit 20 --out $out/gen1024
l2pd eval "${model[@]}" --methods threshold+eotp,l2p+eotp --eotp-rule paper --gen-length 256 --limit 50 --out $out/gen256-paper-eotp
