#!/usr/bin/env bash
# The `-- needs: N` gate end to end, on the server the suite finds: pgfence_conformance with
# --filter newer_ must run exactly the cases whose version the server has, report the others
# as skipped, and pass. The expected counts come from the case files' directives, read here
# apart from case_file.cpp. On PostgreSQL 15 (Debian 12's) every one of them is skipped.
# usage: needs_test.sh PGFENCE_CONFORMANCE SOURCE_DIR
set -u
binary=$1
source_dir=$2

fail() {
    echo "FAIL: $*"
    exit 1
}

out=$("$binary" --source-dir "$source_dir" --filter newer_ 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" = 77 ] && exit 77
[ "$code" = 0 ] || fail "exit $code, expected 0"

server=$(sed -n 's/^server: PostgreSQL \([0-9][0-9]*\)$/\1/p' <<<"$out")
[ -n "$server" ] || fail "no 'server: PostgreSQL N' line"

# Cases whose id contains newer_ (what --filter selects): how many the server can run, how
# many need a newer one.
read -r runnable newer < <(awk -v server="$server" '
    function count() { if (index(id, "newer_") > 0) { if (needs > server) n++; else r++ } }
    /^-- case: / { if (id != "") count(); id = $3; needs = 0; next }
    /^-- needs: / { needs = $3 + 0 }
    END { if (id != "") count(); print r + 0, n + 0 }' "$source_dir"/cases/*.sql)
[ $((runnable + newer)) -ge 6 ] || fail "only $((runnable + newer)) newer_ cases in $source_dir/cases"
if [ "$server" -lt 18 ] && [ "$newer" -eq 0 ]; then
    fail "PostgreSQL $server: no case needs a newer server, so the gate is not exercised"
fi

summary="conformance: $runnable passed, 0 failed"
[ "$newer" -gt 0 ] && summary+=", $newer skipped (need a newer server)"
grep -qxF "$summary" <<<"$out" || fail "expected the summary '$summary'"
reported=$(grep -cE "^skipped   newer_[a-z0-9_]+  \(needs PostgreSQL 1[6-8], the server is $server\)$" <<<"$out")
[ "$reported" = "$newer" ] || fail "$reported cases reported skipped, expected $newer"
echo "needs: PostgreSQL $server ran $runnable newer_ cases and skipped $newer"
