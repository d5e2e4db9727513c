#!/usr/bin/env bash
# A Dream-v0-Instruct-7B-shaped checkpoint (random bf16 weights, 4 shards, 15.2 GB) written from its published
# config.json, inspected and decoded on the CPU in bf16: loading, sharding, GQA and the untied head at full size.
# Needs ~16 GB free RAM and disk. Usage: scripts/dream/decode-synthetic-7b.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-runs/dream-7b-synthetic}"
[ -f "$out/model.safetensors.index.json" ] ||
  python3 scripts/make-synthetic-checkpoint.py tests/Learn2PD.Tests/Support/Fixtures/dream-v0-instruct-7b/config.json "$out"
sync   # flush the new shards first: a decode right after writing them ran out of memory on a 24 GB machine
dotnet build src/Learn2PD.Cli -c Release -nologo -v q >/dev/null
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
l2pd inspect --model "$out"
# Random weights predict noise: four steps of 8 tokens (Dream's maskgit_plus) keep it to four forwards.
l2pd decode --model "$out" --dtype bf16 --prompt-ids 151644,872,198,3838,374,220,17,488,220,18,30 \
  --policy maskgit_plus --gen-length 32 --steps 4 --output json
