#!/usr/bin/env bash
# How pgfence's time grows with the number of migration files (issue "The house in layers, and
# speed back": 4,000 files took 28 to 37 times the CPU of 500). Three shapes, each at N, 2N, 4N
# and 8N files (bench/history_files.py writes them: one statement a file, on a schema that grows
# with its set):
#   history   one Flyway set of N files (db/migration), each file after the schema the ones
#             before it built
#   folders   one set of N files copied into 1, 2, 4 and 8 folders (N, ..., 8N files)
#   monorepo  many sets of --set-size files each (default 50), up to 8 * --monorepo-n files
#             (default 3,750: 30,000 files at 8N)
# analysed as `pgfence analyze --no-config --format json --jobs 1 <folder>`. Per point the least
# CPU time (user + system, GNU time) of R runs (the least is the one the machine's load
# disturbed least) and the peak RSS; the ratio of each step to the one before and 8N/N.
#
#   bench/file_scaling.sh [--pgfence PATH] [--n N] [--monorepo-n N] [--set-size S] [--runs R]
#                         [--shapes history,folders,monorepo] [--limit X]
#
# N defaults to 500, R to 3. Exits 1 when a shape's 8N/N passes X (default 9: linear growth
# gives about 8, a cost in the square of the files 64), 0 otherwise; a shape whose 8N point
# takes under half a second of CPU is not judged (the timer's granularity and the process's
# start-up dominate there).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
n=500
monorepo_n=3750
set_size=50
runs=3
limit=9
shapes="history,folders,monorepo"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$(realpath -- "$2")"; shift 2 ;;
        --n) n="$2"; shift 2 ;;
        --monorepo-n) monorepo_n="$2"; shift 2 ;;
        --set-size) set_size="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --shapes) shapes="$2"; shift 2 ;;
        --limit) limit="$2"; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/file_scaling.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/file_scaling.sh: no pgfence at $pgfence (build it or pass --pgfence)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/file_scaling.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
printf '%-9s %7s %6s %8s %8s %11s\n' shape files sets cpu_s peak_mb 'x previous'
for shape in ${shapes//,/ }; do
    first="" previous="" cpu=""
    for k in 1 2 4 8; do
        dir="$tmp/$shape$k"
        case "$shape" in
            history) count=$((n * k)); sets=1; python3 "$here/history_files.py" "$count" "$dir"; target=db/migration ;;
            folders) count=$((n * k)); sets=$k; python3 "$here/history_files.py" "$n" "$dir" "$k"; target=. ;;
            monorepo)
                sets=$(((monorepo_n * k + set_size - 1) / set_size)); count=$((sets * set_size))
                python3 "$here/history_files.py" "$set_size" "$dir" "$sets"; target=. ;;
            *) echo "bench/file_scaling.sh: unknown shape '$shape' (history, folders, monorepo)" >&2; exit 2 ;;
        esac
        best="" rss_mb=0
        for ((r = 0; r < runs; r++)); do
            (cd "$dir" && /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" analyze --no-config --format json --jobs 1 "$target" >/dev/null 2>&1) || true
            read -r user sys rss_kb < <(tail -n 1 "$tmp/time")
            best=$(python3 -c "b = '$best'; c = $user + $sys; print(f'{min(c, float(b)) if b else c:.2f}')")
            rss_mb=$((rss_kb / 1024))
        done
        cpu=$best
        step=$([[ -z "$previous" ]] && echo - || python3 -c "print(f'{max($cpu, 0.01) / max($previous, 0.01):.2f}')")
        printf '%-9s %7d %6d %8s %8d %11s\n' "$shape" "$count" "$sets" "$cpu" "$rss_mb" "$step"
        [[ -z "$first" ]] && first=$cpu
        previous=$cpu
        rm -rf "$dir"
    done
    verdict=$(python3 -c "
ratio = max($cpu, 0.01) / max($first, 0.01)
bad = ratio > $limit and $cpu >= 0.5
print(f'{ratio:.1f} {\"SUPERLINEAR\" if bad else \"linear\"}')")
    read -r ratio word <<<"$verdict"
    printf '%-9s ratio 8N/N files: cpu %s (linear: about 8, limit %s): %s\n' "$shape" "$ratio" "$limit" "$word"
    [[ "$word" == linear ]] || status=1
done
exit $status
