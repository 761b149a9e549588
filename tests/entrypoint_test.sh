#!/usr/bin/env bash
# The container entrypoint, run as GitHub runs it: inputs as INPUT_* variables (with the
# hyphen GitHub keeps in INPUT_PG-VERSION), outputs appended to $GITHUB_OUTPUT.
set -uo pipefail
pgfence_bin="$1"
source_dir="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }

mkdir -p "$tmp/ws/db/migrations"
cp "$source_dir/examples/add_column.sql" "$tmp/ws/db/migrations/001_add.sql"

env -i PATH="$PATH" "INPUT_PG-VERSION=12" "INPUT_PATHS=db/migrations" GITHUB_WORKSPACE="$tmp/ws" \
  PGFENCE_BIN="$pgfence_bin" GITHUB_OUTPUT="$tmp/out" RUNNER_TEMP="$tmp" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "clean migration exits 0" '[ "$status" -eq 0 ]'
check "prints the terminal report" 'grep -q "ACCESS EXCLUSIVE users" "$tmp/stdout"'
check "writes the report output, relative to the workspace (RUNNER_TEMP is not the host's in a container)" \
  'grep -q "^report=pgfence-report.json$" "$tmp/out"'
check "honours pg-version with its hyphen" 'grep -q "\"pg_version\": 12" "$tmp/ws/pgfence-report.json"'
check "no ANSI escapes in the action log" '! grep -q $'"'"'\x1b'"'"' "$tmp/stdout"'

env -i PATH="$PATH" "INPUT_PATHS=db/migrations" "INPUT_MAX-RISK=medium" GITHUB_WORKSPACE="$tmp/ws" \
  PGFENCE_BIN="$pgfence_bin" RUNNER_TEMP="$tmp" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "other events: a finding above max-risk fails the step" '[ "$status" -eq 1 ]'
env -i PATH="$PATH" "INPUT_PATHS=db/migrations" "INPUT_MAX-RISK=critical" GITHUB_WORKSPACE="$tmp/ws" \
  PGFENCE_BIN="$pgfence_bin" RUNNER_TEMP="$tmp" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "other events: nothing above max-risk critical passes" '[ "$status" -eq 0 ]'

printf 'ALTER TABLE t ADD COLUMN;\nDROP TABLE x;\n' > "$tmp/ws/db/migrations/002_bad.sql"
env -i PATH="$PATH" "INPUT_PATHS=db/migrations" GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" \
  RUNNER_TEMP="$tmp" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "an unparsable statement exits 2" '[ "$status" -eq 2 ]'
check "with one error line naming file and line" '[ "$(grep -c "^error: db/migrations/002_bad.sql:1:" "$tmp/stderr")" -eq 1 ]'
check "and the statements after it are still reported" 'grep -q "DROP TABLE x" "$tmp/stdout"'

# A pull_request event runs the bot (pgfence pr) over the commits in the event payload.
rm -rf "$tmp/ws" && mkdir -p "$tmp/ws/db/migrations" && cd "$tmp/ws"
g() { git -c user.name=t -c user.email=t@example.com "$@"; }
g init -q -b main . && printf 'CREATE TABLE t (id int);\n' > db/migrations/001.sql && g add -A && g commit -qm base
base="$(git rev-parse HEAD)"
printf 'CREATE INDEX t_id ON t (id);\n' > db/migrations/002.sql && g add -A && g commit -qm change
head="$(git rev-parse HEAD)"
cd - > /dev/null
printf '{"pull_request": {"number": 3, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}' "$base" "$head" > "$tmp/event.json"
: > "$tmp/out"
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary" \
  "INPUT_MAX-RISK=medium" "INPUT_CHECK-RUN=true" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "pull_request: a new HIGH finding exits 1" '[ "$status" -eq 1 ]'
