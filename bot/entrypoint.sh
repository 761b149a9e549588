#!/usr/bin/env bash
# The container action's entrypoint: turns the action's inputs (INPUT_* variables, as GitHub
# passes them) into a pgfence command line. On pull_request (and merge queue) events it runs
# the bot, `pgfence pr`; on any other event it analyses the given paths. Runs as-is outside a
# container too (PGFENCE_BIN names the binary).
set -uo pipefail
# No pathname expansion anywhere: `paths: db/**/*.sql` must reach pgfence as written (bash
# would expand it to depth-1 files, and deeper migrations would go unreviewed).
set -f

pgfence_bin="${PGFENCE_BIN:-pgfence}"
# `docker run --rm -v "$PWD:/work" ghcr.io/pgfence/action analyze /work/migrations`: arguments
# are a pgfence command line, run as given (the action passes none, and its inputs apply only
# without them).
if [ "$#" -gt 0 ]; then
  exec "$pgfence_bin" "$@"
fi
workspace="${GITHUB_WORKSPACE:-.}"
cd "$workspace" || { echo "error: cannot enter workspace $workspace" >&2; exit 2; }
root="$(pwd -P)"

# GitHub keeps the hyphen of an input's name in its variable (INPUT_PG-VERSION), which the
# shell cannot expand: read it with printenv, falling back to the underscore spelling.
input() {
  local name="INPUT_$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  printenv "$name" 2>/dev/null || printenv "${name//-/_}" 2>/dev/null || true
}
is_false() { [ "$(echo "$1" | tr '[:upper:]' '[:lower:]')" = "false" ]; }
is_true() { [ "$(echo "$1" | tr '[:upper:]' '[:lower:]')" = "true" ]; }
# A value as it may be printed in one line: control characters (a newline) become '?'.
shown() { printf '%s' "$1" | tr -c '[:print:]' '?'; }
usage_error() { echo "error: $*" >&2; exit 2; }

# A list input (paths, schema-file, history, exclude): words separated by newlines or spaces,
# into the array named $2, each as written (no pathname expansion: set -f above).
list() {
  local -n into="$2"
  local line p
  into=()
  while IFS= read -r line; do
    for p in $line; do into+=("$p"); done
  done <<< "$(input "$1")"
}

# working-directory: the folder pgfence runs in (the checkout when actions/checkout put it in a
# subfolder), relative to the workspace. Its value comes from the workflow, its folders from the
# repository: no '..', and the folder it names, links resolved, must lie inside the workspace.
workdir="$(input working-directory)"
workdir="${workdir#"${workdir%%[![:space:]]*}"}"; workdir="${workdir%"${workdir##*[![:space:]]}"}"
if [ -n "$workdir" ] && [ "$workdir" != "." ]; then
  case "/$workdir/" in
    */../*) usage_error "working-directory '$(shown "$workdir")' has a '..': name a folder inside the workspace" ;;
  esac
  target="$workdir"
  case "$target" in /*) ;; *) target="./$target" ;; esac  # never CDPATH's, never cd -'s
  cd -P -- "$target" 2>/dev/null || usage_error "working-directory '$(shown "$workdir")' is not a folder in the workspace"
  here="$(pwd -P)"
  case "$here/" in
    "$root"/*) ;;
    *) usage_error "working-directory '$(shown "$workdir")' leads out of the workspace (to $(shown "$here"))" ;;
  esac
fi
here="$(pwd -P)"
# Where the working directory is, relative to the workspace ('' for the workspace itself).
prefix=""
[ "$here" != "$root" ] && prefix="${here#"$root"/}/"

common=(--color never)
pg_version="$(input pg-version)"; [ -n "$pg_version" ] && common+=(--pg-version "$pg_version")
unparsable="$(input unparsable)"; [ -n "$unparsable" ] && common+=(--unparsable "$unparsable")
max_risk="$(input max-risk)"; [ -n "$max_risk" ] && common+=(--max-risk "$max_risk")
# unknown: warn lets a statement pgfence could not see pass; block (the default) leaves the
# decision to the configuration's `unknown` key (block without one), which a flag would override.
unknown="$(input unknown)"
case "$unknown" in
  ""|block) ;;
  warn) common+=(--unknown warn) ;;
  *) usage_error "unknown must be block or warn, not '$(shown "$unknown")'" ;;
esac
stats_file="$(input stats-file)"; [ -n "$stats_file" ] && common+=(--stats-file "$stats_file")
config="$(input config)"; [ -n "$config" ] && common+=(--config "$config")
# schema-file, history, exclude: one option per word, each value its own argument.
schema_files=() excludes=() history=() paths=()
list schema-file schema_files
for f in "${schema_files[@]}"; do common+=(--schema "$f"); done
list exclude excludes
for g in "${excludes[@]}"; do common+=(--exclude "$g"); done
# history: migrations that ran before; `none` alone analyses without any (--no-history).
list history history
if [ "${#history[@]}" -eq 1 ] && [ "$(echo "${history[0]}" | tr '[:upper:]' '[:lower:]')" = "none" ]; then
  common+=(--no-history)
else
  for h in "${history[@]}"; do
    [ "$(echo "$h" | tr '[:upper:]' '[:lower:]')" = "none" ] &&
      usage_error "history: 'none' stands alone (write ./none for a file of that name)"
    common+=(--history "$h")
  done
fi

# INPUT_PATHS: files, directories or globs, separated by newlines or spaces.
list paths paths

mode="$(input mode)"
if [ -z "$mode" ] || [ "$mode" = "auto" ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request|pull_request_target|merge_group) mode=pr ;;
    *) mode=analyze ;;
  esac
fi

case "$mode" in
  pr)
    args=(pr "${common[@]}")
    is_false "$(input comment)" && args+=(--no-comment)
    is_false "$(input check-run)" && args+=(--no-check-run)
    is_false "$(input sarif)" && args+=(--no-sarif)
    is_true "$(input upload-sarif)" && args+=(--upload-sarif)
    is_true "$(input fail-on-pre-existing)" && args+=(--fail-on-pre-existing)
    is_true "$(input trace)" && args+=(--trace)
    is_true "$(input trace-as-superuser)" && args+=(--trace-as-superuser)
    trace_timeout="$(input trace-timeout)"
    [ -n "$trace_timeout" ] && args+=(--trace-timeout "$trace_timeout")
    trace_budget="$(input trace-budget)"
    [ -n "$trace_budget" ] && args+=(--trace-budget "$trace_budget")
    job_name="$(input name)"
    [ -n "$job_name" ] && args+=(--name "$job_name")
    config_from="$(input config-from)"
    [ -n "$config_from" ] && args+=(--config-from "$config_from")
    comment_author="$(input comment-author)"
    [ -n "$comment_author" ] && args+=(--comment-author "$comment_author")
    max_suggestions="$(input max-suggestions)"
    [ -n "$max_suggestions" ] && args+=(--max-suggestions "$max_suggestions")
    capture_file="$(input capture-file)"
    [ -n "$capture_file" ] && args+=(--capture "$capture_file")
    # The governance upload: the token goes in the environment pgfence reads it from, never in
    # its arguments (a command line is visible to every process on the machine).
    governance_url="$(input governance-url)"
    if [ -n "$governance_url" ]; then
      args+=(--upload "$governance_url")
      governance_token="$(input governance-token)"
      [ -n "$governance_token" ] && export PGFENCE_GOVERNANCE_TOKEN="$governance_token"
      unset governance_token
      is_false "$(input governance-sql)" && args+=(--upload-without-sql)
    fi
    # The checkout belongs to the runner's user, not to the container's root: pgfence opens it
    # with libgit2's ownership check off (diff/repository.cpp), so no `safe.directory` is needed.
    # The checkout is the working directory's repository (by default, the workspace's).
    [ -n "$prefix" ] && args+=(--repo .)
    "$pgfence_bin" "${args[@]}" -- "${paths[@]}"
    exit $?
    ;;
  analyze)
    # A capture record is judged against a pull request's changes (pgfence pr --capture); on
    # other events it would be read by nothing, so the step says so rather than pass it by.
    [ -z "$(input capture-file)" ] || usage_error "capture-file is read on pull requests (mode pr); for other events run \`pgfence capture -- <migrate command>\` itself"
    [ "${#paths[@]}" -gt 0 ] || paths=(migrations)
    # In the workspace, named relative to it: a container action's $RUNNER_TEMP is not mounted
    # from the host, and the steps after this one see the workspace at another absolute path.
    json_out="pgfence-report.json"
    "$pgfence_bin" analyze "${common[@]}" --format json -o "$json_out" -- "${paths[@]}"
    status=$?
    "$pgfence_bin" analyze "${common[@]}" --unparsable warn -- "${paths[@]}" 2>/dev/null
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
      echo "report=$prefix$json_out" >> "$GITHUB_OUTPUT"
    fi
    # --ci semantics for the max-risk gate: exit 1 when a finding is above it.
    if [ "$status" -eq 0 ] && [ -n "$max_risk" ]; then
      "$pgfence_bin" analyze "${common[@]}" --unparsable warn --ci --format json -o /dev/null -- "${paths[@]}" 2>/dev/null
      status=$?
    fi
    exit "$status"
    ;;
  *)
    echo "error: the mode input takes auto, pr or analyze, not '$mode'" >&2
    exit 2
    ;;
esac
