#!/usr/bin/env bash
# Benchmark: pgfence against squawk (npm squawk-cli) and @flvmnt/pgfence (the TypeScript
# original) on every .sql file of the shared real-world corpus, in one run, and against the floor:
# libpg_query alone parsing the same files (bench/rawparse.c; JSON output, and the raw tree).
#
#   bench/run.sh [--runs N] [--jobs N] [--corpus DIR] [--pgfence PATH] [--no-squawk] [--no-flvmnt]
#                [--no-floor] [--no-file-scaling]
#   bench/run.sh --install-only [--no-squawk] [--no-flvmnt]   (install the peers, run nothing)
#
# Each tool gets the same file list in one invocation per run (or, if the list is too long
# for one command line, the same xargs batching for every tool), output to /dev/null. Runs
# alternate between tools; the median of N runs (default 3, after one warm-up) is reported.
# Files a tool crashes or aborts on are found first and left out for every tool (listed).
# Results: printed, and written to bench/results/latest.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
corpus="$root/../shared/corpus"
runs=3
jobs=""
pgfence="${PGFENCE:-}"
use_squawk=1
use_flvmnt=1
use_floor=1
use_file_scaling=1
install_only=0
readonly squawk_version="2.66.0"
readonly flvmnt_version="0.1.5"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --jobs) jobs="$2"; shift 2 ;;
        --jobs=*) jobs="${1#*=}"; shift ;;
        --corpus) corpus="$2"; shift 2 ;;
        --corpus=*) corpus="${1#*=}"; shift ;;
        --pgfence) pgfence="$2"; shift 2 ;;
        --pgfence=*) pgfence="${1#*=}"; shift ;;
        --no-squawk) use_squawk=0; shift ;;
        --no-flvmnt) use_flvmnt=0; shift ;;
        --no-floor) use_floor=0; shift ;;
        --no-file-scaling) use_file_scaling=0; shift ;;
        --install-only) install_only=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --runs takes a positive whole number" >&2; exit 2; }

say() { printf '%s\n' "$*"; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }

if [[ ! -d "$corpus" ]]; then
    say "bench/run.sh: SKIP: no corpus at $corpus (the shared corpus folder beside the repository is absent)"
    exit 0