check "pull_request: only the changed migration" 'grep -q "db/migrations/002.sql" "$tmp/stdout" && ! grep -q "001.sql" "$tmp/stdout"'
check "pull_request: workflow commands without a token" 'grep -q "^::error file=db/migrations/002.sql,line=1" "$tmp/stdout"'
check "pull_request: says why nothing was posted" 'grep -q "nothing posted" "$tmp/stderr"'
check "pull_request: step outputs" 'grep -q "^max-risk=HIGH$" "$tmp/out" && grep -q "^sarif-file=pgfence.sarif$" "$tmp/out"'
check "pull_request: no suggestions without a token" 'grep -q "^suggestions-posted=0$" "$tmp/out"'
check "pull_request: SARIF in the workspace" '[ -s "$tmp/ws/pgfence.sarif" ]'
check "pull_request: job summary" 'grep -q "t_id" "$tmp/summary"'

# The name input reaches pgfence pr: the summary's heading and the SARIF category carry it.
: > "$tmp/out" && : > "$tmp/summary"
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary" \
  "INPUT_NAME=api" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
check "name: the job summary's heading" 'grep -q "^## pgfence (api):" "$tmp/summary"'
check "name: the SARIF category" 'grep -q "pgfence/api/" "$tmp/ws/pgfence.sarif"'

# The unknown input: a statement pgfence could not see fails the step by default (block), and
# passes with warn, which says so; another value is refused.
cd "$tmp/ws" && printf 'DO $$\nDECLARE tbl text;\nBEGIN\n  SELECT relname INTO tbl FROM pg_class LIMIT 1;\n  EXECUTE %s || tbl;\nEND $$;\n' "'DROP TABLE '" > db/migrations/004.sql
g add db && g commit -qm dynamic && dyn_head="$(git rev-parse HEAD)" && git reset -q --hard "$head" && cd - > /dev/null
printf '{"pull_request": {"number": 3, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}' "$head" "$dyn_head" > "$tmp/event3.json"
for u in "" block warn sometimes; do
  env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event3.json" \
    GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_UNKNOWN=$u" "INPUT_MAX-RISK=critical" \
    bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
  eval "status_${u:-default}=$?"
done
check "unknown: by default (and block) a statement pgfence could not see fails the step" '[ "$status_default" -eq 1 ] && [ "$status_block" -eq 1 ]'
check "unknown: warn lets it pass" '[ "$status_warn" -eq 0 ]'
check "unknown: another value is one error line, exit 2" '[ "$status_sometimes" -eq 2 ] && grep -q "^error: unknown must be block or warn" "$tmp/stderr"'

# Globs reach pgfence as written: bash (without globstar) would expand db/**/*.sql to the
# depth-1 files on disk, and a migration two folders deep would go unreviewed.
cd "$tmp/ws" && mkdir -p db/deep/nested && printf 'CREATE INDEX t_deep ON t (id);\n' > db/deep/nested/003.sql
g add db && g commit -qm deep && deep_head="$(git rev-parse HEAD)" && cd - > /dev/null
printf '{"pull_request": {"number": 3, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}' "$base" "$deep_head" > "$tmp/event2.json"
: > "$tmp/out"
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" GITHUB_OUTPUT="$tmp/out" \
  "INPUT_PATHS=db/**/*.sql" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "globs: a migration two folders deep is reviewed" 'grep -q "db/deep/nested/003.sql" "$tmp/stdout" && [ "$status" -eq 1 ]'

# A path input that looks like an option is a glob after --, never an option of pgfence pr.
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" \
  "INPUT_PATHS=--sarif=$tmp/planted.sarif db/**/*.sql" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
check "--: a path like --sarif=FILE writes no file" '[ ! -e "$tmp/planted.sarif" ]'

# The trace inputs reach pgfence pr: a trace-timeout it refuses names the flag.
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_TRACE=true" "INPUT_TRACE-TIMEOUT=0" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "trace-timeout: passed to pgfence pr" '[ "$status" -eq 2 ] && grep -q "^error: --trace-timeout" "$tmp/stderr"'
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_TRACE=true" "INPUT_TRACE-BUDGET=0" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "trace-budget: passed to pgfence pr" '[ "$status" -eq 2 ] && grep -q "^error: --trace-budget" "$tmp/stderr"'

