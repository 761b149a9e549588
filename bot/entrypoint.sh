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
workspace="${GITHUB_WORKSPACE:-.}"
cd "$workspace" || { echo "error: cannot enter workspace $workspace" >&2; exit 2; }

# GitHub keeps the hyphen of an input's name in its variable (INPUT_PG-VERSION), which the
# shell cannot expand: read it with printenv, falling back to the underscore spelling.
input() {
  local name="INPUT_$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  printenv "$name" 2>/dev/null || printenv "${name//-/_}" 2>/dev/null || true
}
is_false() { [ "$(echo "$1" | tr '[:upper:]' '[:lower:]')" = "false" ]; }
is_true() { [ "$(echo "$1" | tr '[:upper:]' '[:lower:]')" = "true" ]; }

common=(--color never)
pg_version="$(input pg-version)"; [ -n "$pg_version" ] && common+=(--pg-version "$pg_version")
unparsable="$(input unparsable)"; [ -n "$unparsable" ] && common+=(--unparsable "$unparsable")
max_risk="$(input max-risk)"; [ -n "$max_risk" ] && common+=(--max-risk "$max_risk")
stats_file="$(input stats-file)"; [ -n "$stats_file" ] && common+=(--stats-file "$stats_file")
config="$(input config)"; [ -n "$config" ] && common+=(--config "$config")

# INPUT_PATHS: files, directories or globs, separated by newlines or spaces.
paths=()
while IFS= read -r line; do
  for p in $line; do paths+=("$p"); done
done <<< "$(input paths || true)"

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
    job_name="$(input name)"
    [ -n "$job_name" ] && args+=(--name "$job_name")
    config_from="$(input config-from)"
    [ -n "$config_from" ] && args+=(--config-from "$config_from")
    comment_author="$(input comment-author)"
    [ -n "$comment_author" ] && args+=(--comment-author "$comment_author")
    max_suggestions="$(input max-suggestions)"
    [ -n "$max_suggestions" ] && args+=(--max-suggestions "$max_suggestions")
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
    "$pgfence_bin" "${args[@]}" -- "${paths[@]}"
    exit $?
    ;;
  analyze)
    [ "${#paths[@]}" -gt 0 ] || paths=(migrations)
    # In the workspace, named relative to it: a container action's $RUNNER_TEMP is not mounted
    # from the host, and the steps after this one see the workspace at another absolute path.
    json_out="pgfence-report.json"
    "$pgfence_bin" analyze "${common[@]}" --format json -o "$json_out" -- "${paths[@]}"
    status=$?
    "$pgfence_bin" analyze "${common[@]}" --unparsable warn -- "${paths[@]}" 2>/dev/null
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
      echo "report=$json_out" >> "$GITHUB_OUTPUT"
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
