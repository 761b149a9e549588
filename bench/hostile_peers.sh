#!/usr/bin/env bash
# Hostile inputs, side by side: pgfence, squawk (squawk-cli) and @flvmnt/pgfence (their CLIs, as
# bench/run.sh installs them) on the same generated migrations, one tool and one file at a time,
# each under a 30-second limit. Per input and tool: the outcome (ok: a report and an exit code of
# the tool's own, crash: a signal, a panic or an abort, timeout), CPU seconds and peak RSS, and
# whether the output carries a workflow command written by the input (a line that starts with
# "::" after leading white space, or "##[" anywhere), which a GitHub runner would obey.
#
#   bench/hostile_peers.sh [--pgfence PATH]
#
# The inputs come from tests/hostile/hostile_inputs.py (the parser-limit tests' generators) and
# are written to a temporary folder; nothing is kept but the printed table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$2"; shift 2 ;;
        *) echo "bench/hostile_peers.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/hostile_peers.sh: no pgfence binary at $pgfence" >&2; exit 3; }
bash "$here/run.sh" --install-only >/dev/null
squawk="$here/node_modules/@squawk-cli/linux-x64/bin/squawk"
flvmnt="$here/node_modules/.bin/pgfence"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$root/tests/hostile" "$work" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import hostile_inputs as g
out = sys.argv[2]
inputs = {
    "plus-chain-80k": g.sql_plus_chain(80000),
    "concat-chain-80k": g.sql_concat_chain(80000),
    "parens-5k": g.sql_parens(5000),
    "calls-5k": g.sql_calls(5000),
    "selects-1M": g.many_selects(1000000),
    "wide-table-400k": g.wide_table(400000),
    "add-columns-100k": g.many_add_columns(100000),
    "one-alter-30k-clauses": g.one_alter_many_clauses(30000),
    "savepoints-200k": g.many_savepoints(200000),
    "do-blocks-200k": g.many_do_blocks(200000),
    "index-name-stop-commands": 'CREATE TABLE t (a int);\nCREATE INDEX "x\n::stop-commands::pwned\n'
                                '::error file=README.md,line=1::FAKE\n##[error]FAKE" ON t (a);\n',
}
for name, text in inputs.items():
    with open(f"{out}/{name}.sql", "w") as f:
        f.write(text)
EOF

run_one() {  # tool, file -> "outcome cpu rss injected"
    local tool="$1" file="$2" status=0
    case "$tool" in
        pgfence) cmd=("$pgfence" analyze --no-config --color never "$file") ;;
        squawk) cmd=("$squawk" "$file") ;;
        flvmnt) cmd=(node "$flvmnt" analyze "$file") ;;
    esac
    timeout 30 /usr/bin/time -f "%U %S %M" -o "$work/time" "${cmd[@]}" >"$work/out" 2>"$work/err" || status=$?
    local outcome=ok
    if [[ $status -eq 124 ]]; then outcome=timeout
    elif [[ $status -gt 128 ]] || grep -qE "panicked|Segmentation|Aborted|RangeError|Maximum call stack|out of memory|core dumped" "$work/err"; then outcome=crash
    fi
    local cpu=- rss=-
    if [[ -s "$work/time" && $outcome != timeout ]]; then
        read -r user sys rss_kb < <(tail -1 "$work/time")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        rss=$((rss_kb / 1024))
    fi
    local injected=no
    if cat "$work/out" "$work/err" | sed 's/^[[:space:]]*//' | grep -qE '^::(stop-commands|add-mask|error file=README)|##\['; then injected=YES; fi
    printf '%s %s %s %s (exit %s)\n' "$outcome" "$cpu" "$rss" "$injected" "$status"
}

printf '%-26s %-9s %-8s %7s %8s  %-9s %s\n' input tool outcome cpu_s rss_mb injected exit
for file in "$work"/*.sql; do
    name="$(basename "$file" .sql)"
    for tool in pgfence squawk flvmnt; do
        read -r outcome cpu rss injected exit_note < <(run_one "$tool" "$file")
        printf '%-26s %-9s %-8s %7s %8s  %-9s %s\n' "$name" "$tool" "$outcome" "$cpu" "$rss" "$injected" "$exit_note"
    done
done