# max-suggestions reaches pgfence pr: a value it refuses names the flag.
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_MAX-SUGGESTIONS=many" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "max-suggestions: passed to pgfence pr" '[ "$status" -eq 2 ] && grep -q "^error: --max-suggestions" "$tmp/stderr"'

# capture-file reaches pgfence pr as --capture (a record it cannot read is its error: line, exit 2);
# on other events it is a usage error, never silently unread.
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_CAPTURE-FILE=no-such-capture.json" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "capture-file: passed to pgfence pr as --capture" '[ "$status" -eq 2 ] && grep -q "^error: --capture.*no-such-capture.json" "$tmp/stderr"'
env -i PATH="$PATH" GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_PATHS=db/migrations" "INPUT_CAPTURE-FILE=capture.json" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "capture-file on other events: one error line, exit 2" '[ "$status" -eq 2 ] && [ "$(grep -c "^error: capture-file" "$tmp/stderr")" -eq 1 ]'

# The governance inputs reach pgfence pr: the URL and governance-sql as flags, the token only in
# PGFENCE_GOVERNANCE_TOKEN. A wrapper records what pgfence was started with; a receiver on
# 127.0.0.1 records what it was sent.
cat > "$tmp/wrap.sh" <<WRAP
#!/usr/bin/env bash
printf '%s\n' "\$@" > "$tmp/argv"
printf '%s' "\${PGFENCE_GOVERNANCE_TOKEN:-}" > "$tmp/token_env"
exec "$pgfence_bin" "\$@"
WRAP
chmod +x "$tmp/wrap.sh"
cat > "$tmp/receiver.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(sys.argv[1], "a") as f:
            f.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"),
                                "sql_included": body.get("sql_included")}) + "\n")
        data = b'{"id": "1", "conclusion": "action_required", "items": 1}'
        self.send_response(201); self.send_header("Content-Length", str(len(data))); self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$tmp/receiver.py" "$tmp/received" > "$tmp/port" &
receiver=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.2; done  # a loaded machine starts Python slowly
gov_token="pgfgov_entrypointToken42"
: > "$tmp/out"
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event.json" \
  GITHUB_REPOSITORY=octo/app GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$tmp/wrap.sh" GITHUB_OUTPUT="$tmp/out" \
  "INPUT_GOVERNANCE-URL=http://127.0.0.1:$(cat "$tmp/port")" "INPUT_GOVERNANCE-TOKEN=$gov_token" "INPUT_GOVERNANCE-SQL=false" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
check "governance-url: passed as --upload" 'grep -qx -- "--upload" "$tmp/argv" && grep -qx "http://127.0.0.1:$(cat "$tmp/port")" "$tmp/argv"'
check "governance-token: in PGFENCE_GOVERNANCE_TOKEN, not on the command line" \
  '[ "$(cat "$tmp/token_env")" = "$gov_token" ] && ! grep -q "$gov_token" "$tmp/argv"'
check "governance-token: never printed" '! grep -q "$gov_token" "$tmp/stdout" "$tmp/stderr" "$tmp/out"'
check "governance-sql false: --upload-without-sql, and the upload says so" \
  'grep -qx -- "--upload-without-sql" "$tmp/argv" && grep -q "\"sql_included\": false" "$tmp/received"'
check "governance: the service got the token as a Bearer" 'grep -q "\"auth\": \"Bearer $gov_token\"" "$tmp/received"'
check "governance: the governance-conclusion output" 'grep -qx "governance-conclusion=action_required" "$tmp/out"'
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event.json" \
  GITHUB_REPOSITORY=octo/app GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$tmp/wrap.sh" \
  "INPUT_GOVERNANCE-URL=http://127.0.0.1:$(cat "$tmp/port")" "INPUT_GOVERNANCE-TOKEN=$gov_token" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
check "governance-sql by default: the SQL is uploaded" \
  '! grep -qx -- "--upload-without-sql" "$tmp/argv" && [ "$(tail -n 1 "$tmp/received")" != "$(head -n 1 "$tmp/received")" ] && tail -n 1 "$tmp/received" | grep -q "\"sql_included\": true"'
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$tmp/wrap.sh" "INPUT_GOVERNANCE-TOKEN=$gov_token" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
check "no governance-url: no upload" '! grep -q -- "--upload" "$tmp/argv" && [ "$(wc -l < "$tmp/received")" -eq 2 ]'
kill "$receiver" 2>/dev/null; wait "$receiver" 2>/dev/null

