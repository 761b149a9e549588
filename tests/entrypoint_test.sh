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

# max-suggestions reaches pgfence pr: a value it refuses names the flag.
env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$tmp/event2.json" \
  GITHUB_WORKSPACE="$tmp/ws" PGFENCE_BIN="$pgfence_bin" "INPUT_MAX-SUGGESTIONS=many" \
  bash "$source_dir/bot/entrypoint.sh" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
check "max-suggestions: passed to pgfence pr" '[ "$status" -eq 2 ] && grep -q "^error: --max-suggestions" "$tmp/stderr"'

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

if [ "$fail" -eq 0 ]; then echo "entrypoint: all checks passed"; fi
exit "$fail"
