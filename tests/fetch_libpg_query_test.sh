#!/usr/bin/env bash
# scripts/fetch-libpg-query.sh against a Debian mirror of our own: an HTTP server on 127.0.0.1
# with a pool, named only by an apt configuration (APT_CONFIG, deb822 .sources), and a package
# built here and pinned through PGFENCE_PG_QUERY_PIN. Checks that the mirror comes from the apt
# sources (a non-Debian and a -security source are passed over), that the pin's SHA-256 decides,
# that the cache makes the next fetch work with the mirror gone, and that a pin the pool no
# longer has, a wrong SHA-256 and sources without Debian's archive each give one `error:` line.
#   tests/fetch_libpg_query_test.sh SOURCE_DIR
set -uo pipefail
source_dir="$1"
fetch="$source_dir/scripts/fetch-libpg-query.sh"
tmp="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }

arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64) multiarch=x86_64-linux-gnu ;;
  arm64) multiarch=aarch64-linux-gnu ;;
  *) echo "skip: only amd64 and arm64 are pinned"; exit 0 ;;
esac

# The package: what the build reads from libpg-query-dev (the static library and the header).
version="0.0.1-1"
pkg="$tmp/pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib/$multiarch" "$pkg/usr/include"
printf 'Package: libpg-query-dev\nVersion: %s\nArchitecture: %s\nMaintainer: pgfence <pgfence@localhost>\nDescription: test package\n' \
  "$version" "$arch" > "$pkg/DEBIAN/control"
echo "the library $RANDOM$RANDOM" > "$pkg/usr/lib/$multiarch/libpg_query.a"
echo "/* pg_query.h */" > "$pkg/usr/include/pg_query.h"
pool="$tmp/mirror/debian/pool/main/libp/libpg-query"
mkdir -p "$pool"
deb="$pool/libpg-query-dev_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null || { echo "FAILED: dpkg-deb"; exit 1; }
sha="$(sha256sum "$deb" | cut -d' ' -f1)"
chmod -R a+rX "$tmp"

# The mirror: Python's HTTP server on a free port, its requests logged.
python3 -c '
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()' "$tmp/mirror" > "$tmp/port" 2> "$tmp/requests" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port="$(cat "$tmp/port")"
[ -n "$port" ] || { echo "FAILED: the mirror did not start"; exit 1; }

# apt's configuration: a third-party repository first (not Debian's archive), the security
# archive, then Debian's, in deb822 form; lists of our own, so no Release file is known.
mkdir -p "$tmp/apt/sources.list.d" "$tmp/apt/lists"
: > "$tmp/apt/sources.list"
cat > "$tmp/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://127.0.0.1:$port/vendor
Suites: nodistro
Components: main

Types: deb
URIs: http://127.0.0.1:$port/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://127.0.0.1:$port/debian
Suites: bookworm bookworm-updates
Components: main
EOF
cat > "$tmp/apt.conf" <<EOF
Dir::Etc::sourcelist "$tmp/apt/sources.list";
Dir::Etc::sourceparts "$tmp/apt/sources.list.d";
Dir::State::Lists "$tmp/apt/lists";
EOF
# run NAME PIN: the fetch into $tmp/NAME with the cache $tmp/cache; $status, $tmp/NAME.err.
run() {
  APT_CONFIG="$tmp/apt.conf" PGFENCE_CACHE_DIR="$tmp/cache" PGFENCE_PG_QUERY_PIN="$2" \
    bash "$fetch" "$tmp/$1" > "$tmp/$1.out" 2> "$tmp/$1.err"
  status=$?
}
one_error() { [ "$(wc -l < "$tmp/$1.err")" -eq 1 ] && grep -q "^error: libpg_query $2: " "$tmp/$1.err"; }

run fetched "$version $sha"
check "fetches the pinned package from the Debian archive the apt sources name (exit 0)" '[ "$status" -eq 0 ]'
check "downloads it from the archive's pool, nothing else (no index, no vendor or security repository)" \
  '[ "$(grep -c "\"GET " "$tmp/requests")" -eq 1 ] && grep -q "\"GET /debian/pool/main/libp/libpg-query/libpg-query-dev_${version}_${arch}.deb " "$tmp/requests"'
check "unpacks the library and the header" \
  'cmp -s "$pkg/usr/lib/$multiarch/libpg_query.a" "$tmp/fetched/usr/lib/$multiarch/libpg_query.a" && [ -f "$tmp/fetched/usr/include/pg_query.h" ]'
check "keeps the package in the cache" 'cmp -s "$deb" "$tmp/cache/libpg-query-dev_${version}_${arch}.deb"'

mv "$deb" "$tmp/moved.deb"
: > "$tmp/requests"
run cached "$version $sha"
check "with the package gone from the mirror, the cache still builds (exit 0, no request)" \
  '[ "$status" -eq 0 ] && [ ! -s "$tmp/requests" ] && cmp -s "$pkg/usr/lib/$multiarch/libpg_query.a" "$tmp/cached/usr/lib/$multiarch/libpg_query.a"'

run moved "0.0.2-1 $sha"
check "a pin the pool no longer has: exit 1, one error line saying to run --update-pin" \
  '[ "$status" -eq 1 ] && one_error moved 0.0.2-1 && grep -q "no longer has it.*bash scripts/fetch-libpg-query.sh --update-pin" "$tmp/moved.err" && [ ! -e "$tmp/moved" ]'

mv "$tmp/moved.deb" "$deb"
rm -rf "$tmp/cache"
run mismatch "$version $(echo "$sha" | tr '0-9a-f' '1-9a-f0')"
check "a package that does not match the pinned SHA-256: exit 1, one error line, nothing unpacked or cached" \
  '[ "$status" -eq 1 ] && one_error mismatch "$version" && grep -q "SHA-256" "$tmp/mismatch.err" && [ ! -e "$tmp/mismatch" ] && [ ! -e "$tmp/cache/libpg-query-dev_${version}_${arch}.deb" ]'

printf 'deb http://127.0.0.1:%s/vendor nodistro main\n' "$port" > "$tmp/apt/sources.list"
rm -f "$tmp/apt/sources.list.d/debian.sources"
run nomirror "$version $sha"
check "apt sources without Debian's archive: exit 1, one error line naming them" \
  '[ "$status" -eq 1 ] && one_error nomirror "$version" && grep -q "apt sources name no Debian archive" "$tmp/nomirror.err"'

for name in fetched cached moved mismatch nomirror; do
  [ -s "$tmp/$name.err" ] && sed "s/^/  $name: /" "$tmp/$name.err"
done
exit "$fail"
