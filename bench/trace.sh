#!/usr/bin/env bash
# Measures `pgfence trace` end to end on a typical two-statement migration: initdb, server
# start, setup, both statements traced (one in a held transaction, one CONCURRENTLY in
# autocommit under contention), shutdown and clean-up: the wall time of the whole command.
#
#   bench/trace.sh                         # 10 timed runs, prints each and the median
#   bench/trace.sh --runs 20 --pgfence build/bot/pgfence
#
# Exits 0 with a SKIP line when no PostgreSQL server binaries are installed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
runs=10
pgfence=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --pgfence) pgfence="$2"; shift 2 ;;
    *) echo "usage: bench/trace.sh [--runs N] [--pgfence PATH]" >&2; exit 2 ;;
  esac
done
if [ -z "$pgfence" ]; then
  for candidate in "$root/../build-trace/bot/pgfence" "$root/build/bot/pgfence" "$root/build-bench/bot/pgfence"; do
    if [ -x "$candidate" ]; then pgfence="$candidate"; break; fi
  done
fi
if [ -z "$pgfence" ] || [ ! -x "$pgfence" ]; then
  echo "error: no pgfence binary found; build one and pass --pgfence PATH" >&2
  exit 2
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  echo "SKIP: no PostgreSQL server binaries"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/setup.sql" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 1000) g;
SQL
cat > "$work/0001_add_nickname.sql" <<'SQL'
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX CONCURRENTLY users_created_at_idx ON users (created_at);
SQL

# One untimed warm-up (page cache, the postgres account).
"$pgfence" trace --setup "$work/setup.sql" --ci "$work/0001_add_nickname.sql" > "$work/out.txt" 2>&1 || {
  cat "$work/out.txt"; echo "error: the warm-up run failed" >&2; exit 1; }

times=()
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s%N)
  "$pgfence" trace --setup "$work/setup.sql" --ci "$work/0001_add_nickname.sql" > /dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  printf 'run %2d: %5d ms\n' "$i" "$ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "pgfence trace, two-statement file, server start included: median ${median} ms over ${runs} runs"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores)"
