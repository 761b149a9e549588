#!/bin/sh
# Runs inside a clean container (scripts/container/packages.sh): checks the pgfence the PATH
# finds, installed from the .deb or from the tarball, with the fixtures in /fixture. One `ok:` or
# `FAILED:` line per check; exits 1 when any failed.
#   packages_check.sh LABEL VERSION
label="$1"
version="$2"
fail=0
ok() { echo "ok: $label: $1"; }
bad() { echo "FAILED: $label: $1"; fail=1; }
# run NAME CMD...: runs CMD with its output in /tmp/NAME.out (both streams), its status in $status.
run() {
  name="$1"; shift
  "$@" > "/tmp/$name.out" 2>&1
  status=$?
}
has() { grep -q -- "$2" "/tmp/$1.out"; }
# The error lines of a failed check, else the end of its output.
show() { { grep -E '^(error|pgfence): ' "/tmp/$1.out" || tail -8 "/tmp/$1.out"; } | tail -8 | sed 's/^/    | /'; }

finding="create-index-without-concurrently"

run version pgfence --version
if [ "$status" -eq 0 ] && has version "^pgfence $version\$"; then ok "pgfence --version says $version"
else bad "pgfence --version (exit $status)"; show version; fi

run analyze pgfence analyze --ci --color never /fixture/repo/migrations/001_index.sql
if [ "$status" -eq 1 ] && has analyze "$finding" && has analyze "HIGH"; then ok "analyze --ci finds $finding (exit 1)"
else bad "analyze --ci (exit $status, expected 1 with $finding)"; show analyze; fi

run stdin sh -c 'pgfence analyze --color never - < /fixture/repo/migrations/001_index.sql'
if [ "$status" -eq 0 ] && has stdin "$finding" && has stdin "<stdin>"; then ok "analyze - reads standard input"
else bad "analyze - (exit $status)"; show stdin; fi

# libgit2, opened on first use: the pull request is the fixture repository's last commit.
run pr pgfence pr --repo /fixture/repo --base main~1 --head main --no-sarif --color never
if [ "$status" -eq 1 ] && has pr "migrations/001_index.sql" && has pr "$finding"; then ok "pr --repo reads the commits with libgit2 and finds $finding"
else bad "pr --repo (exit $status, expected 1)"; show pr; fi

# The HTTPS module (cpp-httplib, OpenSSL): with a token and a repository pr posts a check run, to
# a port nothing listens on, so the module must load and then fail to connect.
run https env GITHUB_API_URL=https://127.0.0.1:9 GITHUB_TOKEN=ghp_pgfencepackagetest0123456789 \
  pgfence pr --repo /fixture/repo --base main~1 --head main --no-sarif --no-comment --max-suggestions 0 \
  --repository pgfence/fixture --pr 1 --color never
if has https "HTTPS module"; then bad "the HTTPS module is not found"; show https
elif has https "check run not posted: .*no response (Connection)"; then ok "the HTTPS module loads (the check run fails to connect, as it should)"
else bad "pr with a token (exit $status): no connection error"; show https; fi

# No PostgreSQL server here: one error line, exit 2, not a crash.
run trace pgfence trace --color never /fixture/repo/migrations/001_index.sql
if [ "$status" -eq 2 ] && has trace "^error: no PostgreSQL server binaries found"; then ok "trace without PostgreSQL: one error line, exit 2"
else bad "trace without PostgreSQL (exit $status, expected 2 and an error line)"; show trace; fi

# The governance service's program (pgfence-serve: cpp-httplib, OpenSSL, libpq), run by pgfence:
# an event in its canonical form (keys sorted, no spaces: anything else is refused at its line)
# whose hash is not its content's is named.
printf '%s\n' '{"at":"2026-11-23T09:00:00Z","content_hash":null,"data":{},"hash":"HASH","prev":"0000000000000000000000000000000000000000000000000000000000000000","pull_request":null,"repository":"octo/app","seq":1,"type":"token"}' > /tmp/audit.jsonl
run audit pgfence audit verify /tmp/audit.jsonl
if [ "$status" -eq 1 ] && has audit "^error: octo/app seq 1: its hash does not match"; then ok "pgfence audit verify runs pgfence-serve and names a changed event"
else bad "pgfence audit verify (exit $status, expected 1 naming seq 1)"; show audit; fi

exit "$fail"