fi
corpus="$(cd "$corpus" && pwd)"
# The runs happen in the corpus folder: a relative --pgfence is the caller's, made absolute here.
if [[ -n "$pgfence" && "$pgfence" != /* ]]; then pgfence="$(pwd)/$pgfence"; fi

# --- tools -------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing GNU time (apt-get install time)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    fi
    [[ -x /usr/bin/time ]] || die "missing /usr/bin/time (GNU time): apt-get install time"
fi

if [[ -z "$pgfence" ]]; then
    for candidate in "$root/build-bench/bot/pgfence" "$root/build/bot/pgfence"; do
        if [[ -x "$candidate" ]]; then pgfence="$candidate"; break; fi
    done
fi
if [[ -z "$pgfence" ]]; then
    say "building pgfence (RelWithDebInfo) in $root/build-bench"
    cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    make -C "$root/build-bench" -j2 pgfence >/dev/null
    pgfence="$root/build-bench/bot/pgfence"
fi
[[ -x "$pgfence" ]] || die "pgfence binary not found at $pgfence"
# The floor is built in pgfence's own build folder (its libpg_query), when that is one.
rawparse=""
if [[ $use_floor -eq 1 && $install_only -eq 0 ]]; then
    build_dir="$(cd "$(dirname "$pgfence")/.." && pwd)"
    if [[ -f "$build_dir/CMakeCache.txt" ]] && cmake --build "$build_dir" --target pgfence_rawparse >/dev/null 2>&1; then
        rawparse="$build_dir/bench/pgfence_rawparse"
    else
        say "no floor: pgfence_rawparse could not be built in $build_dir (pass --pgfence BUILD/bot/pgfence of a CMake build)"
        use_floor=0
    fi
fi

installed_version() {  # package name -> version installed under bench/node_modules, or nothing
    local manifest="$here/node_modules/$1/package.json"
    [[ -f "$manifest" ]] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}
if [[ $use_squawk -eq 1 || $use_flvmnt -eq 1 ]]; then
    wanted=()
    if [[ $use_squawk -eq 1 && "$(installed_version squawk-cli)" != "$squawk_version" ]]; then
        wanted+=("squawk-cli@$squawk_version")
    fi
    if [[ $use_flvmnt -eq 1 && "$(installed_version @flvmnt/pgfence)" != "$flvmnt_version" ]]; then
        wanted+=("@flvmnt/pgfence@$flvmnt_version")
    fi
    if [[ ${#wanted[@]} -gt 0 ]]; then
        command -v npm >/dev/null || die "missing npm (needed for ${wanted[*]}): apt-get install npm, or pass --no-squawk --no-flvmnt"
        say "installing ${wanted[*]} into bench/node_modules"
        (cd "$here" && npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$here" "${wanted[@]}" >/dev/null 2>&1) ||
            die "npm install ${wanted[*]} failed (run it by hand in bench/ to see why)"
    fi
fi
# squawk-cli's npm entry point is a node wrapper that spawns the native binary of the matching
# platform package; the benchmark runs that binary directly, so node's start-up is not counted.
squawk_bin="$here/node_modules/@squawk-cli/linux-x64/bin/squawk"
flvmnt_js="$here/node_modules/@flvmnt/pgfence/dist/index.js"
if [[ $use_squawk -eq 1 && ! -x "$squawk_bin" ]]; then die "squawk binary missing at $squawk_bin (is this linux-x64?)"; fi
if [[ $use_flvmnt -eq 1 ]]; then
    command -v node >/dev/null || die "missing node (needed for @flvmnt/pgfence): apt-get install nodejs, or pass --no-flvmnt"
    [[ -f "$flvmnt_js" ]] || die "@flvmnt/pgfence missing at $flvmnt_js"
fi
[[ $install_only -eq 1 ]] && exit 0

# --- file list ---------------------------------------------------------------------------
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$corpus"
find . -type f -name '*.sql' -print0 | sort -z | sed -z 's|^\./||' >"$work/all.list"
all_count=$(tr -cd '\0' <"$work/all.list" | wc -c)
[[ $all_count -gt 0 ]] || { say "bench/run.sh: SKIP: no .sql files under $corpus"; exit 0; }
: >"$work/excluded.tsv"

# A tool "crashes" on a file when it dies by a signal or panics (squawk exits 101 then); lint
# findings (exit 1) and pgfence's "did not parse" (exit 2) are normal results. The check runs
# squawk in xargs batches, each failing batch's files then one by one.
if [[ $use_squawk -eq 1 ]]; then
    if ! xargs -0 sh -c '"$0" "$@" >/dev/null 2>&1; [ $? -le 3 ] || exit 255' "$squawk_bin" <"$work/all.list" 2>/dev/null; then
        say "squawk crashes on the whole list; checking file by file"
        while IFS= read -r -d '' f; do
            status=0
            timeout 60 "$squawk_bin" "$f" >/dev/null 2>"$work/one.err" || status=$?
            if [[ $status -gt 3 ]]; then
                reason="$(grep -m 1 -A 1 'panicked' "$work/one.err" | tr '\n' ' ' | head -c 160 || true)"
                [[ -n "$reason" ]] || reason="$(head -n 2 "$work/one.err" | tr '\n' ' ' | head -c 160)"
                printf 'squawk\t%s\texit %s: %s\n' "$f" "$status" "$reason" >>"$work/excluded.tsv"
            fi
        done <"$work/all.list"
    fi
fi
if [[ $use_flvmnt -eq 1 ]]; then
    # Its CLI stops at the first file it cannot parse; find those files in one node process.
    (cd "$corpus" && node "$here/flvmnt_preflight.mjs" "$here/node_modules/@flvmnt/pgfence/dist/analyzer.js" <"$work/all.list") |
        sed 's/^/@flvmnt\/pgfence\t/' >>"$work/excluded.tsv"
fi
cut -f2 "$work/excluded.tsv" | sort -u >"$work/excluded.names"
tr '\0' '\n' <"$work/all.list" | grep -vxF -f "$work/excluded.names" | tr '\n' '\0' >"$work/files.list" || true
file_count=$(tr -cd '\0' <"$work/files.list" | wc -c)
bytes=$(xargs -0 cat <"$work/files.list" | wc -c)

# One command line if the list fits (with room for the environment), else xargs for all tools.
list_bytes=$(wc -c <"$work/files.list")
arg_max=$(getconf ARG_MAX)
env_bytes=$(env | wc -c)
if (( list_bytes + env_bytes + 65536 < arg_max )); then batching="one invocation"; else batching="xargs"; fi
mapfile -d '' files <"$work/files.list"

# --- commands ----------------------------------------------------------------------------
# pgfence and pgfence-json read each file alone (--no-history), as squawk and @flvmnt/pgfence do:
# the like-for-like comparison. pgfence-history and pgfence-json-history are the default for a
# directory's migrations: each file analysed after the schema the files before it in its set
# built (README "Migration history"); the CPU targets must hold for them too.
tools=(pgfence pgfence-json pgfence-history pgfence-json-history)
[[ $use_squawk -eq 1 ]] && tools+=(squawk)
[[ $use_flvmnt -eq 1 ]] && tools+=(flvmnt)
[[ $use_floor -eq 1 ]] && tools+=(parse-json parse-raw)
threads_arg=()
[[ -n "$jobs" ]] && threads_arg=(--jobs "$jobs")
# Sets argv to the tool's command (the files follow it).
tool_argv() {
    case "$1" in
        pgfence) argv=("$pgfence" analyze --no-config --direction both --no-history "${threads_arg[@]}") ;;
        pgfence-json) argv=("$pgfence" analyze --no-config --direction both --no-history --format json "${threads_arg[@]}") ;;
        pgfence-history) argv=("$pgfence" analyze --no-config --direction both "${threads_arg[@]}") ;;
        pgfence-json-history) argv=("$pgfence" analyze --no-config --direction both --format json "${threads_arg[@]}") ;;
        squawk) argv=("$squawk_bin") ;;
        flvmnt) argv=(node "$flvmnt_js" analyze) ;;
        parse-json) argv=("$rawparse" json) ;;
        parse-raw) argv=("$rawparse" raw) ;;
    esac
}

# Runs one tool once over the list: prints "wall_seconds max_rss_kb user_s sys_s exit".
# CPU time is bash's `time` of the child (milliseconds; GNU time prints hundredths, too coarse for
# the parse floor), peak RSS GNU time's.
run_once() {
    local tool="$1" start end status rss user sys TIMEFORMAT='%3U %3S'
    tool_argv "$tool"
    start=$(date +%s%N)
    status=0
    { time {
        if [[ "$batching" == "one invocation" ]]; then
            /usr/bin/time -v -o "$work/time.txt" "${argv[@]}" "${files[@]}" >/dev/null 2>"$work/$tool.stderr" || status=$?
        else
            /usr/bin/time -v -o "$work/time.txt" xargs -0 "${argv[@]}" <"$work/files.list" >/dev/null 2>"$work/$tool.stderr" || status=$?
        fi
    }; } 2>"$work/cpu.txt"
    end=$(date +%s%N)
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    read -r user sys <"$work/cpu.txt"
    if grep -q 'Command terminated by signal' "$work/time.txt"; then
        status=$((128 + $(sed -n 's/.*terminated by signal //p' "$work/time.txt")))
    fi
    awk -v s="$start" -v e="$end" -v r="$rss" -v u="$user" -v y="$sys" -v x="$status" \
        'BEGIN { printf "%.4f %d %.3f %.3f %d\n", (e - s) / 1e9, r, u, y, x }'
}

# pgfence's own counts, from one JSON report of the same list (not timed).
if [[ "$batching" == "one invocation" ]]; then
    "$pgfence" analyze --no-config --direction both --format json "${files[@]}" >"$work/report.json" 2>/dev/null || true
else
    xargs -0 "$pgfence" analyze --no-config --direction both --format json <"$work/files.list" >"$work/report.json" 2>/dev/null || true
fi
# The report's own summary counts (not those of summary.history, which has the same names).
summary_number() {
    python3 -c 'import json, sys
try:
    print(json.load(open(sys.argv[1]))["summary"].get(sys.argv[2], 0))
except Exception:
    print(0)' "$work/report.json" "$1"
}
pg_files=$(summary_number files)
pg_statements=$(summary_number statements)
pg_unparsable=$(summary_number unparsable)
pg_unknown=$(summary_number unknown)

say "corpus:     $corpus"
say "files:      $file_count of $all_count .sql files ($((bytes / 1024)) KiB), $batching per run"
if [[ -s "$work/excluded.tsv" ]]; then
    say "left out for every tool (a tool crashed or aborted on them):"
    sed 's/^/  /' "$work/excluded.tsv"
fi
say "pgfence:    $pgfence ($("$pgfence" version)), --direction both (every statement, like the others), jobs ${jobs:-one per core of $(nproc)}"
say "            report: $pg_files files, $pg_statements statements ($pg_unparsable unparsable, $pg_unknown unknown)"
[[ $use_squawk -eq 1 ]] && say "squawk:     $("$squawk_bin" --version) (native binary of squawk-cli@$squawk_version)"
[[ $use_flvmnt -eq 1 ]] && say "flvmnt:     @flvmnt/pgfence@$flvmnt_version on node $(node --version)"
[[ $use_floor -eq 1 ]] && say "floor:      $rawparse, one thread, one parse per file: parse-json (pg_query_parse), parse-raw (pg_query_raw_parse)"
say "runs:       $runs (+1 warm-up), median reported; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
say ""

for tool in "${tools[@]}"; do run_once "$tool" >/dev/null; done  # warm-up: page cache, node's code cache
declare -A samples
for ((i = 1; i <= runs; i++)); do
    for tool in "${tools[@]}"; do
        samples[$tool]+="$(run_once "$tool")"$'\n'
    done
done

median() {  # column number -> median of that column of stdin
    awk -v c="$1" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A wall rss cpu code
for tool in "${tools[@]}"; do
    data="$(printf '%s' "${samples[$tool]}" | sed '/^$/d')"
    wall[$tool]=$(median 1 <<<"$data")
    rss[$tool]=$(median 2 <<<"$data")
    cpu[$tool]=$(awk '{ print $3 + $4 }' <<<"$data" | median 1)
    code[$tool]=$(awk '{ print $5 }' <<<"$data" | sort -u | paste -sd, -)
done

printf '%-20s %7s %12s %11s %10s %8s\n' tool files "wall (s)" "cpu (s)" "RSS (MB)" exit
for tool in "${tools[@]}"; do
    printf '%-20s %7d %12.3f %11.3f %10.1f %8s\n' "$tool" "$file_count" "${wall[$tool]}" "${cpu[$tool]}" \
        "$(awk -v k="${rss[$tool]}" 'BEGIN { print k / 1024 }')" "${code[$tool]}"
done
say ""

for tool in pgfence pgfence-json pgfence-history pgfence-json-history; do
    if tr ',' '\n' <<<"${code[$tool]}" | awk '$1 > 2 { bad = 1 } END { exit !bad }'; then
        say "WARNING: $tool ended with exit ${code[$tool]} (a crash, or an error other than 'did not parse'): its numbers do not count"
        failed_tools+=" $tool"
        say "  stderr of the last run: $(head -c 300 "$work/$tool.stderr" | tr '\n' ' ')"
    fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ratios_json=""
for other in squawk flvmnt; do
    [[ -n "${wall[$other]:-}" ]] || continue
    for mine in pgfence pgfence-json; do
        t=$(ratio "${wall[$other]}" "${wall[$mine]}")
        c=$(ratio "${cpu[$other]}" "${cpu[$mine]}")
        m=$(ratio "${rss[$other]}" "${rss[$mine]}")
        say "$other/$mine: time ratio ${t}x (CPU time ${c}x), memory ratio ${m}x"
        ratios_json+="${ratios_json:+,}\"${other}_over_${mine}\": {\"time\": $t, \"cpu_time\": $c, \"memory\": $m}"
    done
done
# The floor: how many times the parse alone pgfence's CPU time is.
for floor in parse-json parse-raw; do
    [[ -n "${cpu[$floor]:-}" ]] || continue
    for mine in pgfence pgfence-json; do
        c=$(ratio "${cpu[$mine]}" "${cpu[$floor]}")
        m=$(ratio "${rss[$mine]}" "${rss[$floor]}")
        say "$mine/$floor: CPU time ${c}x, memory ${m}x"
        ratios_json+="${ratios_json:+,}\"${mine}_over_${floor}\": {\"cpu_time\": $c, \"memory\": $m}"
    done
done
target_lines=()
# A pgfence run that failed measured nothing: no target is met by it.
verdict_at_least() { [[ -z "${failed_tools:-}" ]] || { echo "NOT measured (pgfence failed:${failed_tools})"; return; }
                     awk -v r="$1" -v t="$2" 'BEGIN { print (r != "n/a" && r >= t) ? "met" : "NOT met" }'; }
verdict_at_most() { [[ -z "${failed_tools:-}" ]] || { echo "NOT measured (pgfence failed:${failed_tools})"; return; }
                    awk -v r="$1" -v t="$2" 'BEGIN { print (r != "n/a" && r <= t) ? "met" : "NOT met" }'; }
for mine in pgfence pgfence-json pgfence-history pgfence-json-history; do
    case "$mine" in
        pgfence) what="text output" ;;
        pgfence-json) what="JSON output" ;;
        pgfence-history) what="text output, history on" ;;
        *) what="JSON output, history on" ;;
    esac
    if [[ -n "${cpu[squawk]:-}" ]]; then
        c=$(ratio "${cpu[squawk]}" "${cpu[$mine]}")
        target_lines+=("target CPU time >= 3x less than squawk ($what): ${c}x, $(verdict_at_least "$c" 3)")
    fi
    if [[ -n "${cpu[parse-json]:-}" && $mine != *history ]]; then
        c=$(ratio "${cpu[$mine]}" "${cpu[parse-json]}")
        target_lines+=("target CPU time <= 3x the raw libpg_query parse, pg_query_parse ($what): ${c}x, $(verdict_at_most "$c" 3)")
    fi
done
if [[ -n "${wall[squawk]:-}" ]]; then
    t=$(ratio "${wall[squawk]}" "${wall[pgfence]}")
    verdict=$(verdict_at_least "$t" 2.5)
    target_lines+=("target >= 2.5x faster than squawk (text output): ${t}x, $verdict")
    t=$(ratio "${wall[squawk]}" "${wall[pgfence-json]}")
    verdict=$(verdict_at_least "$t" 2.5)
    target_lines+=("target >= 2.5x faster than squawk (JSON output): ${t}x, $verdict")
fi
c=$(ratio "${cpu[pgfence-history]}" "${cpu[pgfence]}")
target_lines+=("history chaining (each file after the files before it in its set): CPU ${c}x the text report's")
peak=$(awk -v a="${rss[pgfence]}" -v b="${rss[pgfence-json]}" 'BEGIN { print (a > b ? a : b) / 1024 }')
target_lines+=("target peak RSS < 64 MB: $(printf '%.1f' "$peak") MB, $(awk -v p="$peak" 'BEGIN { print (p < 64) ? "met" : "NOT met" }')")
# Growth with the number of files (bench/file_scaling.sh): synthetic Flyway histories of N to 8N
# one-statement files, each analysed after the ones before it: one set, one set copied into 1 to
# 8 folders, and a monorepo of 50-file sets up to 30,000 files.
if [[ $use_file_scaling -eq 1 ]]; then
    say ""
    say "files: synthetic histories, N to 8N files (bench/file_scaling.sh --n 500 --runs 3)"
    scaling_out="$(bash "$here/file_scaling.sh" --pgfence "$pgfence" --n 500 --runs 3 || true)"
    say "$scaling_out"
    while read -r shape r; do
        target_lines+=("target CPU time linear in the files ($shape, 8N over N files, linear about 8): ${r}x, $(verdict_at_most "$r" 9)")
    done < <(printf '%s\n' "$scaling_out" | sed -n 's/^\([a-z]*\) *ratio .*: cpu \([0-9.]*\) .*/\1 \2/p')
fi
for line in "${target_lines[@]}"; do say "$line"; done

# --- JSON --------------------------------------------------------------------------------
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\t\n' '  ')"; }
mkdir -p "$here/results"
{
    printf '{\n  "date": %s,\n  "host_cores": %d,\n  "corpus": %s,\n' "$(json_string "$(date -u +%FT%TZ)")" "$(nproc)" "$(json_string "$corpus")"
    printf '  "files": %d,\n  "files_in_corpus": %d,\n  "bytes": %d,\n  "batching": %s,\n  "runs": %d,\n' \
        "$file_count" "$all_count" "$bytes" "$(json_string "$batching")" "$runs"
    printf '  "pgfence_report": {"files": %d, "statements": %d, "unparsable": %d, "unknown": %d},\n' \
        "$pg_files" "$pg_statements" "$pg_unparsable" "$pg_unknown"
    printf '  "excluded": ['
    first=1
    while IFS=$'\t' read -r who f why; do
        [[ $first -eq 1 ]] || printf ','
        first=0
        printf '\n    {"tool": %s, "file": %s, "reason": %s}' "$(json_string "$who")" "$(json_string "$f")" "$(json_string "$why")"
    done <"$work/excluded.tsv"
    printf '\n  ],\n  "tools": {'
    first=1
    for tool in "${tools[@]}"; do
        [[ $first -eq 1 ]] || printf ','
        first=0
        runs_json="$(printf '%s' "${samples[$tool]}" | sed '/^$/d' | awk '{ printf "%s{\"wall_s\": %s, \"max_rss_kb\": %s, \"user_s\": %s, \"sys_s\": %s, \"exit\": %s}", (NR > 1 ? ", " : ""), $1, $2, $3, $4, $5 }')"
        printf '\n    %s: {"command": %s, "wall_s_median": %s, "cpu_s_median": %s, "max_rss_kb_median": %s, "runs": [%s]}' \
            "$(json_string "$tool")" "$(tool_argv "$tool"; json_string "${argv[*]}")" "${wall[$tool]}" "${cpu[$tool]}" "${rss[$tool]}" "$runs_json"
    done
    printf '\n  },\n  "ratios": {%s},\n  "targets": [' "$ratios_json"
    first=1
    for line in "${target_lines[@]}"; do
        [[ $first -eq 1 ]] || printf ', '
        first=0
        json_string "$line"
    done
    printf ']\n}\n'
} >"$here/results/latest.json"
say ""
say "written: $here/results/latest.json"
