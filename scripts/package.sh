#!/usr/bin/env bash
# Makes pgfence's two packages from a configured build folder:
#   pgfence_<version>_<arch>.deb            for Debian 12: `apt install ./pgfence_<version>_amd64.deb`
#                                           pulls the libraries it needs (cmake/package.cmake)
#   pgfence-<version>-linux-<arch>.tar.gz   self-contained, for any glibc-based Linux of that
#                                           architecture, older glibc included: the binary with every
#                                           library it, its HTTPS module, libgit2 and libpq load, and
#                                           glibc with its loader (bin/pgfence is the script that runs it)
#
#   scripts/package.sh [BUILD_DIR [OUT_DIR]]     defaults: build and BUILD_DIR/packages
#
# <arch> is the binary's, as `uname -m` names it: x86_64, or aarch64 for a cross build folder
# (cmake/toolchain-aarch64-linux-gnu.cmake), whose libraries come from the arm64 multiarch folders
# (/lib/aarch64-linux-gnu, /usr/lib/aarch64-linux-gnu) and whose check runs under qemu-aarch64 when
# it is installed. The libraries are found from each file's NEEDED entries (readelf), not with ldd,
# which cannot read a foreign binary. A cross build makes the tarball only: no .deb (the
# action's arm64 image is built natively; dpkg-shlibdeps would need arm64's dpkg set-up).
#
# Builds pgfence first when it is not up to date. Needs cpack (cmake), dpkg-shlibdeps (dpkg-dev) and
# file for the .deb, and the lazily opened libgit2 and libpq installed here for the tarball
# (scripts/setup.sh installs all of them).
set -euo pipefail

build="$(realpath "${1:-build}")"
out="${2:-$build/packages}"
[ -f "$build/CMakeCache.txt" ] || { echo "error: $build is not a configured build folder (see the README's Quick start)" >&2; exit 2; }
mkdir -p "$out"
out="$(realpath "$out")"

cmake --build "$build" --target pgfence pgfence_serve_program >/dev/null
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The binary's architecture, from its ELF header.
machine="$(readelf -h "$build/bot/pgfence" | sed -n 's/^ *Machine: *//p')"
case "$machine" in
  *X86-64*) arch=x86_64 ;;
  AArch64) arch=aarch64 ;;
  *) echo "error: $build/bot/pgfence is built for '$machine': only x86_64 and aarch64 are packaged" >&2; exit 1 ;;
esac
multiarch="$arch-linux-gnu"
native=0
[ "$arch" = "$(uname -m)" ] && native=1

# The .deb, from the install rules.
deb=""
if [ "$native" -eq 1 ]; then
  (cd "$build" && cpack -G DEB -B "$tmp/cpack") > "$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log" >&2; exit 1; }
  deb="$(basename "$tmp"/cpack/*.deb)"
  mv "$tmp/cpack/$deb" "$out/$deb"
fi

# The tarball: the stripped install, the binary moved to libexec/ behind the script in bin/.
name="pgfence-$version-linux-$arch"
stage="$tmp/stage"
root="$tmp/$name"
cmake --install "$build" --prefix "$stage" --strip >/dev/null
mkdir -p "$root/bin" "$root/libexec" "$root/lib/pgfence" "$root/share/doc/pgfence/copyright"
cp "$stage/bin/pgfence" "$root/libexec/pgfence"
cp "$stage/lib/pgfence/pgfence-http.so" "$root/lib/pgfence/pgfence-http.so"
cp "$stage/lib/pgfence/pgfence-serve" "$root/libexec/pgfence-serve"
cp "$(dirname "$0")/../README.md" "$root/share/doc/pgfence/README.md"
# The completions and the man page, where bash-completion, zsh, fish and man look under a prefix.
for dir in share/bash-completion share/zsh share/fish share/man; do
  [ -d "$stage/$dir" ] && { mkdir -p "$root/$(dirname "$dir")"; cp -r "$stage/$dir" "$root/$dir"; }
done

# Every library: what the binary and the module link, and what pgfence opens itself
# (pgfence-dlopened.txt, written by cmake/package.cmake), each with what it links in turn: the
# NEEDED entries of each file (readelf), found in the architecture's multiarch folders, where
# Debian installs every library these need (the loader's search path for them).
interpreter="$(readelf -l "$root/libexec/pgfence" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')"
[ -n "$interpreter" ] || { echo "error: no program interpreter in the binary" >&2; exit 1; }
library_dirs=("/lib/$multiarch" "/usr/lib/$multiarch")
# find_library SONAME: prints the path, or nothing.
find_library() {
  local dir
  for dir in "${library_dirs[@]}"; do
    [ -e "$dir/$1" ] && { echo "$dir/$1"; return; }
  done
}
roots=("$root/libexec/pgfence" "$root/lib/pgfence/pgfence-http.so" "$root/libexec/pgfence-serve")
while read -r soname; do
  [ -n "$soname" ] || continue
  found="$(find_library "$soname")"
  [ -n "$found" ] || { echo "error: $soname is not installed in ${library_dirs[*]}: pgfence opens it at run time, the tarball bundles it" >&2; exit 1; }
  roots+=("$found")
  printf '%s %s\n' "$soname" "$found" >> "$tmp/libraries"
