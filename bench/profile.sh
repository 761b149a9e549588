#!/usr/bin/env bash
# Where pgfence's time goes on the corpus: one single-threaded run under callgrind (instruction
# counts do not depend on the machine's load), then the most expensive pgfence, libpg_query and
# std::regex functions with their inclusive share of all instructions.
#
#   bench/profile.sh [--format text|json] [--corpus DIR] [--pgfence PATH] [--top N]
#
# Takes about a minute (callgrind runs the program some 50 times slower). The raw profile is
# kept in bench/results/callgrind.<format>.out for callgrind_annotate or kcachegrind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
corpus="$root/../shared/corpus"
format=text
top=30
pgfence="${PGFENCE:-}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --format) format="$2"; shift 2 ;;
        --corpus) corpus="$2"; shift 2 ;;
        --pgfence) pgfence="$2"; shift 2 ;;
        --top) top="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/profile.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -d "$corpus" ]] || { echo "bench/profile.sh: SKIP: no corpus at $corpus"; exit 0; }
if [[ -z "$pgfence" ]]; then
    for candidate in "$root/build-bench/bot/pgfence" "$root/build/bot/pgfence"; do
        [[ -x "$candidate" ]] && { pgfence="$candidate"; break; }
    done
fi
[[ -x "$pgfence" ]] || { echo "bench/profile.sh: no pgfence binary (build it, or pass --pgfence)" >&2; exit 1; }
# The run happens in the corpus folder: a relative --pgfence is the caller's.
pgfence="$(realpath "$pgfence")"
command -v valgrind >/dev/null || { echo "bench/profile.sh: missing valgrind: apt-get install valgrind" >&2; exit 1; }

mkdir -p "$here/results"
out="$here/results/callgrind.$format.out"
cd "$corpus"
mapfile -d '' files < <(find . -type f -name '*.sql' -print0 | sort -z)
echo "profiling: $pgfence analyze --no-config --direction both --jobs 1 --format $format (${#files[@]} files)"
valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$pgfence" analyze --no-config --direction both --jobs 1 --format "$format" "${files[@]}" >/dev/null 2>"$out.log" || true
grep -E 'refs:' "$out.log" | sed 's/^==[0-9]*== */total instructions: /' || true

# Inclusive cost per function, template arguments and parameter lists cut for reading.
callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null |
    grep -E 'pgfence::|pg_query|basic_regex<char.*>::basic_regex\(|serializer<.*>::dump\(|detail::parser<.*>::parse\(' |
    grep -vE '^ *[0-9,]+ \([ 0-9.]+%\) +/usr/include/.*:pgfence::' |
    grep -vE 'pgfence::bot::|analyze_files|analyze_file\(' |
    sed -E 's/^ *([0-9,]+) \( *([0-9.]+)%\) +([^:]*):/\1\t\2%\t\3\t/; s/\[\/.*$//' |
    sed -E 's/\(anonymous namespace\)/{anon}/g; s/nlohmann::json_abi_v[0-9_]+::detail::(parser|serializer)<.*>::(parse|dump)\(.*/nlohmann::detail::\1::\2/; s/std::__cxx11::basic_regex<.*>::basic_regex\(.*/std::regex::regex (compile)/' |
    awk -F'\t' '{ name = $4; sub(/\(.*/, "", name); file = $3; sub(/.*\//, "", file)
                  if (name ~ /\{anon\}::check/) name = name " (" file ")"
                  if (!seen[name]++) printf "%16s %7s  %s\n", $1, $2, name }' |
    head -n "$top"
echo "raw profile: $out"
