#!/usr/bin/env bash
# Runs every test: unit, CLI, corpus robustness and the conformance suite against a real
# PostgreSQL 15 (started and stopped by the suite itself), then the arm64 tarball under qemu-user
# against the x86_64 build (scripts/test-arm64.sh), then the action's images and the packages,
# the npm package included, in real containers (scripts/test-container.sh: it builds the two
# images with podman, about 10 min on a new machine, and skips with one line where podman cannot run).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bot/pgfence ] || { echo "error: build first with scripts/setup.sh" >&2; exit 2; }
cmake --build build -j"$(nproc)"
# As many tests at once as there are cores: each starts its own PostgreSQL (temp dir, random port), and
# the suite ran clean two at a time on 2 loaded cores (671 s against about 1,250 s one at a time).
ctest --test-dir build -j"$(nproc)" --output-on-failure
arm64=0
bash scripts/test-arm64.sh build build-arm64 || arm64=1
bash scripts/test-container.sh
[ "$arm64" -eq 0 ] || { echo "error: scripts/test-arm64.sh failed (above)" >&2; exit 1; }
