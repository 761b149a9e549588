#!/usr/bin/env bash
# The packages on clean Debian images, with podman (part of scripts/test-container.sh, which
# decides whether containers can run here):
#   - the .deb installed with apt on debian:12-slim: apt pulls its dependencies from the mirror,
#     and `dpkg -s pgfence` must name them;
#   - the tarball extracted on debian:12-slim and on debian:11 (glibc 2.31, older than the 2.36
#     pgfence is built with), with nothing installed, run through a symlink in /usr/local/bin;
# each then runs scripts/container/packages_check.sh (analyze, stdin, pr with libgit2, the HTTPS
# module, trace's error without PostgreSQL). Prints `ok:` and `FAILED:` lines and the sizes;
# exits 1 when anything failed.
#   scripts/container/packages.sh BUILD_DIR WORK_DIR     (BUILD_DIR with pgfence built)
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/container/packages.sh BUILD_DIR WORK_DIR" >&2; exit 2; }
build="$(realpath "$1")"
cd "$(dirname "$0")/../.." || exit 2
source scripts/container/lib.sh
ctr_setup "$2"
work="$(realpath "$CTR_WORK")"

ctr_base_image bookworm docker.io/library/debian:12 docker.io/library/debian:12-slim || exit 1
ctr_base_image bullseye docker.io/library/debian:11 || exit 1

out="$work/packages"
rm -rf "$out"
bash scripts/package.sh "$build" "$out" > "$work/package.log" 2>&1 || { cat "$work/package.log"; echo "FAILED: scripts/package.sh"; exit 1; }
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
deb="$(cd "$out" && ls pgfence_*.deb)"
tarball="$(cd "$out" && ls pgfence-*-linux-*.tar.gz)"

# The fixtures, mounted read-only: a repository whose last commit adds a migration with a HIGH
# finding (git is on the host, not in the images), and the checks.
fixture="$work/packages-fixture"
rm -rf "$fixture"
mkdir -p "$fixture/repo/migrations"
cp scripts/container/packages_check.sh "$fixture/check.sh"
git_in() { git -C "$fixture/repo" -c user.name=pgfence -c user.email=pgfence@localhost "$@"; }
git_in init -q -b main
printf 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' > "$fixture/repo/migrations/000_users.sql"
git_in add . && git_in commit -q -m "users"
printf 'CREATE INDEX users_email_idx ON users (email);\n' > "$fixture/repo/migrations/001_index.sql"
git_in add . && git_in commit -q -m "an index, built without CONCURRENTLY"

fail=0
# check LABEL IMAGE PODMAN_OPTION... -- SHELL_SETUP: installs pgfence with SHELL_SETUP in a fresh
# container of IMAGE, then runs the checks there.
check() {
  local label="$1" image="$2"; shift 2
  local options=()
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  local setup="$2"
  podman run --rm "${options[@]}" -v "$out:/pkg:ro" -v "$fixture:/fixture:ro" "$image" \
    sh -c "$setup && sh /fixture/check.sh '$label' '$version'" > "$work/packages-$label.log" 2>&1
  local status=$?
  grep -E '^(ok|FAILED|note): ' "$work/packages-$label.log"
  if [ "$status" -ne 0 ]; then
    fail=1
    grep -q '^FAILED: ' "$work/packages-$label.log" ||
      { tail -15 "$work/packages-$label.log"; echo "FAILED: $label: the container exited with $status"; }
  fi
}

# The .deb: apt must pull every library from Debian's mirror; the module is found from /usr/bin.
check deb-debian12 docker.io/library/debian:12-slim -- "
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /pkg/$deb > /tmp/apt.log 2>&1 ||
    { tail -20 /tmp/apt.log; exit 1; }
  depends=\"\$(dpkg-query -W -f='\${Depends}' pgfence)\"
  echo \"note: deb-debian12: Depends: \$depends\"
  for package in libgit2-1.5 libcpp-httplib0.11 libtomlplusplus3 zlib1g libstdc++6; do
    case \", \$depends\" in
      *\", \$package\"*) ;;
      *) echo \"FAILED: deb-debian12: Depends does not name \$package\"; exit 1 ;;
    esac
  done
  echo 'ok: deb-debian12: apt installs the .deb and its dependencies; Depends names libgit2, cpp-httplib, toml++, zlib, libstdc++'
  [ \"\$(command -v pgfence)\" = /usr/bin/pgfence ] && [ -f /usr/lib/pgfence/pgfence-http.so ] ||
    { echo 'FAILED: deb-debian12: not installed as /usr/bin/pgfence with /usr/lib/pgfence/pgfence-http.so'; exit 1; }"

# The tarball, with nothing installed and no network: through an absolute symlink in
# /usr/local/bin, and once through a relative one.
unpack="tar -xzf /pkg/$tarball -C /opt && ln -s /opt/${tarball%.tar.gz}/bin/pgfence /usr/local/bin/pgfence"
relative="ln -s ../../../opt/${tarball%.tar.gz}/bin/pgfence /usr/local/bin/pgfence-relative &&
  /usr/local/bin/pgfence-relative --version | grep -q '^pgfence $version\$' &&
  echo 'ok: LABEL: runs through a relative symlink too' || { echo 'FAILED: LABEL: the relative symlink'; exit 1; }"
for target in debian12:docker.io/library/debian:12-slim debian11:docker.io/library/debian:11; do
  label="tarball-${target%%:*}"
  check "$label" "${target#*:}" --network none -- "
    echo \"note: $label: \$(getconf GNU_LIBC_VERSION) on the host image\"
    $unpack && ${relative//LABEL/$label}"
done

deb_kb=$(($(stat -c %s "$out/$deb") / 1024))
tar_kb=$(($(stat -c %s "$out/$tarball") / 1024))
unpacked_bytes="$(tar -xzf "$out/$tarball" -O | wc -c)"
echo "sizes: $deb $deb_kb KB (installed $(dpkg-deb -f "$out/$deb" Installed-Size) KB);" \
  "$tarball $tar_kb KB ($((unpacked_bytes / 1024)) KB unpacked)"
[ "$fail" -eq 0 ] && echo "packages: passed" || echo "packages: FAILED"
exit "$fail"
