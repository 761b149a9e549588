#!/usr/bin/env bash
# Lock accuracy: pgfence, squawk (npm squawk-cli) and @flvmnt/pgfence against what a real
# PostgreSQL 15 does, on the conformance suite's statements.
#
#   bench/accuracy.sh [--build DIR] [--no-squawk] [--no-flvmnt]
#
# Runs the conformance suite (tests/conformance, a throwaway PostgreSQL 15) with --observed to
# record the locks the server really takes for each of its statements, then has every tool
# read the same statements (each as a migration file: the case's earlier statements, then the
# statement) and compares what each says of the statement's strongest lock (bench/accuracy.py).
# The peers are installed as bench/run.sh installs them. DIR (default build) must hold a build
# with bot/pgfence and tests/conformance/pgfence_conformance.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$root/build"
peers=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build="$(cd "$2" && pwd)"; shift 2 ;;
        --no-squawk|--no-flvmnt) peers+=("$1"); shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/accuracy.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
pgfence="$build/bot/pgfence"
conformance="$build/tests/conformance/pgfence_conformance"
for f in "$pgfence" "$conformance"; do
    [[ -x "$f" ]] || { echo "bench/accuracy.sh: missing $f (build first, or pass --build DIR)" >&2; exit 1; }
done

bash "$here/run.sh" --install-only "${peers[@]}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # the conformance server runs as the postgres user when we are root
"$conformance" --source-dir "$root/tests/conformance" --observed "$work/observed.json" >"$work/conformance.log" ||
    { tail -n 20 "$work/conformance.log" >&2; echo "bench/accuracy.sh: the conformance run failed" >&2; exit 1; }

args=(--pgfence "$pgfence" --details "$here/results/accuracy.tsv" --json "$here/results/accuracy.json")
[[ " ${peers[*]:-} " == *" --no-squawk "* ]] || args+=(--squawk "$here/node_modules/@squawk-cli/linux-x64/bin/squawk")
[[ " ${peers[*]:-} " == *" --no-flvmnt "* ]] || args+=(--flvmnt "$here/node_modules/@flvmnt/pgfence/dist/index.js")
mkdir -p "$here/results"
python3 "$here/accuracy.py" "$work/observed.json" "${args[@]}"
echo "per statement: bench/results/accuracy.tsv; summary: bench/results/accuracy.json"
