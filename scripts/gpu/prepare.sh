#!/usr/bin/env bash
# Builds what the lent GPU machine needs into .gpu/ (git-ignored; pass it in the run's `carry`):
# a compressed self-contained linux-x64 publish of l2pd WITHOUT libtorch (that machine brings its
# own, next to torch.__file__), and a copy of ../shared/golden (which does not travel by itself).
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu
mkdir -p .gpu/publish
dotnet publish src/Learn2PD.Cli -c Release -r linux-x64 --self-contained -p:TorchBackend=none -o .gpu/publish
tar -C .gpu/publish -cJf .gpu/l2pd.tar.xz .
rm -rf .gpu/publish
cp -r ../shared/golden .gpu/golden
cp scripts/gpu/*.py scripts/gpu/run.sh .gpu/
du -sh .gpu
