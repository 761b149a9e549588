#!/usr/bin/env bash
# How pgfence's time and memory grow with the size of one file, for the shapes of hostile input
# that used to grow quadratically (issue #13 item 8): N, 2N, 4N and 8N statements (or columns)
# of each shape, the CPU time and peak RSS of `pgfence analyze --format json` on each, and the
# ratio 8N/N. Linear growth gives about 8 (less for memory, which has a fixed base).
#
#   bench/scaling.sh [--pgfence PATH] [--n N] [--shapes a,b,...]
#
# Exits 1 when a shape's CPU time or peak RSS grows more than 16 times from N to 8N (clearly
# superlinear: quadratic growth gives 64), 0 otherwise. Shapes: selects columns add_columns add_clauses
# savepoints do_blocks settings (tests/hostile/hostile_inputs.py generates them), and pr: `pgfence pr`
# on a repository of N/200 golang-migrate up/down pairs to which a pull request adds half as many.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
n=20000
shapes="selects,columns,add_columns,add_clauses,savepoints,do_blocks,settings,pr"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$2"; shift 2 ;;
        --n) n="$2"; shift 2 ;;
        --shapes) shapes="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/scaling.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/scaling.sh: no pgfence at $pgfence (build it or pass --pgfence)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/scaling.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

# pr_repo DIR N: a git repository whose base has N golang-migrate up/down pairs (db/migrations, run
# by migrate.sh) and whose branch `pr` adds N/2 more.
pr_repo() {
    local dir="$1" pairs="$2"
    rm -rf "$dir" && mkdir -p "$dir/db/migrations"
    git -C "$dir" init -q -b main
    printf '#!/bin/sh\nmigrate -path db/migrations -database "$DATABASE_URL" up\n' >"$dir/migrate.sh"
    local write='import sys
d, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(a, b + 1):
    open(f"{d}/{i:06d}_m{i}.up.sql", "w").write(f"CREATE TABLE t{i} (id int);\n")
    open(f"{d}/{i:06d}_m{i}.down.sql", "w").write(f"DROP TABLE t{i};\n")'
    python3 -c "$write" "$dir/db/migrations" 1 "$pairs"
    git -C "$dir" add -A && git -C "$dir" -c user.name=b -c user.email=b@b commit -qm base
    git -C "$dir" checkout -qb pr
    python3 -c "$write" "$dir/db/migrations" $((pairs + 1)) $((pairs + pairs / 2))
    git -C "$dir" add -A && git -C "$dir" -c user.name=b -c user.email=b@b commit -qm pr
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
printf '%-12s %8s %10s %10s\n' shape n cpu_s peak_mb
for shape in ${shapes//,/ }; do
    first_cpu="" first_rss=""
    for k in 1 2 4 8; do
        count=$((n * k))
        file="$tmp/$shape.sql"
        if [[ "$shape" == pr ]]; then
            # `pgfence pr` on a repository of count/200 golang-migrate up/down pairs to which the
            # pull request adds half as many again (red team R71 F14: quadratic in the files).
            pr_repo "$tmp/repo" $((count / 200))
            /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" pr --repo "$tmp/repo" --base main --head pr --no-config --ci --jobs 1 >/dev/null 2>&1 || true
        else
            python3 -c "import sys; sys.path.insert(0, '$root/tests/hostile'); import hostile_inputs as g; sys.stdout.write(g.SHAPES['$shape']($count))" >"$file"
            /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" analyze --no-config --format json --max-file-size 4096 "$file" >/dev/null 2>&1 || true
        fi
        read -r user sys rss_kb < <(tail -n 1 "$tmp/time")
        cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
        rss_mb=$((rss_kb / 1024))
        printf '%-12s %8d %10s %10d\n' "$shape" "$count" "$cpu" "$rss_mb"
        if [[ $k -eq 1 ]]; then first_cpu=$cpu; first_rss=$rss_mb; fi
    done
    verdict=$(python3 -c "
cpu = max($cpu, 0.01) / max($first_cpu, 0.01)
rss = $rss_mb / max($first_rss, 1)
# Under 0.5 s the timer's granularity dominates: only memory is judged there.
bad = (cpu > 16 and $cpu >= 0.5) or rss > 16
print(f'{cpu:.1f} {rss:.1f} {\"SUPERLINEAR\" if bad else \"linear\"}')")
    read -r cpu_ratio rss_ratio word <<<"$verdict"
    printf '%-12s ratio 8N/N: cpu %s, peak RSS %s: %s\n' "$shape" "$cpu_ratio" "$rss_ratio" "$word"
    [[ "$word" == linear ]] || status=1
done
exit $status
