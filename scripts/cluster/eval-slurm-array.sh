#!/usr/bin/env bash
# l2pd eval sharded over a Slurm job array: one task per shard, one GPU each, outputs on shared
# storage; SLURM_ARRAY_TASK_ID (0..N-1) becomes --shard I/N. Submit, then merge once all tasks are done:
#   jobid=$(sbatch --parsable scripts/cluster/eval-slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap "l2pd eval merge $RUNS/shard-* --out $RUNS/merged"
# A task that dies can be resubmitted alone (sbatch --array=K ...): eval resumes from its samples.jsonl.
#SBATCH --job-name=l2pd-eval
#SBATCH --array=0-7
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --time=12:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
N=8                                   # keep equal to the --array size
MODEL=${MODEL:-/shared/models/LLaDA-8B-Instruct}
DATA=${DATA:-/shared/data}
RUNS=${RUNS:-/shared/runs/gsm8k}
l2pd eval --model "$MODEL" --filter "$MODEL/filter.safetensors" \
  --data "$DATA/gsm8k_test.jsonl" --shots 5 --fewshot-data "$DATA/gsm8k_train.jsonl" \
  --methods baseline,threshold+eotp+dual,l2p+eotp,l2p+eotp+dual --gen-length 256,1024 --limit 1319 \
  --device cuda --dtype bf16 --threads "$SLURM_CPUS_PER_TASK" \
  --shard "$SLURM_ARRAY_TASK_ID/$N" --out "$RUNS/shard-$SLURM_ARRAY_TASK_ID"
