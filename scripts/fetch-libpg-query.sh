#!/usr/bin/env bash
# Fetches the libpg_query that pgfence parses with: Debian unstable's libpg-query-dev, whose
# grammar is PostgreSQL 18's (Debian 12 ships 15's). The package is pinned by version and
# SHA-256 (below), so no index is read: it is downloaded straight from the pool of the Debian
# archive that the system's apt sources name (apt's own downloader, /usr/lib/apt/apt-helper,
# which checks the SHA-256), checked against the pin again, kept in a cache folder, and unpacked
# (dpkg -x) into DEST to be linked statically; nothing is installed, no apt setting is needed.
# Debian keeps a package in its pool while any suite (unstable, testing, backports) has it; when
# the pinned one is gone, the error line says to run --update-pin.
#   scripts/fetch-libpg-query.sh DEST [ARCH]  (setup.sh uses build/libpg_query); ARCH is the
#                                            Debian architecture, amd64 or arm64, by default this
#                                            machine's (CMake passes the target's: a cross build
#                                            for arm64 links arm64's, cmake/toolchain-aarch64-linux-gnu.cmake)
#   scripts/fetch-libpg-query.sh --update-pin   pins the version Debian unstable has now: reads
#                                            its signed index and rewrites the three pin lines
#   scripts/fetch-libpg-query.sh --mirror       prints that Debian archive's address
#                                            (scripts/container/lib.sh's debootstrap uses it)
# Exit 0 with DEST/usr/{include,lib} ready, or 1 with one `error:` line.
# The cache: $PGFENCE_CACHE_DIR, else ~/.cache/pgfence (a build with the .deb there needs no
# network). PGFENCE_PG_QUERY_PIN="VERSION SHA256" replaces the pin (tests/fetch).
set -euo pipefail

# The pin, per architecture (the release builds the action's images for amd64 and arm64).
version="18.1.0-2"
sha256_amd64="a65df812eabf77e18fd1f16509f19df8a94579d2492ae78b1f8b3fc98460dddc"
sha256_arm64="0e264aafa9df537c81ad0dcf74229e612b7a61b581bcd907893807fe7cdedd72"

script="$(realpath "$0")"
package=libpg-query-dev
pool=pool/main/libp/libpg-query
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
arch="$(dpkg --print-architecture)"
case "${1:-}" in --*) ;; *) [ -z "${2:-}" ] || arch="$2" ;; esac
case "$arch" in
  amd64) sha256="$sha256_amd64" multiarch=x86_64-linux-gnu ;;
  arm64) sha256="$sha256_arm64" multiarch=aarch64-linux-gnu ;;
  *) echo "error: libpg_query $version: only amd64 and arm64 are pinned (not $arch)" >&2; exit 1 ;;
esac
if [ -n "${PGFENCE_PG_QUERY_PIN:-}" ]; then
  read -r version sha256 <<<"$PGFENCE_PG_QUERY_PIN"
fi
fail() { echo "error: libpg_query $version: $*" >&2; exit 1; }
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || fail "the pinned version is not a Debian version"
[[ "$sha256" =~ ^[0-9a-f]{64}$ ]] || fail "the pinned SHA-256 is not 64 hex digits"

