#!/usr/bin/env bash
# Makes the VS Code extension, pgfence-<version>.vsix (editors/vscode: a thin client that runs
# `pgfence lsp`):
#   scripts/vsix.sh OUT_DIR
# editors/vscode is copied into a temporary folder, where `npm ci` installs the pinned tools and
# the run-time dependency from package-lock.json (with --ignore-scripts: nothing in the tree needs
# an install script), package.json gets CMake's project version (CMakeLists.txt's
# `project(pgfence VERSION ...)`, as scripts/npm-pack.sh does for the npm package; the checked-in
# one says 0.0.0-dev), docs/pgfence-config.schema.json is copied in for .pgfence.json files, and
# `vsce package` compiles (its vscode:prepublish script, tsc) and packs it.
# npm's cache is build/vscode-npm-cache: after the first run it works offline.
# Every package in the lock must allow Debian 12's Node.js 18 in its `engines` (CI's node): the
# build refuses a lock that would not run there.
# Exits 0, 2 with one `error:` line for bad arguments, 1 with one `error:` line when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "error: usage: scripts/vsix.sh OUT_DIR" >&2; exit 2; }
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (scripts/setup.sh installs Debian's nodejs and npm)" >&2; exit 1; }
done
version="$(sed -n 's/^project(pgfence VERSION \([0-9][0-9.]*\) .*/\1/p' CMakeLists.txt)"
[ -n "$version" ] || { echo "error: no project(pgfence VERSION ...) in CMakeLists.txt" >&2; exit 1; }
mkdir -p "$1" build/vscode-npm-cache
out="$(realpath "$1")"
cache="$(realpath build/vscode-npm-cache)"
# The oldest Node.js Debian 12 ships now (12.5 on): what CI installs with apt.
node_floor=18.19.0

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stage="$tmp/pgfence"
mkdir -p "$stage/schemas"
(cd editors/vscode && cp -r package.json package-lock.json tsconfig.json .vscodeignore README.md src "$stage/")
for file in CHANGELOG.md LICENSE; do [ ! -f "editors/vscode/$file" ] || cp "editors/vscode/$file" "$stage/"; done
cp docs/pgfence-config.schema.json "$stage/schemas/"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

(cd "$stage" && npm ci --ignore-scripts --prefer-offline --cache "$cache" --loglevel=error > "$tmp/ci.log" 2>&1) ||
  { cat "$tmp/ci.log" >&2; echo "error: npm ci in editors/vscode failed (it needs the npm registry the first time)" >&2; exit 1; }

# Engines and version, with the semver that vsce brings (${...} below is JavaScript's, not the shell's).
# shellcheck disable=SC2016
node -e '
  const fs = require("fs"), path = require("path"), [stage, version, floor] = process.argv.slice(1);
  const semver = require(path.join(stage, "node_modules", "semver"));
  const lock = JSON.parse(fs.readFileSync(path.join(stage, "package-lock.json"), "utf8"));
  const refused = Object.entries(lock.packages).filter(([name, p]) => name && p.engines && typeof p.engines.node === "string" &&
    !semver.satisfies(floor, p.engines.node)).map(([name, p]) => `${name.replace(/^.*node_modules\//, "")}@${p.version} (node ${p.engines.node})`);
  if (refused.length) {
    console.error(`error: editors/vscode/package-lock.json has packages that do not run on Node.js ${floor} (Debian 12): ${refused.join(", ")}`);
    process.exit(1);
  }
  const file = path.join(stage, "package.json"), pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = version;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");' "$stage" "$version" "$node_floor"

# No licence file: the repository has none, so the manifest names none (--skip-license).
vsix="$out/pgfence-$version.vsix"
(cd "$stage" && ./node_modules/.bin/vsce package --skip-license --out "$vsix" > "$tmp/vsce.log" 2>&1) ||
  { cat "$tmp/vsce.log" >&2; echo "error: vsce package failed" >&2; exit 1; }
[ -f "$vsix" ] || { echo "error: vsce package made no $(basename "$vsix")" >&2; exit 1; }
printf 'wrote %s (%d KB, %s files)\n' "$vsix" "$(($(stat -c %s "$vsix") / 1024))" \
  "$(sed -n 's/.*Packaged: .* (\([0-9]*\) files.*/\1/p' "$tmp/vsce.log")"
