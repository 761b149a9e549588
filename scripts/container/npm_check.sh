#!/bin/sh
# Runs inside a clean Debian 12 container with Debian's nodejs and npm (scripts/container/npm.sh):
# installs the npm package /pkg/pgfence-VERSION.tgz into the sample projects of /fixture (copied,
# as /fixture is read-only) with no network, and checks what a user would run. One `ok:` or
# `FAILED:` line per check; exits 1 when any failed.
#   npm_check.sh VERSION
version="$1"
label="npm-debian12"
fail=0
ok() { echo "ok: $label: $1"; }
bad() { echo "FAILED: $label: $1"; fail=1; }
run() {
  name="$1"; shift
  "$@" > "/tmp/$name.out" 2>&1
  status=$?
}
has() { grep -q -- "$2" "/tmp/$1.out"; }
show() { tail -8 "/tmp/$1.out" | sed 's/^/    | /'; }
finding="create-index-without-concurrently"
echo "note: $label: node $(node --version), npm $(npm --version)"

# (a) A project of plain SQL migrations: users made by the first, indexed without CONCURRENTLY by
# the second. npm install as a user would, with the package's scripts allowed (it has none).
cp -r /fixture/sql /work-sql && cd /work-sql || exit 1
run install npm install --offline --no-audit --no-fund "/pkg/pgfence-$version.tgz"
if [ "$status" -eq 0 ] && [ -x node_modules/.bin/pgfence ]; then ok "npm install pgfence-$version.tgz (offline, no network) links node_modules/.bin/pgfence"
else bad "npm install (exit $status)"; show install; exit 1; fi
node -e 'const p = require("./node_modules/pgfence/package.json");
  if (p.scripts && Object.keys(p.scripts).length) { console.log("scripts: " + Object.keys(p.scripts)); process.exit(1); }
  if (p.version !== process.argv[1]) { console.log("version " + p.version); process.exit(1); }' "$version" > /tmp/pkg.out 2>&1 &&
  ok "the installed package.json is version $version and has no scripts (no postinstall)" ||
  { bad "the installed package.json: $(cat /tmp/pkg.out)"; }

run version npx pgfence --version
if [ "$status" -eq 0 ] && has version "^pgfence $version\$"; then ok "npx pgfence --version says $version"
else bad "npx pgfence --version (exit $status)"; show version; fi

run analyze npx pgfence analyze --color never migrations/
if [ "$status" -eq 0 ] && has analyze "$finding" && has analyze "HIGH" && has analyze "migrations/002_users_email_index.sql"; then
  ok "npx pgfence analyze migrations/ reports $finding (HIGH) in 002_users_email_index.sql (exit 0)"
else bad "npx pgfence analyze migrations/ (exit $status, expected 0 with $finding in 002)"; show analyze; fi

run ci npx pgfence analyze --ci --color never migrations/
if [ "$status" -eq 1 ] && has ci "$finding"; then ok "npx pgfence analyze --ci migrations/ exits 1 on it"
else bad "npx pgfence analyze --ci migrations/ (exit $status, expected 1)"; show ci; fi

run safe npx pgfence analyze --ci --color never migrations/001_users.sql
if [ "$status" -eq 0 ] && ! has safe "$finding"; then ok "npx pgfence analyze --ci on the safe migration alone exits 0"
else bad "npx pgfence analyze --ci migrations/001_users.sql (exit $status, expected 0)"; show safe; fi

run usage npx pgfence analyze --no-such-option
if [ "$status" -eq 2 ] && has usage "^error: "; then ok "a usage error passes through the launcher: exit 2, an error line"
else bad "npx pgfence analyze --no-such-option (exit $status, expected 2)"; show usage; fi

# A signal sent to the launcher reaches pgfence (blocked reading standard input), and the launcher
# dies of it: 128 + 15.
sleep 30 | node_modules/.bin/pgfence analyze - > /tmp/signal.out 2>&1 &
launcher=$!
sleep 2
kill -TERM "$launcher"
wait "$launcher"
status=$?
sleep 1
# ([p]: not grep's own command line)
left="$(grep -l 'vendor/linux-x64/libexec/[p]gfence' /proc/[0-9]*/cmdline 2>/dev/null)"
if [ "$status" -eq 143 ] && [ -z "$left" ]; then ok "SIGTERM to the launcher ends pgfence too, and the launcher dies of it (status 143)"
else bad "SIGTERM to the launcher: status $status (expected 143)${left:+, pgfence still runs}"; show signal; fi

# Elsewhere than Linux x64/arm64: one error line, exit 2 (the platform faked before the launcher runs).
for fake in "platform darwin" "platform win32" "arch ia32"; do
  set -- $fake
  printf 'Object.defineProperty(process, "%s", { value: "%s" });\n' "$1" "$2" > /tmp/fake.js
  run unsupported node -r /tmp/fake.js node_modules/pgfence/bin/pgfence.js --version
  lines="$(wc -l < /tmp/unsupported.out)"
  if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && has unsupported "^error: .*Linux x64 and arm64 only, not .*$2"; then ok "on $2 the launcher prints one error line and exits 2"
  else bad "on $2: exit $status, $lines lines (expected 2, one error line)"; show unsupported; fi
done

# (b) A TypeScript project with a TypeORM migration, installed with --ignore-scripts as a
# devDependency the way package.json names it.
cp -r /fixture/typeorm /work-ts && cd /work-ts || exit 1
run install-ts npm install --offline --no-audit --no-fund --ignore-scripts
if [ "$status" -eq 0 ] && [ -x node_modules/.bin/pgfence ]; then ok "npm install --ignore-scripts installs pgfence as the TypeScript project's devDependency"
else bad "npm install --ignore-scripts in the TypeScript project (exit $status)"; show install-ts; exit 1; fi

run typeorm npx pgfence analyze --color never src/migrations/
if [ "$status" -eq 0 ] && has typeorm "src/migrations/1700000000000-AddIndex.ts" && has typeorm "$finding"; then
  ok "npx pgfence analyze src/migrations/ reports $finding in 1700000000000-AddIndex.ts"
else bad "npx pgfence analyze src/migrations/ (exit $status)"; show typeorm; fi

# The report alone: the coverage line goes to standard error.
npx pgfence analyze --format json src/migrations/ > /tmp/typeorm-json.out 2> /tmp/typeorm-json.err
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("/tmp/typeorm-json.out", "utf8"));
  const f = r.files.find((f) => f.path.endsWith("1700000000000-AddIndex.ts"));
  if (!f) { console.log("no file 1700000000000-AddIndex.ts in the report"); process.exit(1); }
  const ids = f.findings.map((x) => x.rule);
  if (!ids.includes(process.argv[1])) { console.log("rules: " + ids.join(", ")); process.exit(1); }
  if (!f.statements.some((s) => /CREATE INDEX/i.test(s.sql || ""))) { console.log("no CREATE INDEX statement"); process.exit(1); }' \
  "$finding" > /tmp/typeorm-check.out 2>&1
if [ "$status" -eq 0 ] && [ -s /tmp/typeorm-json.out ] && [ ! -s /tmp/typeorm-check.out ]; then
  ok "the JSON report has the TypeORM file's CREATE INDEX with $finding"
else bad "the TypeORM JSON report (exit $status): $(cat /tmp/typeorm-check.out)"; fi

run script npm run --silent migrations:check
if [ "$status" -eq 1 ] && has script "$finding"; then ok "npm run migrations:check (pgfence analyze --ci in package.json's scripts) exits 1"
else bad "npm run migrations:check (exit $status, expected 1)"; show script; fi
exit "$fail"
