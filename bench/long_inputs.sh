#!/usr/bin/env bash
# CPU time and peak RSS of pgfence on three long generated inputs (issue #32): 4 MB of CREATE
# INDEX statements on one line (findings on every statement, every position on that line), 16 MB
# of `SELECT 1;` lines and one INSERT of 16 MB (a long VALUES list), with the text and the JSON
# report; and, in the same run, the same inputs through the floor (libpg_query alone, the whole
# file parsed once: pg_query_raw_parse and pg_query_parse) and through squawk, when they are
# there. Reported, not judged: the bound is checked by tests/hostile/test_parser_limits.py
# (long_lines), at a quarter of these sizes, without timing.
#
#   bench/long_inputs.sh [--pgfence PATH] [--scale F] [--squawk PATH] [--squawk-timeout S]
#
# --scale multiplies every size (0.25 for a quick look). The floor is built in pgfence's CMake
# build folder (target pgfence_rawparse); squawk is bench/node_modules' native binary (bench/run.sh
# installs it) or --squawk; a tool that is missing is left out with a note. squawk runs under
# --squawk-timeout (default 60 s): it takes over ten minutes on the one-line file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgfence="${PGFENCE:-$root/build/bot/pgfence}"
squawk="$here/node_modules/@squawk-cli/linux-x64/bin/squawk"
squawk_timeout=60
scale=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pgfence) pgfence="$2"; shift 2 ;;
        --scale) scale="$2"; shift 2 ;;
        --squawk) squawk="$2"; shift 2 ;;
        --squawk-timeout) squawk_timeout="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/long_inputs.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x "$pgfence" ]] || { echo "bench/long_inputs.sh: no pgfence at $pgfence (build it or pass --pgfence)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/long_inputs.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

rawparse=""
build_dir="$(cd "$(dirname "$pgfence")/.." && pwd)"
if [[ -f "$build_dir/CMakeCache.txt" ]] && cmake --build "$build_dir" --target pgfence_rawparse >/dev/null 2>&1; then
    rawparse="$build_dir/bench/pgfence_rawparse"
else
    echo "note: no floor (pgfence_rawparse could not be built in $build_dir)"
fi
[[ -x "$squawk" ]] || { echo "note: no squawk at $squawk (bench/run.sh installs it; or pass --squawk)"; squawk=""; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gen() {  # shape bytes file
    python3 -c "import sys; sys.path.insert(0, '$root/tests/hostile'); import hostile_inputs as g; sys.stdout.write(g.$1(int($2)))" >"$3"
}
gen one_line "4 * 1024 * 1024 * $scale" "$tmp/one_line.sql"
gen selects_of_size "16 * 1024 * 1024 * $scale" "$tmp/selects.sql"
gen one_insert "16 * 1024 * 1024 * $scale" "$tmp/insert.sql"

# tool input bytes statements report_bytes: one row; the time file holds "%U %S %M" or "timeout".
row() {
    local tool="$1" input="$2" bytes="$3" statements="$4" report="$5"
    if [[ "$(tail -n 1 "$tmp/time")" == timeout ]]; then
        printf '%-10s %-13s %9.1f %10s %9s %9s %7s %9s\n' "$input" "$tool" "$(python3 -c "print($bytes / 1048576)")" "$statements" ">$squawk_timeout" "" "" ""
        return
    fi
    read -r user sys rss_kb < <(tail -n 1 "$tmp/time")
    python3 -c "
r = $report
print(f'{\"$input\":<10} {\"$tool\":<13} {$bytes / 1048576:9.1f} {\"$statements\":>10} {$user + $sys:9.2f} {$rss_kb / 1024:9.0f} {$rss_kb * 1024 / $bytes:7.1f} {(f\"{r / 1048576:9.0f}\" if r >= 0 else \"\"):>9}')"
}
printf '%-10s %-13s %9s %10s %9s %9s %7s %9s\n' input tool input_mb statements cpu_s peak_mb x_input report_mb
for input in one_line selects insert; do
    file="$tmp/$input.sql"
    bytes=$(stat -c %s "$file")
    statements="?"
    for format in text json; do
        /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$pgfence" analyze --no-config --format "$format" --max-file-size 4096 \
            "$file" >"$tmp/out" 2>/dev/null || true
        found=$(grep -o '"statements": [0-9]*' "$tmp/out" | tail -n 1 | grep -o '[0-9]*$' || true)
        [[ -n "$found" ]] || found=$(grep -o '[0-9]* statements,' "$tmp/out" | tail -n 1 | grep -o '^[0-9]*' || true)
        [[ -n "$found" ]] && statements="$found"
        row "pgfence-$format" "$input" "$bytes" "$statements" "$(stat -c %s "$tmp/out")"
    done
    if [[ -n "$rawparse" ]]; then
        for mode in raw json; do
            /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$rawparse" "$mode" "$file" >/dev/null 2>&1 || true
            row "parse-$mode" "$input" "$bytes" "" -1
        done
    fi
    if [[ -n "$squawk" ]]; then
        status=0
        timeout "$squawk_timeout" /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$squawk" "$file" >"$tmp/out" 2>/dev/null || status=$?
        [[ $status -eq 124 ]] && echo timeout >"$tmp/time"
        row squawk "$input" "$bytes" "" "$(stat -c %s "$tmp/out")"
    fi
done
