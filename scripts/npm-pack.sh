#!/usr/bin/env bash
# Makes the npm package, pgfence-<version>.tgz (npm/: the `pgfence` command, bin/pgfence.js, which
# runs the binary for the machine), from two configured build folders:
#   scripts/npm-pack.sh BUILD_DIR ARM64_BUILD_DIR OUT_DIR
#     BUILD_DIR        x86_64 (scripts/setup.sh's build)
#     ARM64_BUILD_DIR  aarch64, cross-built (cmake/toolchain-aarch64-linux-gnu.cmake; setup.sh's build-arm64)
#     OUT_DIR          gets pgfence-<version>.tgz and the two tarballs it holds,
#                      pgfence-<version>-linux-x86_64.tar.gz and pgfence-<version>-linux-aarch64.tar.gz
#                      (and the x86_64 .deb, which scripts/package.sh makes with its tarball)
# scripts/package.sh makes each self-contained tarball; their contents are unpacked into a copy
# of npm/ as vendor/linux-x64/ and vendor/linux-arm64/ (npm's names for the architectures that the
# tarballs name as `uname -m` does), package.json gets CMake's project version, and `npm pack`
# packs it. The package has no install script. Then the .tgz is checked: the launcher and every
# program in it executable, each vendor folder's binary of its architecture, under 64 MB.
# Publish with `npm publish OUT_DIR/pgfence-<version>.tgz`.
# Exits 0, 2 with one `error:` line for bad arguments (not a configured build folder, the wrong
# architecture, two versions), 1 with one `error:` line when packaging fails.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 3 ] || { echo "error: usage: scripts/npm-pack.sh BUILD_DIR ARM64_BUILD_DIR OUT_DIR" >&2; exit 2; }
command -v npm >/dev/null || { echo "error: npm is not installed (it packs the package)" >&2; exit 1; }

# The binary's architecture as package.sh names it (readelf, which reads any architecture).
elf_arch() {
  case "$(readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')" in
    *X86-64*) echo x86_64 ;;
    AArch64) echo aarch64 ;;
    *) echo unknown ;;
  esac
}
versions=()
for pair in "$1:x86_64" "$2:aarch64"; do
  dir="${pair%:*}" want="${pair##*:}"
  [ -f "$dir/CMakeCache.txt" ] || { echo "error: $dir is not a configured build folder (scripts/setup.sh makes build and build-arm64)" >&2; exit 2; }
  if [ -f "$dir/bot/pgfence" ] && [ "$(elf_arch "$dir/bot/pgfence")" != "$want" ]; then
    echo "error: $dir builds pgfence for $(elf_arch "$dir/bot/pgfence"), not $want (arguments: BUILD_DIR ARM64_BUILD_DIR OUT_DIR)" >&2
    exit 2
  fi
  versions+=("$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$dir/CMakeCache.txt")")
done
version="${versions[0]}"
[ "${versions[1]}" = "$version" ] ||
  { echo "error: $1 is version $version but $2 is ${versions[1]}: configure both from the same source" >&2; exit 2; }
mkdir -p "$3"
out="$(realpath "$3")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stage="$tmp/package"
cp -r npm "$stage"
rm -rf "$stage/vendor" "$stage/node_modules"
for pair in "$1:x86_64:linux-x64" "$2:aarch64:linux-arm64"; do
  IFS=: read -r dir arch npm_name <<<"$pair"
  bash scripts/package.sh "$dir" "$out" > "$tmp/package-$arch.log" 2>&1 ||
    { cat "$tmp/package-$arch.log" >&2; echo "error: scripts/package.sh $dir failed" >&2; exit 1; }
  tarball="$out/pgfence-$version-linux-$arch.tar.gz"
  [ -f "$tarball" ] || { echo "error: scripts/package.sh $dir made no $(basename "$tarball")" >&2; exit 1; }
  mkdir -p "$stage/vendor/$npm_name"
  tar -xzf "$tarball" -C "$stage/vendor/$npm_name" --strip-components=1
  [ "$(elf_arch "$stage/vendor/$npm_name/libexec/pgfence")" = "$arch" ] ||
    { echo "error: vendor/$npm_name/libexec/pgfence is not an $arch binary" >&2; exit 1; }
done

# The version, written at pack time: CMakeLists.txt's project() is the one source of it.
node -e '
  const fs = require("fs"), file = process.argv[1], pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = process.argv[2];
  if (pkg.scripts && Object.keys(pkg.scripts).some((s) => /install|prepare/.test(s))) {
    console.error("error: npm/package.json has an install script; the package must work with --ignore-scripts");
    process.exit(1);
  }
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");' "$stage/package.json" "$version"

(cd "$stage" && npm pack --silent --pack-destination "$out" > "$tmp/pack.log" 2>&1) ||
  { cat "$tmp/pack.log" >&2; echo "error: npm pack failed" >&2; exit 1; }
tgz="$out/pgfence-$version.tgz"
[ -f "$tgz" ] || { echo "error: npm pack made no $(basename "$tgz")" >&2; exit 1; }

# What npm will install: these must be executable in the archive (npm keeps the modes it packs).
tar -tvzf "$tgz" > "$tmp/listing"
for file in bin/pgfence.js vendor/linux-x64/bin/pgfence vendor/linux-x64/libexec/pgfence \
    vendor/linux-x64/libexec/pgfence-serve vendor/linux-x64/libexec/pgfence-serve.sh vendor/linux-x64/lib/ld-linux-x86-64.so.2 \
    vendor/linux-arm64/bin/pgfence vendor/linux-arm64/libexec/pgfence \
    vendor/linux-arm64/libexec/pgfence-serve vendor/linux-arm64/libexec/pgfence-serve.sh vendor/linux-arm64/lib/ld-linux-aarch64.so.1; do
  mode="$(awk -v f="package/$file" '$NF == f { print $1 }' "$tmp/listing")"
  [ -n "$mode" ] || { echo "error: the package has no $file" >&2; exit 1; }
  [[ "$mode" == -rwxr-xr-x ]] || { echo "error: $file is $mode in the package, not executable (-rwxr-xr-x)" >&2; exit 1; }
done
if grep -q ' package/node_modules/' "$tmp/listing"; then echo "error: the package holds node_modules/" >&2; exit 1; fi
bytes="$(stat -c %s "$tgz")"
unpacked="$(awk '{ sum += $3 } END { print sum }' "$tmp/listing")"
# The two tarballs are about 17 MB each (33 MB packed together); twice that is far more than a
# new library would add: something is bundled that should not be (a debug build, a second copy).
limit=$((64 * 1024 * 1024))
[ "$bytes" -lt "$limit" ] || { echo "error: $(basename "$tgz") is $((bytes / 1048576)) MB, over the 64 MB limit" >&2; exit 1; }
printf 'wrote %s (%d KB, %d KB unpacked, %d files)\n' "$tgz" "$((bytes / 1024))" "$((unpacked / 1024))" "$(wc -l < "$tmp/listing")"
