#!/usr/bin/env bash
# CPU time and peak RSS of pgfence on two long generated inputs (issue #32 item 2): 4 MB of
# CREATE INDEX statements on one line (a finding each, every position on that line), 16 MB of
# `SELECT 1;` lines and one INSERT of 16 MB (a long VALUES list), with the text and the JSON
# report. Reported, not judged: the bound is checked by tests/hostile/test_parser_limits.py
# (long_lines), at a quarter of these sizes, without timing.
#
#   bench/long_inputs.sh [--pgfence PATH] [--scale F]
#
# --scale multiplies both sizes (0.25 for a quick look).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
scale=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$2"; shift 2 ;;
        --scale) scale="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/long_inputs.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/long_inputs.sh: no pgfence at $pgfence (build it or pass --pgfence)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/long_inputs.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gen() {  # shape bytes file
    python3 -c "import sys; sys.path.insert(0, '$root/tests/hostile'); import hostile_inputs as g; sys.stdout.write(g.$1(int($2)))" >"$3"
}
gen one_line "4 * 1024 * 1024 * $scale" "$tmp/one_line.sql"
gen selects_of_size "16 * 1024 * 1024 * $scale" "$tmp/selects.sql"
gen one_insert "16 * 1024 * 1024 * $scale" "$tmp/insert.sql"
printf '%-10s %-6s %9s %10s %9s %9s %7s\n' input format input_mb statements cpu_s peak_mb x_input
for input in one_line selects insert; do
    file="$tmp/$input.sql"
    bytes=$(stat -c %s "$file")
    for format in text json; do
        /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" analyze --no-config --format "$format" --max-file-size 4096 \
            "$file" >"$tmp/out" 2>/dev/null || true
        read -r user sys rss_kb < <(tail -n 1 "$tmp/time")
        statements=$(grep -o '"statements": [0-9]*' "$tmp/out" | tail -n 1 | grep -o '[0-9]*$' || true)
        [[ -n "$statements" ]] || statements=$(grep -o '[0-9]* statements,' "$tmp/out" | tail -n 1 | grep -o '^[0-9]*' || echo "?")
        python3 -c "print(f'{\"$input\":<10} {\"$format\":<6} {$bytes / 1048576:9.1f} {\"$statements\":>10} {$user + $sys:9.2f} {$rss_kb / 1024:9.0f} {$rss_kb * 1024 / $bytes:7.1f}')"
    done
done
