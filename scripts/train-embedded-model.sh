#!/usr/bin/env bash
# Trains the embedded model (models/arith-llada) exactly as it was trained: one seed, a six-stage
# curriculum on the arithmetic task. Each stage resumes the last one's weights and AdamW state; a
# stage's --steps sets its cosine learning-rate schedule, --stop-at where it ends. The first stages
# (operands up to 9, one or two steps) taught the answer format and copying; arithmetic itself was
# learned once the task narrowed to one step with operands up to 5 (the default task, and the
# test split `l2pd eval` uses). The last two stages mix in "tight" batches whose canvas ends right
# after the answer, as it does after an end-of-text prediction cut. Usage: scripts/train-embedded-model.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/arith-model}"
dotnet build src/Learn2PD.Cli -c Release -nologo -v q
l2pd() { dotnet run --project src/Learn2PD.Cli -c Release --no-build -- "$@"; }
common=(train-model --out "$out" --seed 0 --checkpoint-every 250)
l2pd "${common[@]}"          --steps 5000 --stop-at 250  --max-operand 9 --max-task-steps 2 --eval-every 500
l2pd "${common[@]}" --resume --steps 3000 --stop-at 2000 --max-operand 9 --max-task-steps 2 --eval-every 500
l2pd "${common[@]}" --resume --steps 4500 --stop-at 3250 --max-operand 9 --max-task-steps 2 --eval-every 500
l2pd "${common[@]}" --resume --steps 5000 --stop-at 4250 --max-operand 9 --max-task-steps 1 --eval-every 250
l2pd "${common[@]}" --resume --steps 8000 --stop-at 4750 --max-operand 9 --max-task-steps 1 --eval-every 500
l2pd "${common[@]}" --resume --steps 8000                --max-operand 5 --max-task-steps 1 --eval-every 500
l2pd "${common[@]}" --resume --steps 9000                --max-operand 5 --max-task-steps 1 --eval-every 500 --tight-fraction 0.3
l2pd "${common[@]}" --resume --steps 10000               --max-operand 5 --max-task-steps 1 --eval-every 500 --tight-fraction 0.5
