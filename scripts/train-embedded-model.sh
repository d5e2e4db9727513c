#!/usr/bin/env bash
# Trains the embedded model (models/arith-llada) from scratch in four phases (docs/embedded-model.md), each one
# a resumable series of `l2pd train-model` runs (rerun the script after an interruption: it resumes from the
# last checkpoint, every 250 steps). The model: word-level vocabulary of the arithmetic task, d_model 256,
# 4 layers, 8 heads, MLP 512; 300,000 one- and two-step word problems (+, -, *, operands up to 8, factors up
# to 4), each answer worded at random; AdamW at lr 1.5e-3, cosine to 1e-4, batches of 8,192 tokens, linear
# layers multiplying in bf16 over fp32 weights.
#   1. 5,000 steps of plain masked-diffusion training: short batches of rows of neighbouring lengths padded
#      0-32 tokens past their longest row, 15% of batches padded to long canvases (up to 1,024 tokens), 20%
#      "tight" canvases that end right after the answer, as after an end-of-text cut.
#   2. 500 steps more with train-model's defaults: half of all rows laid out as block-by-block decoding
#      sees them (earlier blocks clean, later blocks masked) and 30% long canvases of log-uniform length;
#      this is what keeps the answers right on long canvases.
#   3. 1,000 steps more (to 6,500, the cosine schedule stretched to end there) with half the batches long and
#      three rows in four block-wise: the answers stay on the prompt at gen 256 and 1,024.
#   4. 500 steps more (to 7,000) with phase 1's batches at the schedule's floor (lr ~1e-4): phase 3 leaves the
#      model reading operands from the wrong place on short canvases; this brings gen 64 back.
# Usage: scripts/train-embedded-model.sh [out-dir]      (then copy out-dir into models/arith-llada)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/arith-model}"
dotnet build src/Learn2PD.Cli -c Release -nologo -v q
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
step() { [ -f "$out/training_state.json" ] && sed -n 's/^ *"step": *\([0-9]*\).*/\1/p' "$out/training_state.json" | head -n 1 || echo 0; }
# Each train-model process runs at most 1,000 steps, then the next resumes from its checkpoint: a hedge against
# a long-running process slowing down, which was seen but not separated from the machine's own drift
# (docs/embedded-model.md); each extra process costs about 20 s to start.
run_to() { # run_to STOP STEPS [options]: train up to step STOP of a STEPS-step schedule, unless already there
  local stop=$1 steps=$2; shift 2
  [ "$(step)" -ge "$stop" ] && return
  local resume=(); [ "$(step)" -gt 0 ] && resume=(--resume)
  l2pd train-model --out "$out" --seed 0 --steps "$steps" --stop-at "$stop" "$@" "${resume[@]}"
}
start=$(date +%s)
phase1=(--blockwise-fraction 0 --long-fraction 0.15 --group-by-length) # phase 1's batches, which phase 4 draws again
for stop in 1000 2000 3000 4000 5000; do run_to $stop 5000 "${phase1[@]}"; done
run_to 5500 5500
for stop in 6000 6500; do run_to $stop 6500 --long-fraction 0.5 --blockwise-fraction 0.75; done
run_to 7000 7000 "${phase1[@]}"
echo "train-embedded-model: $(( $(date +%s) - start )) s wall for this invocation (the run's own total is in $out/training_state.json)"
