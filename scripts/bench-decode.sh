#!/usr/bin/env bash
# Forward speed against the FLOP floor (measured matmul rate) and each policy's own overhead per step,
# on the golden tiny LLaDA and on a random d_model-256, 6-layer LLaDA at 320 and 1088 tokens, fp32 and bf16.
set -euo pipefail
cd "$(dirname "$0")/.."
l2pd() { dotnet run --project src/Learn2PD.Cli -c Release --no-build -- "$@"; }
dotnet build src/Learn2PD.Cli -c Release -nologo -v q
echo "# golden tiny LLaDA (d_model 64, 2 layers)"
l2pd bench --model ../shared/golden/llada-tiny/model --tokens 320,1088 --dtypes fp32,bf16 --policies
echo "# random LLaDA, d_model 256, 6 layers"
l2pd bench --preset d256l6 --tokens 320,1088 --dtypes fp32,bf16 --policies