# schema-file, history, exclude, working-directory: each word its own option, never expanded by
# a shell, in analyze and pr modes. A migration whose finding depends on what came before it:
# changing legacy.name from varchar(100) to varchar(200) rewrites nothing, which only the schema
# (or the history) that made the column shows.
ws3="$tmp/ws3"
mkdir -p "$ws3/app/db/migrations" "$ws3/app/db/old" "$ws3/app/schema"
printf 'ALTER TABLE legacy ALTER COLUMN name TYPE varchar(200);\n' > "$ws3/app/db/migrations/001_alter.sql"
printf 'CREATE INDEX t_id ON t (id);\n' > "$ws3/app/db/migrations/002_index.sql"
printf 'CREATE TABLE legacy (id int, name varchar(100));\n' > "$ws3/app/schema/structure.sql"
printf 'CREATE TABLE legacy (id int, name varchar(100));\n' > "$ws3/app/db/old/000_legacy.sql"
printf 'CREATE TABLE other (id int);\n' > "$ws3/app/schema/other.sql"
# Runs the entrypoint on $ws3 with the given INPUT_* assignments (analyze mode, unless the
# caller adds GITHUB_EVENT_NAME=pull_request ...); argv, the report and the outputs in $tmp.
run3() {
  rm -f "$tmp/argv" "$ws3/pgfence-report.json" "$ws3/app/pgfence-report.json"; : > "$tmp/out"
  env -i PATH="$PATH" GITHUB_WORKSPACE="$ws3" PGFENCE_BIN="$tmp/wrap.sh" GITHUB_OUTPUT="$tmp/out" \
    RUNNER_TEMP="$tmp" "$@" bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
  status=$?
}
report3() { cat "$ws3/app/pgfence-report.json" 2>/dev/null; }
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical"
check "working-directory: analyze runs in the folder, the report output names it from the workspace" \
  '[ "$status" -eq 0 ] && grep -qx "report=app/pgfence-report.json" "$tmp/out" && [ -s "$ws3/app/pgfence-report.json" ] && [ ! -e "$ws3/pgfence-report.json" ]'
check "without schema-file or history: the type change is reported as a rewrite" \
  'report3 | grep -q "alter-column-type-rewrite"'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical" \
  "INPUT_SCHEMA-FILE=schema/other.sql
schema/structure.sql"
check "schema-file: each file (newline separated) is a --schema" \
  '[ "$(grep -cx -- "--schema" "$tmp/argv")" -eq 2 ] && grep -qx "schema/other.sql" "$tmp/argv" && grep -qx "schema/structure.sql" "$tmp/argv"'
check "schema-file: the schema it names removes the rewrite finding" \
  '[ "$status" -eq 0 ] && [ -s "$ws3/app/pgfence-report.json" ] && ! report3 | grep -q "alter-column-type-rewrite"'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical" "INPUT_HISTORY=db/old"
check "history: a --history, and the migrations it names remove the rewrite finding" \
  'grep -qx -- "--history" "$tmp/argv" && grep -qx "db/old" "$tmp/argv" && [ -s "$ws3/app/pgfence-report.json" ] && ! report3 | grep -q "alter-column-type-rewrite"'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical" "INPUT_HISTORY=None"
check "history none: --no-history, and no --history" \
  'grep -qx -- "--no-history" "$tmp/argv" && ! grep -qx -- "--history" "$tmp/argv"'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_HISTORY=none db/old"
check "history: none with paths is one error line, exit 2, nothing run" \
  '[ "$status" -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -q "^error: history:" "$tmp/stderr" && [ ! -e "$tmp/argv" ]'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical" "INPUT_EXCLUDE=db/*/002_*.sql"
check "exclude: the glob reaches pgfence as written and leaves the file out" \
  'grep -qx "db/\*/002_\*.sql" "$tmp/argv" && [ -s "$ws3/app/pgfence-report.json" ] && report3 | grep -q "001_alter.sql" && ! report3 | grep -q "002_index.sql"'
