#!/usr/bin/env bash
# The action and the packages in real containers, with podman (no Docker engine here, no registry):
#   1. makes the Debian 12 base images with debootstrap (scripts/container/lib.sh), once per machine;
#   2. builds the action's two images from this repository (Dockerfile targets action and trace),
#      measures them and fails when the default one is not under 60 MB compressed;
#   3. runs action.yml's step as GitHub's runner does, against the GitHub test double, in pull-request,
#      fork, trace and push modes, with docs/action.md's workflow, and each input's effect
#      (tests/container/action_test.py);
#   4. installs the .deb and runs the tarball on clean Debian 12 and 11 images (scripts/container/packages.sh);
#   5. packs the npm package from build and build-arm64 and installs it with Debian 12's own node
#      and npm into a SQL project and a TypeORM project (scripts/container/npm.sh).
# Run by scripts/test.sh. Where podman cannot run (not installed, not root, no nesting) it
# prints one `skip:` line and exits 0. Its last line counts the `ok:` and `FAILED:` lines of the
# parts: `container: N passed, N failed`.
#   scripts/test-container.sh [--only action|packages|npm]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/container/lib.sh

only=""
[ "${1:-}" = "--only" ] && only="${2:-}"

why="$(ctr_unavailable)"
if [ -n "$why" ]; then
  echo "skip: the container test cannot run here: $why"
  exit 0
fi
[ -x build/bot/pgfence ] || { echo "error: build first with scripts/setup.sh" >&2; exit 2; }
ctr_setup "${PGFENCE_CONTAINER_WORK:-/var/tmp/pgfence-container}"
shared="${PGFENCE_SHARED:-../shared}"
fail=0
log="$CTR_WORK/test-container.log"
: > "$log"

ctr_base_image bookworm docker.io/library/debian:12 docker.io/library/debian:12-slim || exit 1
why="$(ctr_cannot_run docker.io/library/debian:12)"
if [ -n "$why" ]; then
  echo "skip: the container test cannot run here: $why"
  exit 0
fi

if [ -z "$only" ] || [ "$only" = "action" ]; then
  # The build stage compiles with the host's compiler cache, which setup.sh's build filled:
  # the same sources under the same compiler and headers (Debian 12 both) compile once.
  lend=()
  cache="$(ccache --get-config cache_dir 2>/dev/null)" && [ -d "$cache" ] &&
    lend=(--volume "$cache:/lent-ccache" --build-arg CCACHE_DIR=/lent-ccache)
  for target in action trace; do
    start=$SECONDS
    if ! podman build --quiet "${lend[@]}" --target "$target" --tag "pgfence-action-local:$target" . \
        > "$CTR_WORK/build-$target.log" 2>&1; then
      tail -20 "$CTR_WORK/build-$target.log"
      echo "FAILED: the $target image does not build"
      exit 1
    fi
    bytes="$(podman image inspect --format '{{.Size}}' "pgfence-action-local:$target")"
    # What a runner downloads: the image's layers, compressed as a registry stores them.
    rm -f "$CTR_WORK/image.tar"
    podman save --quiet --format oci-archive -o "$CTR_WORK/image.tar" "pgfence-action-local:$target"
    compressed="$(gzip -c "$CTR_WORK/image.tar" | wc -c)"
    rm -f "$CTR_WORK/image.tar"
    printf 'image %s: %d MB, %d MB compressed (built in %d s)\n' "$target" "$((bytes / 1000000))" \
      "$((compressed / 1000000))" "$((SECONDS - start))"
    if [ "$target" = action ] && [ "$compressed" -ge 60000000 ]; then
      echo "FAILED: the default image is not under 60 MB compressed" | tee -a "$log"
      fail=1
    else
      echo "ok: the $target image builds from the repository" | tee -a "$log"
    fi
  done
  python3 tests/container/action_test.py --source . --double tests/github_double/server.py \
    --schemas "$shared/schemas/github" --sarif-schema "$shared/schemas/sarif-schema-2.1.0.json" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail=1
fi

if [ -z "$only" ] || [ "$only" = "packages" ]; then
  if [ -f scripts/container/packages.sh ]; then
    bash scripts/container/packages.sh build "$CTR_WORK" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || fail=1
  fi
fi

if [ -z "$only" ] || [ "$only" = "npm" ]; then
  bash scripts/container/npm.sh build build-arm64 "$CTR_WORK" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail=1
fi

passed="$(grep -c '^ok: ' "$log")"
failed="$(grep -c '^FAILED' "$log")"
# A part that failed without a FAILED line of its own still counts as one failure.
[ "$fail" -eq 1 ] && [ "$failed" -eq 0 ] && failed=1
echo "container: $passed passed, $failed failed"
exit "$fail"
