#!/usr/bin/env bash
# How much of real ORM migrations pgfence reads: per corpus, the ORM calls found, the raw-SQL
# calls holding a string/template literal, and of those the ones extracted AND parsed by
# libpg_query; then pgfence's own "coverage:" line on the same files, and, when available,
# @flvmnt/pgfence's coverage line on the same files (--flvmnt DIR: a node_modules holding
# @flvmnt/pgfence and @typescript-eslint/typescript-estree).
#
#   bench/orm_coverage.sh [--pgfence BIN] [--corpus DIR] [--flvmnt DIR]
#
# Corpora: FlowiseAI (TypeORM) and opencollective (Sequelize) from ../shared/corpus, and the
# Knex and db-migrate fixtures of tests/orm. Exits 0 with a SKIP line when the corpus is absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/../shared/corpus"
pgfence=""
flvmnt=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pgfence) pgfence="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --flvmnt) flvmnt="$2"; shift 2 ;;
    *) echo "error: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$pgfence" ]; then
  for b in "$root/../build-orm/bot/pgfence" "$root/build/bot/pgfence" "$root/build-bench/bot/pgfence"; do
    if [ -x "$b" ]; then pgfence="$b"; break; fi
  done
fi
[ -x "$pgfence" ] || { echo "error: no pgfence binary (build one, or pass --pgfence BIN)" >&2; exit 2; }
if [ ! -d "$corpus" ]; then echo "SKIP: no corpus at $corpus"; exit 0; fi

declare -a names=(typeorm/FlowiseAI sequelize/opencollective knex/fixtures db-migrate/fixtures)
declare -a dirs=(
  "$corpus/FlowiseAI__Flowise/packages/server/src/database/migrations/postgres"
  "$corpus/opencollective__opencollective-api/migrations"
  "$root/tests/orm/knex"
  "$root/tests/orm/db-migrate"
)
declare -a formats=(typeorm sequelize knex db-migrate)

printf '%-26s %6s %7s %9s %14s %8s   %s\n' corpus files calls literal "extracted+parsed" "%" "pgfence coverage line"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in "${!names[@]}"; do
  dir="${dirs[$i]}"
  [ -d "$dir" ] || { printf '%-26s SKIP (missing %s)\n' "${names[$i]}" "$dir"; continue; }
  find "$dir" -type f \( -name '*.ts' -o -name '*.js' \) | sort > "$tmp/files"
  status=0
  xargs -d '\n' "$pgfence" analyze --no-config --unparsable warn --input-format "${formats[$i]}" --format json \
    < "$tmp/files" > "$tmp/report.json" 2> "$tmp/stderr" || status=$?
  if [ "$status" -gt 2 ]; then
    echo "error: pgfence exited $status on ${names[$i]} (crash?)" >&2
    tail -5 "$tmp/stderr" >&2
    exit 1
  fi
  line=$(grep '^coverage:' "$tmp/stderr" | tail -1 || true)
  python3 - "$tmp/report.json" "${names[$i]}" "$line" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
files = calls = literal = parsed = 0
for f in report["files"]:
    files += 1
    c = f.get("coverage")
    if not c:
        continue
    calls += c["calls"]; literal += c["literal_calls"]; parsed += c["literal_parsed"]
pct = 100.0 * parsed / literal if literal else 100.0
print(f"{sys.argv[2]:<26} {files:>6} {calls:>7} {literal:>9} {parsed:>14} {pct:>9.1f}%   {sys.argv[3]}")
EOF
  if [ -n "$flvmnt" ] && [ -f "$flvmnt/@flvmnt/pgfence/dist/index.js" ]; then
    fmt="${formats[$i]}"
    case "$fmt" in typeorm|knex) ;; *) fmt=auto ;; esac
    other=$(xargs -d '\n' node "$flvmnt/@flvmnt/pgfence/dist/index.js" analyze --format "$fmt" < "$tmp/files" 2>&1 |
      grep -E 'Analyzed: .*Coverage' | tail -1 || true)
    printf '%-26s @flvmnt/pgfence: %s\n' "" "${other:-(no coverage line: it stopped early)}"
  fi
done
