#!/usr/bin/env bash
# The action's one step (action.yml): chooses the image and runs it the way GitHub's runner runs
# a container action, so bot/entrypoint.sh sees what it would see there:
#   - the workspace mounted at /github/workspace, the working directory, GITHUB_WORKSPACE saying so;
#   - the inputs as INPUT_<NAME> variables (INPUT_MAX_RISK: GitHub's runner keeps the hyphen,
#     INPUT_MAX-RISK, which a composite step cannot set; bot/entrypoint.sh reads both);
#   - GITHUB_* variables, and the files they name (event, outputs, step summary) at their paths.
# `trace: true` runs the -trace image (with PostgreSQL); anything else the smaller default one, so
# a job pulls only the image it needs.
#
# PGFENCE_IMAGE / PGFENCE_TRACE_IMAGE (set by action.yml): an image reference, pinned by digest in
# a release, or `Dockerfile`: build that stage from the action's own directory (a branch).
# The version input (vX.Y.Z or X.Y.Z) runs that release instead: ghcr.io/pgfence/action:vX.Y.Z
# (and -trace), pulled by tag, or by the pinned digest when it is the action's own release.
# PGFENCE_DOCKER_RUN_ARGS: extra `docker run` arguments, space separated, set by a workflow for a
# self-hosted runner (`--network host`, `--add-host ...`). Nothing from the repository reaches it.
set -euo pipefail

action_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
workspace="${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set: run this as the step of the action}"

# One line, control characters shown as '?', for a value quoted in an error.
shown() { printf '%s' "$1" | tr -c '[:print:]' '?'; }

# version: checked before anything is built or pulled; one error line and exit 2 otherwise.
version="${INPUT_VERSION:-}"
version="${version#"${version%%[![:space:]]*}"}"; version="${version%"${version##*[![:space:]]}"}"
if [ -n "$version" ]; then
  if ! [[ "$version" =~ ^v?[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}$ ]]; then
    echo "error: the version input takes a release, vX.Y.Z or X.Y.Z (empty: the action's own), not '$(shown "$version")'" >&2
    exit 2
  fi
  version="v${version#v}"
fi

if [ "$(printf '%s' "${INPUT_TRACE:-}" | tr '[:upper:]' '[:lower:]')" = "true" ]; then
  image="${PGFENCE_TRACE_IMAGE:-Dockerfile}" target=trace suffix=-trace
else
  image="${PGFENCE_IMAGE:-Dockerfile}" target=action suffix=
fi
if [ -n "$version" ]; then
  case "$image" in
    "ghcr.io/pgfence/action:$version$suffix@sha256:"*) ;;  # the action's own release, by digest
    *) image="ghcr.io/pgfence/action:$version$suffix" ;;
  esac
fi

if [ "$image" = "Dockerfile" ]; then
  image="pgfence-action-local:$target"
  echo "Building the $target image from $action_dir/Dockerfile (a release runs a prebuilt one)"
  docker build --quiet --target "$target" --tag "$image" "$action_dir" >/dev/null
else
  echo "Pulling $image"
  if ! why="$(docker pull --quiet "$image" 2>&1 >/dev/null)"; then
    echo "error: cannot pull $image: $(shown "$(printf '%s\n' "$why" | grep -v '^[[:space:]]*$' | tail -n 1)")" >&2
    exit 2
  fi
fi

# working-directory as ${{ github.workspace }}/app names the host's path: the container sees the
# workspace elsewhere, so a path inside the workspace is passed relative to it. The entrypoint
# checks the folder (no '..', links resolved inside the workspace).
wd="${INPUT_WORKING_DIRECTORY:-}"
case "$wd" in
  "$workspace") export INPUT_WORKING_DIRECTORY=. ;;
  "$workspace"/*) export INPUT_WORKING_DIRECTORY="${wd#"$workspace"/}" ;;
esac

run=(run --rm --workdir /github/workspace -v "$workspace:/github/workspace" -e GITHUB_WORKSPACE=/github/workspace)
declare -A mounted=()
# Files of the job the entrypoint reads or appends to, mounted at the same path inside.
for var in GITHUB_EVENT_PATH GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ENV GITHUB_PATH GITHUB_STATE; do
  file="${!var:-}"
  [ -n "$file" ] && [ -e "$file" ] && [ -z "${mounted[$file]:-}" ] || continue
  mounted[$file]=1
  run+=(-v "$file:$file")
done

# Variables are passed by name (-e NAME), so no value is ever on a command line (a token would be
# readable in /proc by any process of the runner). Inputs arrive from action.yml as INPUT_MAX_RISK
# (a step's env cannot spell GitHub's INPUT_MAX-RISK, and bash cannot export it); the entrypoint
# and pgfence read either spelling.
for name in $(compgen -e); do
  case "$name" in
    GITHUB_WORKSPACE|GITHUB_ACTION_PATH|GITHUB_ENV|GITHUB_PATH|GITHUB_STATE) ;;
    GITHUB_*|RUNNER_OS|RUNNER_ARCH|CI|INPUT_*) run+=(-e "$name") ;;
  esac
done

extra=()
# shellcheck disable=SC2206  # split on spaces, as documented
[ -n "${PGFENCE_DOCKER_RUN_ARGS:-}" ] && { set -f; extra=(${PGFENCE_DOCKER_RUN_ARGS}); set +f; }

exec docker "${run[@]}" "${extra[@]}" "$image"
