#!/usr/bin/env bash
# The Linux arm64 (aarch64) tarball, cross-built, run under qemu-user on this x86_64 machine and
# compared with the x86_64 build: part of scripts/test.sh.
#   1. builds ARM64_BUILD_DIR (configured with cmake/toolchain-aarch64-linux-gnu.cmake when it is
#      not yet: only pgfence, its HTTPS module and pgfence-serve, no tests) and packs it with
#      scripts/package.sh into pgfence-<version>-linux-aarch64.tar.gz;
#   2. unpacks it and checks its files: AArch64 binaries, the arm64 loader, every library each
#      bundled file needs present in lib/;
#   3. runs it under qemu-aarch64 through the bundled loader (no binfmt registration is needed:
#      `qemu-aarch64 lib/ld-linux-aarch64.so.1 --library-path lib libexec/pgfence ...`), and
#      checks `pgfence version`, and that `pgfence analyze --format json` on examples/*.sql (each
#      file), on every tests/rules SQL fixture (one run) and on a TypeORM migration prints the same
#      JSON and exits the same as BUILD_DIR's x86_64 pgfence; `pr` reading a git repository with
#      the bundled libgit2, the HTTPS module loading, and `audit verify` through pgfence-serve,
#      against the x86_64 output too.
# Prints one `ok:` or `FAILED:` line per check and `arm64: N passed, N failed` last; exits 1 when
# any failed, 2 with one `error:` line when BUILD_DIR is not built. Prints one `skip:` line and
# exits 0 only when the cross compiler or qemu-aarch64 is not installed (scripts/setup.sh
# installs both, so CI runs it).
#   scripts/test-arm64.sh [BUILD_DIR [ARM64_BUILD_DIR]]     defaults: build build-arm64
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cross="${2:-build-arm64}"