done < "$build/pgfence-dlopened.txt"
# Breadth first over NEEDED, each soname once.
queue=("${roots[@]}")
declare -A seen=()
while [ "${#queue[@]}" -gt 0 ]; do
  file="${queue[0]}"
  queue=("${queue[@]:1}")
  needed="$(readelf -d "$file" 2>/dev/null | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]$/\1/p')" ||
    { echo "error: readelf cannot read $file" >&2; exit 1; }
  for soname in $needed; do
    [ -z "${seen[$soname]:-}" ] || continue
    seen[$soname]=1
    found="$(find_library "$soname")"
    [ -n "$found" ] || { echo "error: $file needs $soname, which is not installed in ${library_dirs[*]}" >&2; exit 1; }
    printf '%s %s\n' "$soname" "$found" >> "$tmp/libraries"
    queue+=("$found")
  done
done
printf '%s %s\n' "$(basename "$interpreter")" "$interpreter" >> "$tmp/libraries"
# One file per soname (the loader is also libc's NEEDED, by another path).
sort -u -k1,1 "$tmp/libraries" | while read -r soname path; do
  cp -L "$path" "$root/lib/$soname"
  # Each bundled library's licence, from the Debian package it came from (the path dpkg recorded
  # may be with or without /usr, the merged /usr making both work).
  command -v dpkg-query >/dev/null || continue
  for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "/usr${path#/usr}"; do
    package="$(dpkg-query -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1)" || true
    if [ -n "$package" ]; then
      [ -f "/usr/share/doc/$package/copyright" ] && cp "/usr/share/doc/$package/copyright" "$root/share/doc/pgfence/copyright/$package"
      break
    fi
  done
done

loader="$(basename "$interpreter")"
cat > "$root/bin/pgfence" <<SCRIPT
#!/bin/sh
# pgfence from the self-contained tarball. The real binary (libexec/pgfence) runs through the
# bundled loader with the bundled glibc and libraries in lib/, so the host's own (older, or none)
# are never mixed in. --library-path also serves pgfence's own dlopen of libgit2 and libpq, and is
# not passed on to the programs pgfence starts (PostgreSQL's, for trace). /proc/self/exe names the
# loader, not pgfence, so the HTTPS module is named here.
self="\$0"
while [ -L "\$self" ]; do
  target="\$(readlink "\$self")"
  case "\$target" in
    /*) self="\$target" ;;
    *) self="\$(dirname "\$self")/\$target" ;;
  esac
done
root="\$(CDPATH='' cd -- "\$(dirname "\$self")/.." && pwd -P)"
: "\${PGFENCE_HTTP_MODULE:=\$root/lib/pgfence/pgfence-http.so}"
: "\${PGFENCE_SERVE_PROGRAM:=\$root/libexec/pgfence-serve.sh}"
export PGFENCE_HTTP_MODULE PGFENCE_SERVE_PROGRAM
exec "\$root/lib/$loader" --library-path "\$root/lib" --argv0 "\$0" "\$root/libexec/pgfence" "\$@"
SCRIPT
chmod 755 "$root/bin/pgfence"
# The governance service (pgfence serve, pgfence audit), which pgfence runs, through the loader too.
cat > "$root/libexec/pgfence-serve.sh" <<SCRIPT
#!/bin/sh
root="\$(CDPATH='' cd -- "\$(dirname "\$0")/.." && pwd -P)"
exec "\$root/lib/$loader" --library-path "\$root/lib" --argv0 "\$0" "\$root/libexec/pgfence-serve" "\$@"
SCRIPT
chmod 755 "$root/libexec/pgfence-serve.sh"
# The tarball must run: here, or for another architecture under qemu-user (the loader named
# explicitly, so no binfmt registration is needed), or it is said that it was not run.
if [ "$native" -eq 1 ]; then
  "$root/bin/pgfence" version > /dev/null || { echo "error: the tarball's pgfence does not run here" >&2; exit 1; }
elif command -v "qemu-$arch" >/dev/null; then
  "qemu-$arch" "$root/lib/$loader" --library-path "$root/lib" "$root/libexec/pgfence" version > /dev/null ||
    { echo "error: the tarball's pgfence does not run under qemu-$arch" >&2; exit 1; }
else
  echo "note: qemu-$arch is not installed: the $arch tarball was not run"
fi

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$tmp" -c "$name" | gzip -9n > "$out/$name.tar.gz"

for file in ${deb:+"$out/$deb"} "$out/$name.tar.gz"; do
  printf 'wrote %s (%d KB)\n' "$file" "$(($(stat -c %s "$file") / 1024))"
done
