#!/usr/bin/env bash
# Builds bench/parse_paths/parse_paths (see parse_paths.cpp) against the libpg_query of a pgfence
# build folder, and runs it on every .sql file of the corpus.
#
#   bench/parse_paths/build.sh [BUILD_DIR (default build)] [CORPUS (default ../shared/corpus)]
#
# Needs protobuf-compiler and libprotobuf-dev (apt-get install), for this measurement only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
corpus="${2:-$root/../shared/corpus}"
pg="$build/libpg_query/usr"
command -v protoc >/dev/null || { echo "build.sh: missing protoc: apt-get install protobuf-compiler libprotobuf-dev" >&2; exit 1; }
out="$build/parse_paths"
mkdir -p "$out"
[[ -f "$out/pg_query.pb.cc" ]] || protoc --proto_path="$pg/include/pg_query" --cpp_out="$out" "$pg/include/pg_query/pg_query.proto"
compat=()
[[ -f "$build/libpgfence_glibc_compat.a" ]] && compat=("$build/libpgfence_glibc_compat.a")
# The generated classes are 170,000 lines: compiled once.
[[ "$out/pg_query.pb.o" -nt "$out/pg_query.pb.cc" ]] || g++ -std=c++20 -O2 -DNDEBUG -I"$out" -c "$out/pg_query.pb.cc" -o "$out/pg_query.pb.o"
g++ -std=c++20 -O2 -DNDEBUG -I"$root" -I"$out" -isystem "$pg/include" -isystem "$pg/include/pg_query" \
    -isystem "$pg/include/pg_query/postgres" \
    "$here/parse_paths.cpp" "$out/pg_query.pb.o" "$root/analyze/parse/parse_tree.cpp" \
    "$pg/lib/x86_64-linux-gnu/libpg_query.a" "${compat[@]}" -lprotobuf -lpthread -o "$out/parse_paths"
find "$corpus" -type f -name '*.sql' -print0 | sort -z | "$out/parse_paths" --repeat 5