for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "skip: the arm64 test cannot run here: $tool is not installed (scripts/setup.sh installs it)"; exit 0; }
done
[ -x "$build/bot/pgfence" ] || { echo "error: $build/bot/pgfence is not built: build first with scripts/setup.sh" >&2; exit 2; }
build="$(realpath "$build")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { echo "ok: arm64: $1"; passed=$((passed + 1)); }
bad() { echo "FAILED: arm64: $1"; failed=$((failed + 1)); }
finish() { echo "arm64: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

start=$SECONDS
if [ ! -f "$cross/CMakeCache.txt" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$cross" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake -DCMAKE_BUILD_TYPE=Release \
    -DPGFENCE_TESTS=OFF "${launcher[@]}" > "$tmp/configure.log" 2>&1 ||
    { tail -20 "$tmp/configure.log"; bad "cmake cannot configure the cross build $cross"; finish; }
fi
if ! cmake --build "$cross" -j"$(nproc)" --target pgfence pgfence_http pgfence_serve_program > "$tmp/build.log" 2>&1; then
  grep -E 'error|Error' "$tmp/build.log" | head -20
  bad "the cross build $cross fails"
  finish
fi
if ! bash scripts/package.sh "$cross" "$tmp/out" > "$tmp/package.log" 2>&1; then
  tail -20 "$tmp/package.log"
  bad "scripts/package.sh $cross fails"
  finish
fi
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$cross/CMakeCache.txt")"
name="pgfence-$version-linux-aarch64"
if [ -f "$tmp/out/$name.tar.gz" ] && [ "$(ls "$tmp/out")" = "$name.tar.gz" ]; then
  ok "scripts/package.sh makes $name.tar.gz ($(($(stat -c %s "$tmp/out/$name.tar.gz") / 1024)) KB; built and packed in $((SECONDS - start)) s)"
else
  bad "scripts/package.sh made $(ls "$tmp/out" | tr '\n' ' ') instead of $name.tar.gz alone"
  finish
fi
tar -xzf "$tmp/out/$name.tar.gz" -C "$tmp"
root="$tmp/$name"

# The files: every ELF file is AArch64, the loader is arm64's, and every NEEDED of every bundled
# file is in lib/ (what the loader will look for there, with nothing from this machine).
problems=""
elves=0
while IFS= read -r -d '' file; do
  head -c 4 "$file" | grep -q $'^\x7fELF' || continue
  elves=$((elves + 1))
  machine="$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')"
  [ "$machine" = AArch64 ] || problems+=" ${file#"$root"/} is $machine;"
  for soname in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]$/\1/p'); do
    [ -e "$root/lib/$soname" ] || problems+=" ${file#"$root"/} needs $soname, not in lib/;"
  done
done < <(find "$root" -type f -print0)
interpreter="$(readelf -l "$root/libexec/pgfence" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')"
[ "$interpreter" = /lib/ld-linux-aarch64.so.1 ] || problems+=" the interpreter is '$interpreter';"
[ -x "$root/lib/ld-linux-aarch64.so.1" ] || problems+=" lib/ld-linux-aarch64.so.1 is missing or not executable;"
for lib in libgit2.so.1.5 libpq.so.5 libcrypto.so.3 libssl.so.3 libc.so.6 libstdc++.so.6; do
  [ -f "$root/lib/$lib" ] || problems+=" lib/$lib is missing;"
done
if [ -z "$problems" ] && [ "$elves" -ge 10 ]; then ok "the tarball's $elves ELF files are AArch64, with the arm64 loader and every library they need"
else bad "the tarball's files:${problems:- only $elves ELF files}"; fi

# pgfence under qemu, as bin/pgfence runs it, with the bundled loader named (no binfmt here):
# pgfence-serve, which pgfence runs, through a script that runs it under qemu too.
cat > "$tmp/pgfence-serve-qemu" <<SCRIPT
#!/bin/sh
exec qemu-aarch64 "$root/lib/ld-linux-aarch64.so.1" --library-path "$root/lib" "$root/libexec/pgfence-serve" "\$@"
SCRIPT
chmod 755 "$tmp/pgfence-serve-qemu"
arm() {
  PGFENCE_HTTP_MODULE="$root/lib/pgfence/pgfence-http.so" PGFENCE_SERVE_PROGRAM="$tmp/pgfence-serve-qemu" \
    qemu-aarch64 "$root/lib/ld-linux-aarch64.so.1" --library-path "$root/lib" --argv0 pgfence "$root/libexec/pgfence" "$@"
}
x86() { "$build/bot/pgfence" "$@"; }

arm version > "$tmp/version.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q "^pgfence $version\$" "$tmp/version.out" && [ "$(x86 version)" = "$(cat "$tmp/version.out")" ]; then
  ok "pgfence version under qemu-aarch64: $(head -1 "$tmp/version.out"), as the x86_64 build says"
else
  bad "pgfence version under qemu-aarch64 (exit $status): $(head -3 "$tmp/version.out")"
fi

# same LABEL ARGS...: the arm64 and x86_64 pgfence with ARGS print the same JSON report (parsed,
# so only a real difference counts) and exit the same; the report must name at least one finding
# when the x86_64 one does, so an empty pair does not pass.
same() {
  local label="$1"; shift
  arm "$@" > "$tmp/arm.json" 2> "$tmp/arm.err"
  local arm_status=$?
  x86 "$@" > "$tmp/x86.json" 2> "$tmp/x86.err"
  local x86_status=$?
  local verdict
  verdict="$(python3 - "$tmp/arm.json" "$tmp/x86.json" <<'PY'
import json, sys
try:
    arm = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"the arm64 output is not JSON ({e})"); sys.exit()
x86 = json.load(open(sys.argv[2]))
if arm != x86:
    af = {f["path"]: f for f in arm.get("files", [])}
    xf = {f["path"]: f for f in x86.get("files", [])}
    diff = [p for p in sorted(set(af) | set(xf)) if af.get(p) != xf.get(p)]
    print("the reports differ" + (f" for {', '.join(diff[:3])}" if diff else " (top level)")); sys.exit()
findings = sum(len(f.get("findings", [])) for f in x86.get("files", []))
files = len(x86.get("files", []))
print(f"same {findings} findings in {files} file{'s' if files != 1 else ''}")
PY
)"
  if [ "$arm_status" -ne "$x86_status" ]; then bad "$label: exit $arm_status under qemu, $x86_status on x86_64"; sed 's/^/    | /' "$tmp/arm.err" | head -5
  elif [[ "$verdict" != same* ]] || [[ "$verdict" == "same 0 findings"* ]]; then bad "$label: $verdict"
  else ok "$label: analyze --format json under qemu-aarch64 = x86_64 ($verdict, exit $arm_status)"; fi
}
for file in examples/*.sql; do
  same "$file" analyze --format json --color never "$file"
done
mapfile -t rule_files < <(find tests/rules -name '*.sql' | sort)
same "tests/rules (${#rule_files[@]} SQL files, one run)" analyze --format json --no-history --color never "${rule_files[@]}"
same "a TypeORM migration" analyze --format json --color never tests/orm/fixes/typeorm/create_index_raw/before/1700000000000-AddUserEmail.ts

# libgit2 (opened at run time, the bundled arm64 one): pr on a repository whose last commit adds
# an index built without CONCURRENTLY.
repo="$tmp/repo"
mkdir -p "$repo/migrations"
git_in() { git -C "$repo" -c user.name=pgfence -c user.email=pgfence@localhost "$@"; }
git_in init -q -b main
printf 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' > "$repo/migrations/000_users.sql"
git_in add . && git_in commit -q -m users
printf 'CREATE INDEX users_email_idx ON users (email);\n' > "$repo/migrations/001_index.sql"
git_in add . && git_in commit -q -m index
arm pr --repo "$repo" --base main~1 --head main --no-sarif --color never > "$tmp/pr-arm.out" 2>&1
status=$?
x86 pr --repo "$repo" --base main~1 --head main --no-sarif --color never > "$tmp/pr-x86.out" 2>&1
if [ "$status" -eq 1 ] && grep -q "create-index-without-concurrently" "$tmp/pr-arm.out" && cmp -s "$tmp/pr-arm.out" "$tmp/pr-x86.out"; then
  ok "pr --repo reads the commits with the bundled libgit2 under qemu-aarch64, as on x86_64 (exit 1)"
else
  bad "pr --repo under qemu-aarch64 (exit $status)"; diff "$tmp/pr-x86.out" "$tmp/pr-arm.out" | head -8 | sed 's/^/    | /'
fi

# The HTTPS module (dlopened, cpp-httplib and OpenSSL): posting to a port nothing listens on must
# load it and then fail to connect.
GITHUB_API_URL=https://127.0.0.1:9 GITHUB_TOKEN=ghp_pgfencepackagetest0123456789 arm pr --repo "$repo" \
  --base main~1 --head main --no-sarif --no-comment --max-suggestions 0 --repository pgfence/fixture --pr 1 \
  --color never > "$tmp/https.out" 2>&1
if grep -q "HTTPS module" "$tmp/https.out"; then bad "the HTTPS module does not load under qemu-aarch64: $(grep -m1 'HTTPS module' "$tmp/https.out")"
elif grep -q "check run not posted: .*no response (Connection)" "$tmp/https.out"; then ok "the arm64 HTTPS module loads (the check run fails to connect, as it should)"
else bad "pr with a token under qemu-aarch64: no connection error"; tail -5 "$tmp/https.out" | sed 's/^/    | /'; fi

# pgfence-serve (cpp-httplib, OpenSSL, libpq), run by pgfence: an event whose hash is not its content's.
printf '%s\n' '{"at":"2026-11-23T09:00:00Z","content_hash":null,"data":{},"hash":"HASH","prev":"0000000000000000000000000000000000000000000000000000000000000000","pull_request":null,"repository":"octo/app","seq":1,"type":"token"}' > "$tmp/audit.jsonl"
arm audit verify "$tmp/audit.jsonl" > "$tmp/audit-arm.out" 2>&1
status=$?
if [ "$status" -eq 1 ] && grep -q "^error: octo/app seq 1: its hash does not match" "$tmp/audit-arm.out"; then
  ok "audit verify runs the arm64 pgfence-serve and names the changed event (exit 1)"
else
  bad "audit verify under qemu-aarch64 (exit $status, expected 1 naming seq 1)"; tail -5 "$tmp/audit-arm.out" | sed 's/^/    | /'
fi
finish
