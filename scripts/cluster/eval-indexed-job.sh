#!/usr/bin/env bash
# Prints a Kubernetes Indexed Job that runs l2pd eval sharded: one pod per shard, outputs on a shared volume.
# The Job's completions and every pod's --shard I/N come from one number, SHARDS, and each pod's index from
# JOB_COMPLETION_INDEX, which Kubernetes sets. Settings come from the environment (defaults below):
#
#   GPU (the defaults):  SHARDS=8 scripts/cluster/eval-indexed-job.sh | kubectl apply -f -
#   CPU:                 SHARDS=4 DEVICE=cpu DTYPE=bf16 GPUS=0 CPUS=32 scripts/cluster/eval-indexed-job.sh | kubectl apply -f -
#   when every pod has succeeded, merge once (in a pod that mounts the runs volume):
#                        l2pd eval merge /runs/gsm8k/shard-* --out /runs/gsm8k/merged
#
# A failed pod reruns its shard (backoffLimit) and eval resumes from its samples.jsonl.
set -euo pipefail
SHARDS=${SHARDS:-8}
PARALLELISM=${PARALLELISM:-$SHARDS}
NAME=${NAME:-l2pd-eval-gsm8k}
IMAGE=${IMAGE:-registry.example.com/learn2pd/l2pd:cuda}   # a build of l2pd (-p:TorchBackend=cuda-linux for GPUs)
MODEL=${MODEL:-/models/LLaDA-8B-Instruct}
FILTER=${FILTER:-$MODEL/filter.safetensors}
DATA=${DATA:-/data}
RUNS=${RUNS:-/runs/gsm8k}
DEVICE=${DEVICE:-cuda}
DTYPE=${DTYPE:-bf16}
METHODS=${METHODS:-baseline,threshold+eotp+dual,l2p+eotp,l2p+eotp+dual}
GEN_LENGTHS=${GEN_LENGTHS:-256,1024}
LIMIT=${LIMIT:-1319}
SHOTS=${SHOTS:-5}
GPUS=${GPUS:-1}
CPUS=${CPUS:-8}
MODELS_CLAIM=${MODELS_CLAIM:-llada-models}
DATA_CLAIM=${DATA_CLAIM:-gsm8k-data}
RUNS_CLAIM=${RUNS_CLAIM:-l2pd-runs}      # ReadWriteMany: every shard writes its own folder
if ! [[ "$SHARDS" =~ ^[1-9][0-9]*$ ]]; then echo "SHARDS must be a positive whole number, got '$SHARDS'" >&2; exit 2; fi

limits="cpu: \"$CPUS\""
[ "$GPUS" != 0 ] && limits="$limits, nvidia.com/gpu: $GPUS"
cat <<YAML
apiVersion: batch/v1
kind: Job
metadata:
  name: $NAME
spec:
  completionMode: Indexed
  completions: $SHARDS
  parallelism: $PARALLELISM
  backoffLimit: $(( SHARDS * 2 ))
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: eval
          image: $IMAGE
          command: ["/bin/sh", "-c"]
          args:
            - >-
              l2pd eval --model $MODEL --filter $FILTER
              --data $DATA/gsm8k_test.jsonl --shots $SHOTS --fewshot-data $DATA/gsm8k_train.jsonl
              --methods $METHODS --gen-length $GEN_LENGTHS --limit $LIMIT
              --device $DEVICE --dtype $DTYPE --threads $CPUS
              --shard \${JOB_COMPLETION_INDEX}/$SHARDS --out $RUNS/shard-\${JOB_COMPLETION_INDEX}
          resources:
            limits: { $limits }
          volumeMounts:
            - { name: models, mountPath: $(dirname "$MODEL"), readOnly: true }
            - { name: data, mountPath: $DATA, readOnly: true }
            - { name: runs, mountPath: $(dirname "$RUNS") }
      volumes:
        - { name: models, persistentVolumeClaim: { claimName: $MODELS_CLAIM } }
        - { name: data, persistentVolumeClaim: { claimName: $DATA_CLAIM } }
        - { name: runs, persistentVolumeClaim: { claimName: $RUNS_CLAIM } }
YAML