# Debian's archive as the system's apt sources name it (sources.list, sources.list.d/*.list and
# *.sources, as apt itself reads them): the repositories with a `main` component whose suite is
# one of Debian's (not -security, which is another archive), in apt's order. Any of them will do:
# the pin, not the mirror, is what the build trusts.
mirrors() {
  local codename
  codename="$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")"
  apt-get indextargets --no-release-info --format '$(REPO_URI)|$(RELEASE)|$(COMPONENT)' 'Identifier: Packages' 2>/dev/null |
    awk -F'|' -v codename="$codename" '
      $3 != "main" { next }
      {
        suite = $2; sub(/-(updates|backports|backports-sloppy|proposed-updates)$/, "", suite)
        if (suite != codename && suite !~ /^(sid|unstable|testing|stable|oldstable|oldoldstable|experimental)$/ &&
            suite !~ /^(buster|bullseye|bookworm|trixie|forky|duke)$/) next
        uri = $1; sub(/\/*$/, "/", uri)
        if (!(uri in seen)) { seen[uri] = 1; print uri }
      }'
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt drops to the _apt user to download; it must be able to write there.
chmod 755 "$work"
mkdir -p "$work/lists/partial" "$work/cache" "$work/download"
chown -R _apt "$work/lists" "$work/download" 2>/dev/null || true

# A mirror that drops the connection, or a download killed half-way, is tried again; a 404 or
# a file that is not the pinned one is not.
retry() {
  local attempt log="$1"; shift
  for attempt in 1 2 3; do
    "$@" >"$log" 2>&1 && return 0
    grep -q -e ' 404 ' -e 'Hash Sum mismatch' -e 'does not have a Release file' "$log" && return 1
    [ "$attempt" -lt 3 ] && sleep $((attempt * 5))
  done
  return 1
}
first_error() { grep -m1 -E '^(E|W):' "$1" | sed 's/^[A-Z]: *//' || tail -n1 "$1"; }

# The version Debian unstable has now, from its signed index at MIRROR (the Release file's
# Valid-Until does not matter here: the pin, not the index, is what the build trusts). Prints
# "VERSION SHA256_AMD64 SHA256_ARM64", or fails with one line.
unstable_now() {
  local mirror="$1"
  [ -r "$keyring" ] || fail "$keyring is missing (install debian-archive-keyring)"
  echo "deb [arch=amd64,arm64 signed-by=$keyring] $mirror sid main" >"$work/sources.list"
  local apt_opts=(
    -o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
    -o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64"
    -o "Acquire::Check-Valid-Until=false" -o "Acquire::Check-Date=false"
    -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1"
  )
  retry "$work/update.log" apt-get "${apt_opts[@]}" -qq update ||
    fail "Debian unstable's index at $mirror cannot be read: $(first_error "$work/update.log")"
  local now sums=()
  now="$(apt-cache "${apt_opts[@]}" show "$package:amd64" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)"
  [ -n "$now" ] || fail "Debian unstable at $mirror has no $package"
  for a in amd64 arm64; do
    sums+=("$(apt-cache "${apt_opts[@]}" show "$package:$a=$now" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n1)")
    [[ "${sums[-1]}" =~ ^[0-9a-f]{64}$ ]] || fail "Debian unstable at $mirror has $package $now without $a"
  done
  echo "$now ${sums[*]}"
}

mapfile -t archives < <(mirrors)
no_archive="the system's apt sources name no Debian archive (a 'main' component of a Debian suite) to download it from; add one to /etc/apt/sources.list.d"

if [ "${1:-}" = "--mirror" ]; then
  [ "${#archives[@]}" -gt 0 ] || fail "$no_archive"
  echo "${archives[0]}"
  exit 0
fi
if [ "${1:-}" = "--update-pin" ]; then
  [ "${#archives[@]}" -gt 0 ] || fail "$no_archive"
  pin="$(unstable_now "${archives[0]}")" || exit 1
  read -r now amd64 arm64 <<<"$pin"
  sed -i -e "s/^version=\".*\"$/version=\"$now\"/" -e "s/^sha256_amd64=\".*\"$/sha256_amd64=\"$amd64\"/" \
    -e "s/^sha256_arm64=\".*\"$/sha256_arm64=\"$arm64\"/" "$script"
  echo "pinned $package $now (amd64 $amd64, arm64 $arm64) in $script; rebuild from a clean build tree and rerun the tests"
  exit 0
fi

dest="${1:?usage: fetch-libpg-query.sh DEST | --update-pin}"
stamp="$dest/.pinned-$version"
[ -f "$stamp" ] && [ -f "$dest/usr/lib/$multiarch/libpg_query.a" ] && exit 0

file="${package}_${version}_${arch}.deb"
cache="${PGFENCE_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/pgfence}"
matches() { echo "$sha256  $1" | sha256sum --quiet --status -c - 2>/dev/null; }
deb=""
from=""
if [ -f "$cache/$file" ] && [ ! -L "$cache/$file" ] && matches "$cache/$file"; then
  deb="$cache/$file"
  from="the cache $cache"
else
  [ "${#archives[@]}" -gt 0 ] || fail "$no_archive"
  for mirror in "${archives[@]}"; do
    if retry "$work/download.log" /usr/lib/apt/apt-helper download-file "$mirror$pool/$file" "$work/download/$file" "SHA256:$sha256"; then
      deb="$work/download/$file"
      from="$mirror"
      break
    fi
    if grep -q 'Hash Sum mismatch' "$work/download.log"; then
      fail "$mirror$pool/$file does not match the pinned SHA-256 $sha256 (it has $(sed -n '/received file/,$s/^ *- SHA256://p' "$work/download.log" | head -n1))"
    fi
    grep -q ' 404 ' "$work/download.log" ||
      fail "downloading $mirror$pool/$file failed: $(first_error "$work/download.log")"
  done
  if [ -z "$deb" ]; then
    now="$(unstable_now "${archives[0]}" 2>/dev/null)" && now="unstable has ${now%% *}" ||
      now="unstable's index cannot be read either"
    fail "Debian's pool at ${archives[0]} no longer has it ($now): run \`bash scripts/fetch-libpg-query.sh --update-pin\`, rebuild from a clean build tree and rerun the tests"
  fi
  matches "$deb" || fail "the package from $from does not match SHA-256 $sha256"
  # Kept for the next build (best effort: a read-only home only costs a download next time).
  if mkdir -p "$cache" 2>/dev/null && cp "$deb" "$cache/.$file.$$" 2>/dev/null; then
    mv -f "$cache/.$file.$$" "$cache/$file" 2>/dev/null || rm -f "$cache/.$file.$$"
  fi
fi
rm -rf "$dest"
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
[ -f "$dest/usr/lib/$multiarch/libpg_query.a" ] || fail "the package has no static library"
touch "$stamp"
echo "libpg_query $version (Debian's $package, from $from) in $dest"
