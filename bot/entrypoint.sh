#!/usr/bin/env bash
# The container action's entrypoint: turns the action's inputs (INPUT_* variables, as
# GitHub passes them) into a pgfence command line. Runs as-is outside a container too.
set -uo pipefail

pgfence_bin="${PGFENCE_BIN:-pgfence}"
workspace="${GITHUB_WORKSPACE:-.}"
cd "$workspace" || { echo "error: cannot enter workspace $workspace" >&2; exit 2; }

# GitHub keeps the hyphen of an input's name in its variable (INPUT_PG-VERSION), which the
# shell cannot expand: read it with printenv, falling back to the underscore spelling.
input() {
  local name="INPUT_$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  printenv "$name" 2>/dev/null || printenv "${name//-/_}" 2>/dev/null || true
}

args=(analyze --color never)
pg_version="$(input pg-version)"
unparsable="$(input unparsable)"
[ -n "$pg_version" ] && args+=(--pg-version "$pg_version")
[ -n "$unparsable" ] && args+=(--unparsable "$unparsable")

# INPUT_PATHS: files, directories or globs, separated by newlines or spaces.
paths=()
while IFS= read -r line; do
  for p in $line; do paths+=("$p"); done
done <<< "$(input paths || true)"
[ "${#paths[@]}" -gt 0 ] || paths=(migrations)

json_out="${RUNNER_TEMP:-/tmp}/pgfence-report.json"
"$pgfence_bin" "${args[@]}" --format json -o "$json_out" -- "${paths[@]}"
status=$?
"$pgfence_bin" "${args[@]}" --unparsable warn -- "${paths[@]}" 2>/dev/null
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "report=$json_out" >> "$GITHUB_OUTPUT"
fi
exit "$status"
