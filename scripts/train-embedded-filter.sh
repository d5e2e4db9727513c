#!/usr/bin/env bash
# Trains the embedded model's filter (models/arith-llada/filter.safetensors and filter.json) as it was trained:
# labels from 400 train-split prompts decoded at gen 64 against three references each (the greedy answer and
# two sampled ones that agree with it), a position filter fitted on 300 of them, then two more rounds that add
# the steps of decodes with the filter just fitted (l2p at τ_f 0.2, 0.3, 0.5, 0.7) and fit again, τ_f calibrated
# with l2p on the other 100. The labels (and the rounds' filters) are kept in runs/ (a rerun resumes or reuses
# them). Usage: scripts/train-embedded-filter.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Learn2PD.Cli -c Release -nologo -v q >/dev/null
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
mkdir -p runs
l2pd train-filter --samples 400 --validation-fraction 0.25 --gen-length 64 --references 3 --iterations 10000 --rounds 3 --calibrate-for l2p \
  --labels runs/arith-filter.labels.jsonl --out models/arith-llada/filter.safetensors
