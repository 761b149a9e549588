#!/usr/bin/env bash
# Fetches the libpg_query that pgfence parses with: Debian unstable's libpg-query-dev, whose
# grammar is PostgreSQL 18's (Debian 12 ships 15's). The package is downloaded with apt-get
# against a private sources list and state directory, so the system's apt configuration is not
# touched; apt verifies the index's signature with Debian's archive keyring and the package
# against the index's SHA-256, and we check that SHA-256 against the pin below as well. The
# package is unpacked (dpkg -x) into DEST and linked statically; nothing is installed.
#   scripts/fetch-libpg-query.sh DEST      (setup.sh uses build/libpg_query)
# Exit 0 with DEST/usr/{include,lib} ready, or 1 with one `error:` line.
set -euo pipefail

# The pin, per architecture (the release builds the action's images for amd64 and arm64). Debian
# unstable moves on: when this version leaves it, update the version and both SHA-256 lines from
# `apt-cache show libpg-query-dev:amd64 libpg-query-dev:arm64` against the sources below, and rerun
# the tests.
version="18.1.0-2"
suite="sid"
arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64) sha256="a65df812eabf77e18fd1f16509f19df8a94579d2492ae78b1f8b3fc98460dddc" multiarch=x86_64-linux-gnu ;;
  arm64) sha256="0e264aafa9df537c81ad0dcf74229e612b7a61b581bcd907893807fe7cdedd72" multiarch=aarch64-linux-gnu ;;
  *) echo "error: libpg_query $version: only amd64 and arm64 are pinned (this machine is $arch)" >&2; exit 1 ;;
esac

dest="${1:?usage: fetch-libpg-query.sh DEST}"
stamp="$dest/.pinned-$version"
[ -f "$stamp" ] && [ -f "$dest/usr/lib/$multiarch/libpg_query.a" ] && exit 0

fail() { echo "error: libpg_query $version: $*" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || fail "$keyring is missing (install debian-archive-keyring)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" >"$work/sources.list"
# apt drops to the _apt user to download; it must be able to write there.
chmod 755 "$work"
chown -R _apt "$work/lists" "$work/cache" 2>/dev/null || true
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
  -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1"
)
# A mirror that drops the connection, or a download killed half-way, is tried again.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    [ "$attempt" -lt 3 ] && sleep $((attempt * 5))
  done
  return 1
}
retry apt-get "${apt_opts[@]}" -qq update >"$work/update.log" 2>&1 ||
  fail "apt-get update of Debian $suite failed: $(grep -m1 -E '^(E|W):' "$work/update.log" || tail -n1 "$work/update.log")"
indexed="$(apt-cache "${apt_opts[@]}" show "libpg-query-dev=$version" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n1)"
[ -n "$indexed" ] || fail "Debian $suite no longer has this version ($(apt-cache "${apt_opts[@]}" policy libpg-query-dev 2>/dev/null | sed -n 's/^ *Candidate: //p') now); update the pin in scripts/fetch-libpg-query.sh"
[ "$indexed" = "$sha256" ] || fail "the signed index says SHA-256 $indexed, the pin says $sha256"
(cd "$work" && retry apt-get "${apt_opts[@]}" -qq download "libpg-query-dev=$version" >"$work/download.log" 2>&1) ||
  fail "apt-get download failed: $(grep -m1 '^E:' "$work/download.log" || tail -n1 "$work/download.log")"
deb="$work/libpg-query-dev_${version}_${arch}.deb"
[ -f "$deb" ] || fail "apt-get download left no $deb"
echo "$sha256  $deb" | sha256sum --quiet -c - || fail "the downloaded package does not match SHA-256 $sha256"
rm -rf "$dest"
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
[ -f "$dest/usr/lib/$multiarch/libpg_query.a" ] || fail "the package has no static library"
touch "$stamp"
echo "libpg_query $version (Debian $suite) in $dest"