run3 INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations 'INPUT_SCHEMA-FILE=$(touch${IFS}pwned) `touch pwned` ~'
check "schema-file: values are never expanded by a shell" \
  '[ ! -e "$ws3/app/pwned" ] && [ ! -e "$ws3/pwned" ] && grep -qx "\$(touch\${IFS}pwned)" "$tmp/argv" && grep -qx "~" "$tmp/argv"'

# working-directory outside the workspace: one error line, exit 2, pgfence not run.
ln -s "$tmp" "$ws3/app/out"
ln -s ../.. "$ws3/app/up"
for wd in ../ app/../.. /etc "$tmp" app/out app/up app/missing "app/db/migrations/001_alter.sql"; do
  run3 "INPUT_WORKING-DIRECTORY=$wd" INPUT_PATHS=db/migrations
  check "working-directory '$wd' is refused: one error line, exit 2" \
    '[ "$status" -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -q "^error: working-directory" "$tmp/stderr" && [ ! -e "$tmp/argv" ]'
done
run3 "INPUT_WORKING-DIRECTORY=$ws3/app/" INPUT_PATHS=db/migrations "INPUT_MAX-RISK=critical"
check "working-directory: an absolute path inside the workspace is taken" \
  '[ "$status" -eq 0 ] && grep -qx "report=app/pgfence-report.json" "$tmp/out"'

