#!/usr/bin/env bash
# How l2pd's libtorch threads behave alone and beside another CPU-bound process: one baseline decode
# (embedded model, gen 256) alone, then two at once, under each OpenMP wait setting. Run it on an
# otherwise idle machine. Usage: scripts/bench-threads.sh [gen-length]
# SETTINGS="GOMP_SPINCOUNT=300 ..." picks the settings; THREADS=N passes --threads N to every decode
# (without it each process takes the default: the cores shared out among busy l2pd processes).
set -euo pipefail
cd "$(dirname "$0")/.."
gen="${1:-256}"
threads=(${THREADS:+--threads "$THREADS"})
dotnet build src/Learn2PD.Cli -c Release -nologo -v q >/dev/null
bin=src/Learn2PD.Cli/bin/Release/net10.0/l2pd
prompt="Mia has 3 apples. She buys 2 more. How many apples does she have now?"
decode() { "$bin" decode --prompt "$prompt" --gen-length "$gen" "${threads[@]}" --output json "$@" | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p'; }
run() {  # label, env assignments...
  local label=$1; shift
  decode >/dev/null   # warm the page cache and the JIT-free paths
  local alone a b
  alone=$(env "$@" "$bin" decode --prompt "$prompt" --gen-length "$gen" "${threads[@]}" --output json | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p')
  a=$(mktemp); b=$(mktemp)
  (env "$@" "$bin" decode --prompt "$prompt" --gen-length "$gen" "${threads[@]}" --output json | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' > "$a") &
  (env "$@" "$bin" decode --prompt "$prompt" --gen-length "$gen" "${threads[@]}" --output json | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' > "$b") &
  wait
  printf '%-40s alone %6.2f s   two at once %6.2f s and %6.2f s   (%.1fx and %.1fx)\n' "$label" "$alone" "$(cat "$a")" "$(cat "$b")" \
    "$(echo "$(cat "$a") / $alone" | bc -l)" "$(echo "$(cat "$b") / $alone" | bc -l)"
  rm -f "$a" "$b"
}
settings=("${SETTINGS[@]:-L2PD_BENCH=1 OMP_WAIT_POLICY=ACTIVE OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=300 GOMP_SPINCOUNT=1000 GOMP_SPINCOUNT=3000 GOMP_SPINCOUNT=10000 GOMP_SPINCOUNT=300000}")
for setting in ${settings[@]}; do run "$setting" "$setting"; done
