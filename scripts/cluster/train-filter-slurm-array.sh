#!/usr/bin/env bash
# Label recording for `l2pd train-filter` sharded over a Slurm job array (the reference decodes are nearly all
# of its time), then one fit. The shard count is the array's size (SLURM_ARRAY_TASK_COUNT): nothing here needs
# editing, and every task uses the same settings from the environment (defaults below).
#
#   GPU (the defaults):  sbatch --array=0-7 scripts/cluster/train-filter-slurm-array.sh
#   CPU:                 DEVICE=cpu DTYPE=bf16 sbatch --array=0-3 --gres=none --cpus-per-task=32 scripts/cluster/train-filter-slurm-array.sh
#   then, after every task:
#     l2pd train-filter merge $OUT.labels.shard-*-of-N.jsonl --out $OUT.labels.jsonl
#     l2pd train-filter --model $MODEL --data $DATA/gsm8k_train.jsonl --out $OUT.safetensors --labels $OUT.labels.jsonl --device $DEVICE --dtype $DTYPE
#SBATCH --job-name=l2pd-labels
#SBATCH --array=0-7
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --time=6:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
MODEL=${MODEL:-/shared/models/LLaDA-8B-Instruct}
DATA=${DATA:-/shared/data}
OUT=${OUT:-/shared/runs/filter/filter}
DEVICE=${DEVICE:-cuda}
DTYPE=${DTYPE:-bf16}
GEN_LENGTH=${GEN_LENGTH:-256}
index=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0} ))
l2pd train-filter --model "$MODEL" --data "$DATA/gsm8k_train.jsonl" --out "$OUT.safetensors" \
  --gen-length "$GEN_LENGTH" --device "$DEVICE" --dtype "$DTYPE" --threads "${SLURM_CPUS_PER_TASK:-1}" \
  --shard "$index/$SLURM_ARRAY_TASK_COUNT"
