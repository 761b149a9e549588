#!/usr/bin/env bash
# How pgfence's time grows with the number of migration files (issue "The house in layers, and
# speed back": 4,000 files took 37 times the CPU of 500). A synthetic Flyway history of N, 2N,
# 4N and 8N one-statement files on a growing schema (bench/history_files.py), analysed as
# `pgfence analyze --no-config --format json --jobs 1 db/migration` (each file after the schema
# the files before it built); the CPU time (user + system, GNU time) and peak RSS of each, the
# ratio of each step to the one before, and 8N/N. Linear growth gives about 2 a step and 8 in all.
#
#   bench/file_scaling.sh [--pgfence PATH] [--n N] [--runs R]
#
# N defaults to 500; each point is the median of R runs (default 3). Exits 1 when 8N/N passes 16
# (quadratic growth gives 64), 0 otherwise; CPU times under half a second are not judged.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
n=500
runs=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$2"; shift 2 ;;
        --n) n="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/file_scaling.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/file_scaling.sh: no pgfence at $pgfence (build it or pass --pgfence)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/file_scaling.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '%8s %10s %10s %12s\n' files cpu_s peak_mb 'x previous'
first="" previous="" cpu=""
for k in 1 2 4 8; do
    count=$((n * k))
    python3 "$here/history_files.py" "$count" "$tmp/h$count"
    samples=()
    rss_mb=0
    for ((r = 0; r < runs; r++)); do
        (cd "$tmp/h$count" && /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" analyze --no-config --format json --jobs 1 db/migration >/dev/null 2>&1) || true
        read -r user sys rss_kb < <(tail -n 1 "$tmp/time")
        samples+=("$(python3 -c "print(f'{$user + $sys:.2f}')")")
        rss_mb=$((rss_kb / 1024))
    done
    cpu=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    step=$([[ -z "$previous" ]] && echo - || python3 -c "print(f'{max($cpu, 0.01) / max($previous, 0.01):.2f}')")
    printf '%8d %10s %10d %12s\n' "$count" "$cpu" "$rss_mb" "$step"
    [[ -z "$first" ]] && first=$cpu
    previous=$cpu
    rm -rf "$tmp/h$count"
done
verdict=$(python3 -c "
ratio = max($cpu, 0.01) / max($first, 0.01)
bad = ratio > 16 and $cpu >= 0.5
print(f'{ratio:.1f} {\"SUPERLINEAR\" if bad else \"linear\"}')")
read -r ratio word <<<"$verdict"
printf 'ratio %d/%d files: cpu %s (linear: about 8): %s\n' "$((n * 8))" "$n" "$ratio" "$word"
[[ "$word" == linear ]]
