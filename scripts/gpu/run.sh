#!/usr/bin/env bash
# Runs on the lent GPU machine (one H100/H200, CUDA 13 driver, PyTorch 2.11 under python3, no .NET):
#   carry: [".gpu"], command: bash .gpu/run.sh
# 1. binds TorchSharp's native glue (built for libtorch 2.10) to the machine's libtorch 2.11 and says what fails;
# 2. runs the 30 golden decode cases on cuda in fp32 and compares them with the expected tokens;
# 3. times a LLaDA-8B-shaped forward (random bf16 weights, 64 + 1024 tokens) in TorchSharp and in PyTorch eager;
# 4. runs `l2pd eval` on the embedded model at gen_length 1024 on cuda.
set -uo pipefail
OUT=${OUT:-/tmp/l2pd-out}
mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/summary.txt"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$OUT/summary.txt"
TORCH_LIB=$(python3 -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")
log "torch $(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)') at $TORCH_LIB"
export LD_LIBRARY_PATH="$TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DOTNET_gcServer=0
mkdir -p /tmp/l2pd && tar -C /tmp/l2pd -xJf .gpu/l2pd.tar.xz
L2PD=/tmp/l2pd/l2pd

log "1. binding: TorchSharp 0.107 glue against this libtorch"
ldd /tmp/l2pd/libLibTorchSharp.so | grep -E "not found|torch|c10" | tee -a "$OUT/summary.txt"
if ! timeout 120 $L2PD bench --preset d256l6 --device cuda --dtypes fp32 --tokens 64 --iterations 2 2>&1 | tee "$OUT/binding.txt"; then
  log "binding FAILED (see binding.txt)"
  exit 1
fi

log "2. golden decode cases on cuda, fp32"
timeout 300 python3 .gpu/golden_cases.py "$L2PD" .gpu/golden 2>&1 | tee "$OUT/golden.txt" | tail -n 3

log "3. LLaDA-8B-shaped forward, bf16, 1088 tokens"
timeout 200 python3 .gpu/torch_forward.py 2>&1 | tee "$OUT/torch_forward.txt"
timeout 200 $L2PD bench --preset llada-8b --device cuda --dtypes bf16 --tokens 1088 --iterations 10 2>&1 | tee "$OUT/torchsharp_forward.txt"

log "4. l2pd eval on the embedded model, gen_length 1024, cuda"
timeout 300 $L2PD eval --device cuda --gen-length 1024 --out "$OUT/eval" 2>&1 | tail -n 30 | tee "$OUT/eval.txt"
log done
