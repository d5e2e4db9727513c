#!/usr/bin/env bash
# Trains the embedded model (models/arith-llada) from scratch exactly as it was trained: one
# `l2pd train-model` run whose defaults are the embedded recipe (word-level vocabulary of the
# arithmetic task, d_model 256, 4 layers, 8 heads, MLP 512; 300,000 one- and two-step word problems
# with +, -, *, operands up to 8, factors up to 4, each answer worded at random (line forms, operand
# and step order, openers, closers); 5,000 AdamW steps of 8,192 tokens at lr 1.5e-3 with a cosine
# schedule, linear layers multiplying in bf16 over fp32 weights (train-model --fp32 turns that off);
# 30% of batches padded to long canvases of log-uniform length up to 1,024 tokens, 20% "tight" batches
# whose canvas ends right after the answer, as after an end-of-text prediction cut, and half of all rows
# laid out as block-by-block decoding sees them: earlier blocks clean, later blocks masked).
# Rerun the same command after an interruption: it resumes from the last checkpoint (every 250 steps).
# Usage: scripts/train-embedded-model.sh [out-dir]      (then copy out-dir into models/arith-llada)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/arith-model}"
dotnet build src/Learn2PD.Cli -c Release -nologo -v q
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
resume=()
[ -f "$out/training_state.json" ] && resume=(--resume)
start=$(date +%s)
l2pd train-model --out "$out" --seed 0 "${resume[@]}"
echo "train-embedded-model: $(( $(date +%s) - start )) s wall for this invocation (the run's own total is in $out/training_state.json)"
