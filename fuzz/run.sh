#!/usr/bin/env bash
# Builds a libFuzzer target (clang, -fsanitize=fuzzer,address,undefined) and runs it:
# --target analyze (default: fuzz_analyze, SQL migrations) or --target orm (fuzz_orm, ORM scripts).
#
#   fuzz/run.sh [SECONDS] [--target analyze|orm] [--build-dir DIR] [--workers N] [--no-build] [-- LIBFUZZER_ARGS...]
#   fuzz/run.sh [--target T] --reproduce FILE...   run the target once on each file
#
# SECONDS defaults to 60. Exit status: 0 when the run ended without a finding, 1 on a crash,
# sanitizer report, leak, timeout or out-of-memory (the reproducer's path is printed), 3 when
# a tool is missing. Needs Debian 12's packages clang and libclang-rt-14-dev (libFuzzer's and
# the sanitizers' runtimes); as root the script installs them with apt-get.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds=60
build_dir="${PGFENCE_FUZZ_BUILD:-$root/build-fuzz}"
workers=1
target=analyze
build=1
reproduce=0
extra=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) build_dir="$2"; shift 2 ;;
        --build-dir=*) build_dir="${1#*=}"; shift ;;
        --workers) workers="$2"; shift 2 ;;
        --workers=*) workers="${1#*=}"; shift ;;
        --target) target="$2"; shift 2 ;;
        --target=*) target="${1#*=}"; shift ;;
        --no-build) build=0; shift ;;
        --reproduce) reproduce=1; shift; break ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        [0-9]*) seconds="$1"; shift ;;
        *) echo "fuzz/run.sh: unknown argument '$1' (see --help)" >&2; exit 3 ;;
    esac
done

case "$target" in
    analyze) dict="$here/sql.dict"; seeds="$here/seeds" ;;
    orm) dict="$here/js.dict"; seeds="$here/seeds-orm" ;;
    *) echo "fuzz/run.sh: --target takes analyze or orm, not '$target'" >&2; exit 3 ;;
esac

fuzz_rt() { ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -n 1; }
if ! command -v clang++ >/dev/null || [[ -z "$(fuzz_rt)" ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "fuzz/run.sh: installing clang and libclang-rt-14-dev (libFuzzer runtime)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    fi
    if ! command -v clang++ >/dev/null || [[ -z "$(fuzz_rt)" ]]; then
        echo "fuzz/run.sh: missing clang++ or libFuzzer: apt-get install clang libclang-rt-14-dev" >&2
        exit 3
    fi
fi

binary="$build_dir/fuzz/fuzz_$target"
if [[ $build -eq 1 ]]; then
    if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
        cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPGFENCE_FUZZ=ON -DPGFENCE_TESTS=OFF >/dev/null
    fi
    make -C "$build_dir" -j2 "fuzz_$target" >/dev/null
fi
[[ -x "$binary" ]] || { echo "fuzz/run.sh: $binary was not built" >&2; exit 3; }

if [[ $reproduce -eq 1 ]]; then
    [[ $# -gt 0 ]] || { echo "fuzz/run.sh: --reproduce needs at least one file" >&2; exit 3; }
    export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    exec "$binary" -runs=1 "$@"
fi

corpus="$here/corpus-run"          # grows across runs; gitignored
[[ "$target" == analyze ]] || corpus="$here/corpus-run-$target"
artifacts="$build_dir/fuzz-artifacts"
log="$build_dir/fuzz-last-$target.log"
mkdir -p "$corpus" "$artifacts"

args=(-max_total_time="$seconds" -dict="$dict" -max_len=4096 -timeout=10 -rss_limit_mb=2048
      -artifact_prefix="$artifacts/" -print_final_stats=1)
if [[ "$workers" -gt 1 ]]; then args+=(-fork="$workers" -ignore_crashes=0); fi

export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
echo "fuzz/run.sh: fuzzing fuzz_$target for ${seconds}s, corpus $corpus (seeds $seeds), log $log"
status=0
# Fresh corpus entries land in the first directory; the seeds stay as they are.
"$binary" "${args[@]}" "${extra[@]}" "$corpus" "$seeds" >"$log" 2>&1 || status=$?

grep -E '^(stat::|Done|#[0-9]+ +DONE)' "$log" | tail -n 12 || true
if [[ $status -ne 0 ]]; then
    echo "fuzz/run.sh: FINDING (libFuzzer exit status $status); report follows" >&2
    grep -E -m 1 -A 40 'ERROR: |runtime error|invariant broken|threw:|deadly signal|Test unit written' "$log" >&2 || tail -n 60 "$log" >&2
    artifact="$(grep -o "Test unit written to [^ ]*" "$log" | tail -n 1 | sed 's/Test unit written to //')"
    if [[ -n "$artifact" ]]; then
        echo "fuzz/run.sh: reproducer: $artifact" >&2
        echo "fuzz/run.sh: replay with: $0 --target $target --reproduce $artifact" >&2
    fi
    exit 1
fi
echo "fuzz/run.sh: no finding in ${seconds}s"