# pr mode: the repository in the subfolder, found through working-directory (--repo .); the
# same inputs reach pgfence pr.
cd "$ws3/app"
g init -q -b main . && printf 'CREATE TABLE legacy (id int, name varchar(100));\n' > db/migrations/000_legacy.sql
mv db/migrations/001_alter.sql db/migrations/002_index.sql "$tmp/"
g add -A && g commit -qm base && pbase="$(git rev-parse HEAD)"
mv "$tmp/001_alter.sql" "$tmp/002_index.sql" db/migrations/ && g add -A && g commit -qm change && phead="$(git rev-parse HEAD)"
cd - > /dev/null
printf '{"pull_request": {"number": 3, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}' "$pbase" "$phead" > "$tmp/event3.json"
pr3=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event3.json")
run3 "${pr3[@]}" INPUT_PATHS=db/migrations/*.sql
check "pr without working-directory: the workspace is no repository, exit 2" \
  '[ "$status" -eq 2 ] && grep -q "not a git repository" "$tmp/stderr"'
run3 "${pr3[@]}" INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations/*.sql
check "pr with working-directory: --repo ., exit 1 for the new index, SARIF in the folder" \
  '[ "$status" -eq 1 ] && grep -qx -- "--repo" "$tmp/argv" && grep -q "db/migrations/002_index.sql" "$tmp/stdout" && grep -qx "sarif-file=app/pgfence.sarif" "$tmp/out" && [ -s "$ws3/app/pgfence.sarif" ]'
check "pr: the base commit's history shows the type change rewrites nothing" \
  '! grep -q "alter-column-type-rewrite" "$ws3/app/pgfence.sarif"'
run3 "${pr3[@]}" INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations/*.sql INPUT_HISTORY=none
check "pr with history none: --no-history, the rewrite is reported" \
  'grep -qx -- "--no-history" "$tmp/argv" && grep -q "alter-column-type-rewrite" "$ws3/app/pgfence.sarif"'
run3 "${pr3[@]}" INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations/*.sql INPUT_HISTORY=none \
  INPUT_SCHEMA-FILE=schema/structure.sql
check "pr with schema-file: --schema, the schema removes the rewrite finding" \
  'grep -qx -- "--schema" "$tmp/argv" && [ -s "$ws3/app/pgfence.sarif" ] && ! grep -q "alter-column-type-rewrite" "$ws3/app/pgfence.sarif"'
run3 "${pr3[@]}" INPUT_WORKING-DIRECTORY=app INPUT_PATHS=db/migrations/*.sql "INPUT_EXCLUDE=db/migrations/002_*"
check "pr with exclude: the excluded migration is not reviewed" \
  '[ "$status" -eq 0 ] && grep -qx "db/migrations/002_\*" "$tmp/argv" && grep -q "001_alter.sql" "$tmp/stdout" && ! grep -q "002_index.sql" "$tmp/stdout"'

# bot/action.sh chooses the image from the version input, with a docker that records its calls:
# a malformed version is one error line before anything is built or pulled.
mkdir -p "$tmp/fakebin"
cat > "$tmp/fakebin/docker" <<FAKE
#!/usr/bin/env bash
echo "\$*" >> "$tmp/docker.log"
[ "\$1" = run ] && echo "working-directory=\${INPUT_WORKING_DIRECTORY-unset}" >> "$tmp/docker.log"
[ "\$1" = pull ] && { echo "Error: no registry in this test" >&2; exit 125; }
exit 0
FAKE
chmod +x "$tmp/fakebin/docker"
action() {
  : > "$tmp/docker.log"
  env -i PATH="$tmp/fakebin:$PATH" GITHUB_WORKSPACE="$ws3" GITHUB_ACTION_PATH="$source_dir" \
    PGFENCE_IMAGE=Dockerfile PGFENCE_TRACE_IMAGE=Dockerfile "$@" bash "$source_dir/bot/action.sh" > "$tmp/stdout" 2> "$tmp/stderr"
  status=$?
}
nl=$'\n'
for v in 1.2 latest v1 "1.2.3; touch pwned" "v1.2.3
x" 01.2.3.4; do
  action "INPUT_VERSION=$v"
  check "version '${v//$nl/\\n}' is refused: one error line, exit 2, no docker call" \
    '[ "$status" -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -q "^error: the version input" "$tmp/stderr" && [ ! -s "$tmp/docker.log" ]'
done
action INPUT_VERSION=1.2.3
check "version 1.2.3 pulls ghcr.io/pgfence/action:v1.2.3, and a failed pull is one error line" \
  '[ "$status" -eq 2 ] && grep -qx "pull --quiet ghcr.io/pgfence/action:v1.2.3" "$tmp/docker.log" && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -q "^error: cannot pull ghcr.io/pgfence/action:v1.2.3: Error: no registry" "$tmp/stderr"'
action INPUT_VERSION=v1.2.3 INPUT_TRACE=true
check "version v1.2.3 with trace pulls the -trace image" 'grep -qx "pull --quiet ghcr.io/pgfence/action:v1.2.3-trace" "$tmp/docker.log"'
action PGFENCE_IMAGE="ghcr.io/pgfence/action:v1.2.3@sha256:$(printf '%064d' 0)" INPUT_VERSION=1.2.3
check "version equal to the pinned release keeps its digest" \
  'grep -qx "pull --quiet ghcr.io/pgfence/action:v1.2.3@sha256:$(printf "%064d" 0)" "$tmp/docker.log"'
action INPUT_WORKING_DIRECTORY=app
check "no version: the image is built from the Dockerfile, nothing pulled, then run with the inputs by name" \
  '[ "$status" -eq 0 ] && grep -q "^build --quiet --target action --tag pgfence-action-local:action " "$tmp/docker.log" && ! grep -q "^pull" "$tmp/docker.log" && grep -q "^run .* -e INPUT_WORKING_DIRECTORY .*pgfence-action-local:action$" "$tmp/docker.log" && grep -qx "working-directory=app" "$tmp/docker.log"'
action "INPUT_WORKING_DIRECTORY=$ws3/app"
check "working-directory under the host's workspace path is passed relative to it" \
  'grep -qx "working-directory=app" "$tmp/docker.log"'
action "INPUT_WORKING_DIRECTORY=$ws3"
check "working-directory naming the host's workspace itself is ." 'grep -qx "working-directory=." "$tmp/docker.log"'

if [ "$fail" -eq 0 ]; then echo "entrypoint: all checks passed"; fi
exit "$fail"
