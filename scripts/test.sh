#!/usr/bin/env bash
# Runs every test: unit, CLI, corpus robustness and the conformance suite against a real
# PostgreSQL 15 (started and stopped by the suite itself), then the action's images and the
# packages in real containers (scripts/test-container.sh: it builds the two images with podman,
# about 10 min on a new machine, and skips with one line where podman cannot run).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bot/pgfence ] || { echo "error: build first with scripts/setup.sh" >&2; exit 2; }
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure
bash scripts/test-container.sh
