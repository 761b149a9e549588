#!/usr/bin/env bash
# Runs every test: unit, CLI, corpus robustness and the conformance suite against a real
# PostgreSQL 15 (started and stopped by the suite itself). The action's images and the packages in
# real containers are scripts/test-container.sh, run on its own (it builds two images: ~20 min).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bot/pgfence ] || { echo "error: build first with scripts/setup.sh" >&2; exit 2; }
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure
