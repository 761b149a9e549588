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

# The .deb, from the install rules.
(cd "$build" && cpack -G DEB -B "$tmp/cpack") > "$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log" >&2; exit 1; }
deb="$(basename "$tmp"/cpack/*.deb)"
mv "$tmp/cpack/$deb" "$out/$deb"

# The tarball: the stripped install, the binary moved to libexec/ behind the script in bin/.
arch="$(uname -m)"
name="pgfence-$version-linux-$arch"
stage="$tmp/stage"
root="$tmp/$name"
cmake --install "$build" --prefix "$stage" --strip >/dev/null
mkdir -p "$root/bin" "$root/libexec" "$root/lib/pgfence" "$root/share/doc/pgfence/copyright"
cp "$stage/bin/pgfence" "$root/libexec/pgfence"
cp "$stage/lib/pgfence/pgfence-http.so" "$root/lib/pgfence/pgfence-http.so"
cp "$stage/lib/pgfence/pgfence-serve" "$root/libexec/pgfence-serve"
cp "$(dirname "$0")/../README.md" "$root/share/doc/pgfence/README.md"

# Every library: what the binary and the module link, and what pgfence opens itself
# (pgfence-dlopened.txt, written by cmake/package.cmake), each with what it links in turn.
interpreter="$(readelf -l "$root/libexec/pgfence" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')"
[ -n "$interpreter" ] || { echo "error: no program interpreter in the binary" >&2; exit 1; }
libc_dir="$(dirname "$(ldd "$root/libexec/pgfence" | awk '$1 == "libc.so.6" { print $3 }')")"
roots=("$root/libexec/pgfence" "$root/lib/pgfence/pgfence-http.so" "$root/libexec/pgfence-serve")
while read -r soname; do
  [ -n "$soname" ] || continue
  found=""
  for dir in "$libc_dir" "/usr$libc_dir"; do
    [ -e "$dir/$soname" ] && { found="$dir/$soname"; break; }
  done
  [ -n "$found" ] || { echo "error: $soname is not installed in $libc_dir: pgfence opens it at run time, the tarball bundles it" >&2; exit 1; }
  roots+=("$found")
  printf '%s %s\n' "$soname" "$found" >> "$tmp/libraries"
done < "$build/pgfence-dlopened.txt"
for file in "${roots[@]}"; do
  ldd "$file" > "$tmp/ldd" || { echo "error: ldd $file failed" >&2; exit 1; }
  if grep -q "not found" "$tmp/ldd"; then
    echo "error: $file needs libraries that are not installed:" >&2
    grep "not found" "$tmp/ldd" >&2
    exit 1
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' "$tmp/ldd" >> "$tmp/libraries"
done
printf '%s %s\n' "$(basename "$interpreter")" "$interpreter" >> "$tmp/libraries"
sort -u "$tmp/libraries" | while read -r soname path; do
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
"$root/bin/pgfence" version > /dev/null || { echo "error: the tarball's pgfence does not run here" >&2; exit 1; }

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$tmp" -c "$name" | gzip -9n > "$out/$name.tar.gz"

for file in "$out/$deb" "$out/$name.tar.gz"; do
  printf 'wrote %s (%d KB)\n' "$file" "$(($(stat -c %s "$file") / 1024))"
done
