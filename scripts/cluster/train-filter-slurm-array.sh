#!/usr/bin/env bash
# Label recording for `l2pd train-filter` sharded over a Slurm job array (the reference decodes are
# nearly all of its time), then one fit. SLURM_ARRAY_TASK_ID becomes --shard I/N; every task must use
# the same settings. After all tasks:
#   l2pd train-filter merge $OUT.labels.shard-*-of-8.jsonl --out $OUT.labels.jsonl
#   l2pd train-filter --model $MODEL --data $DATA/gsm8k_train.jsonl --out $OUT.safetensors --labels $OUT.labels.jsonl --device cuda --dtype bf16
#SBATCH --job-name=l2pd-labels
#SBATCH --array=0-7
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --time=6:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
N=8
MODEL=${MODEL:-/shared/models/LLaDA-8B-Instruct}
DATA=${DATA:-/shared/data}
OUT=${OUT:-/shared/runs/filter/filter}
l2pd train-filter --model "$MODEL" --data "$DATA/gsm8k_train.jsonl" --out "$OUT.safetensors" \
  --gen-length 256 --device cuda --dtype bf16 --threads "$SLURM_CPUS_PER_TASK" --shard "$SLURM_ARRAY_TASK_ID/$N"
