#!/usr/bin/env bash
# l2pd eval sharded over a Slurm job array: one array task per shard, outputs on shared storage. The shard
# count is the array's size (SLURM_ARRAY_TASK_COUNT), so --array alone sets it; nothing here needs editing.
#
#   GPU (the defaults):  jobid=$(sbatch --parsable --array=0-7 scripts/cluster/eval-slurm-array.sh)
#   CPU:                 jobid=$(DEVICE=cpu DTYPE=bf16 sbatch --parsable --array=0-3 --gres=none --cpus-per-task=32 scripts/cluster/eval-slurm-array.sh)
#   then, once every task is done:
#                        sbatch --dependency=afterok:$jobid --wrap "l2pd eval merge $RUNS/shard-* --out $RUNS/merged"
#
# Settings come from the environment (sbatch passes it on); each default is shown below. A task that dies can
# be resubmitted alone with the same environment (sbatch --array=K ...): eval resumes from its samples.jsonl.
#SBATCH --job-name=l2pd-eval
#SBATCH --array=0-7
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --time=12:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
MODEL=${MODEL:-/shared/models/LLaDA-8B-Instruct}
FILTER=${FILTER:-$MODEL/filter.safetensors}
DATA=${DATA:-/shared/data}
RUNS=${RUNS:-/shared/runs/gsm8k}
DEVICE=${DEVICE:-cuda}
DTYPE=${DTYPE:-bf16}
METHODS=${METHODS:-baseline,threshold+eotp+dual,l2p+eotp,l2p+eotp+dual}
GEN_LENGTHS=${GEN_LENGTHS:-256,1024}
LIMIT=${LIMIT:-1319}
SHOTS=${SHOTS:-5}
# The shard index counts from the array's first index, so --array=1-8 works as well as 0-7.
index=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0} ))
l2pd eval --model "$MODEL" --filter "$FILTER" \
  --data "$DATA/gsm8k_test.jsonl" --shots "$SHOTS" --fewshot-data "$DATA/gsm8k_train.jsonl" \
  --methods "$METHODS" --gen-length "$GEN_LENGTHS" --limit "$LIMIT" \
  --device "$DEVICE" --dtype "$DTYPE" --threads "${SLURM_CPUS_PER_TASK:-1}" \
  --shard "$index/$SLURM_ARRAY_TASK_COUNT" --out "$RUNS/shard-$index"
