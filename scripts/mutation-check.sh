#!/usr/bin/env bash
# Runs the real `l2pd decode` over M seeded mutations of the files it reads and counts how each run ended:
# decoded (exit 0), one-line error (exit 1, a single "error: ..." line on stderr) or crashed (a stack trace,
# any other output or exit code, a signal, or no answer within the timeout). Exit status 1 if anything crashed.
#
# Usage: scripts/mutation-check.sh SEED [M=120] [TIMEOUT_S=120]
# Mutated in turn: the bf16 model.safetensors header region, the authors' filter .pth, config.json, the sharded
# model.safetensors.index.json, tokenizer.json and the filter's .json sidecar (from ../shared/golden and
# models/arith-llada). Damage: random bytes, JSON-ish bytes, truncation, insertion, deletion.
# Needs python3 (for the mutations) and a Release build (made here if missing). L2PD_SHARED overrides ../shared,
# L2PD_BIN the l2pd binary (e.g. an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."

seed="${1:?usage: scripts/mutation-check.sh SEED [M] [TIMEOUT_S]}"
count="${2:-120}"
limit="${3:-120}"
shared="${L2PD_SHARED:-../shared}"
golden="$shared/golden"
l2pd="${L2PD_BIN:-src/Learn2PD.Cli/bin/Release/net10.0/l2pd}"
for f in "$golden/llada-tiny/model-bf16/model.safetensors" "$golden/llada-tiny/model/model.safetensors.index.json" "$golden/learn2pd-filter/layer_2_flan.pth"; do
  [[ -f "$f" ]] || { echo "missing $f (set L2PD_SHARED to the shared folder)" >&2; exit 2; }
done
[[ -x "$l2pd" ]] || dotnet build src/Learn2PD.Cli -c Release -v quiet -nologo >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/l2pd-mutation-XXXXXX")"
targets=("model.safetensors" "filter.pth" "config.json" "model.safetensors.index.json" "tokenizer.json" "filter.json")
decoded=0; errors=0; crashed=0

for ((i = 0; i < count; i++)); do
  run="$work/$i"
  target="${targets[i % ${#targets[@]}]}"
  mkdir -p "$run/model"
  if [[ "$target" == "model.safetensors.index.json" ]]; then
    cp "$golden"/llada-tiny/model/* "$run/model/"
  else
    cp "$golden"/llada-tiny/model-bf16/* "$run/model/"
  fi
  cp models/arith-llada/tokenizer.json "$run/model/"
  cp "$golden/learn2pd-filter/layer_2_flan.pth" "$run/filter.pth"
  cp models/arith-llada/filter.json "$run/filter.json" # the sidecar decode reads τ_f from
  chmod -R u+w "$run"
  file="$run/model/$target"
  [[ "$target" == filter.* ]] && file="$run/$target"

  what="$(python3 - "$file" "$seed" "$i" <<'PY'
import random, struct, sys
path, seed, i = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = bytearray(open(path, "rb").read())
rng = random.Random(seed * 1_000_003 + i)
end = len(data)
if path.endswith(".safetensors"):  # the header region: length prefix, JSON header and a little data
    end = min(len(data), 8 + struct.unpack("<Q", data[:8])[0] + 64)
telling = b'"0123456789-.,:{}[]\\ntfe \x00\x80\xc3\xe2\xff'
at = rng.randrange(end)
kind = rng.randrange(5)
if kind == 0:
    n = rng.randint(1, 4)
    for _ in range(n): data[rng.randrange(end)] = rng.randrange(256)
    what = f"{n} random byte(s) in the first {end}"
elif kind == 1:
    data[at] = rng.choice(telling); what = f"byte {at} set to 0x{data[at]:02X}"
elif kind == 2:
    del data[at:]; what = f"truncated to {at} bytes"
elif kind == 3:
    ins = bytes(rng.choice(telling) if rng.random() < 0.5 else rng.randrange(256) for _ in range(rng.randint(1, 16)))
    data[at:at] = ins; what = f"{len(ins)} byte(s) inserted at {at}"
else:
    n = rng.randint(1, 16); del data[at:at + n]; what = f"{n} byte(s) deleted at {at}"
open(path, "wb").write(data)
print(what)
PY
)"

  rc=0
  timeout "$limit" "$l2pd" decode --model "$run/model" --prompt-ids 1,2,3,4 --gen-length 32 --block-length 32 --steps 32 \
    --policy filter --filter "$run/filter.pth" --output json >"$run/stdout" 2>"$run/stderr" || rc=$?
  lines=$(grep -c '' "$run/stderr" || true)
  if [[ $rc -eq 0 ]]; then
    decoded=$((decoded + 1)); rm -rf "$run"
  elif [[ $rc -eq 1 && $lines -eq 1 ]] && grep -q '^error: ' "$run/stderr" && ! grep -q '   at ' "$run/stderr"; then
    errors=$((errors + 1)); rm -rf "$run"
  else
    crashed=$((crashed + 1))
    reason="exit $rc"
    [[ $rc -eq 124 ]] && reason="timeout after ${limit} s"
    [[ $rc -gt 128 && $rc -ne 124 ]] && reason="signal $((rc - 128))"
    echo "crashed: #$i $target ($what): $reason, $lines stderr line(s); logs in $run" >&2
    head -n 3 "$run/stderr" | sed 's/^/    /' >&2
  fi
done

echo "seed $seed: $count mutations: $decoded decoded, $errors one-line errors, $crashed crashed"
[[ $crashed -eq 0 ]] && rm -rf "$work"
[[ $crashed -eq 0 ]]
