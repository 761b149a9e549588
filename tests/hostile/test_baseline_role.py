"""Red team R83b H4: the role a statement runs as is part of what it means. The default search_path
is "$user", public (PostgreSQL docs, "The Schema Search Path"), and SET ROLE / SET SESSION
AUTHORIZATION change the user "$user" names: `SET ROLE staging; DROP TABLE IF EXISTS orders`
drops staging.orders, the same DROP after RESET ROLE drops public.orders. A baseline entry, a SARIF
or GitLab fingerprint and `pr`'s pre-existing check must see the second as a new finding. Real
binary, real files (`analyze`, and `pr` on a local git repository).

    test_baseline_role.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main, write  # noqa: E402
from test_what_runs import analyze, at_call, flags, pr, repository  # noqa: E402

PATH = os.path.join("db", "R__staging_reset.sql")


def baselined(s, before, after, line):
    """Writes `before`, baselines it, then writes `after`: the `analyze --ci --baseline` run, and
    the drop-table finding's SARIF and GitLab fingerprints before and after."""
    os.makedirs(os.path.join(s.tmp, "db"), exist_ok=True)
    full = os.path.join(s.tmp, PATH)
    baseline = os.path.join(s.tmp, "pgfence-baseline.txt")
    write(full, before)
    analyze(s, PATH, "--baseline", baseline)
    proc = analyze(s, PATH, "--baseline", baseline, "--ci", "--format", "json")
    check(proc.returncode == 0, f"the baselined file passes as it was: exit {proc.returncode}: {proc.stdout[:1000]}")
    first = {fmt: at_call(s, PATH, fmt, before.split("\n").index("DROP TABLE IF EXISTS orders;") + 1) for fmt in ("sarif", "gitlab")}
    write(full, after)
    then = {fmt: at_call(s, PATH, fmt, line) for fmt in ("sarif", "gitlab")}
    proc = analyze(s, PATH, "--baseline", baseline, "--ci", "--format", "json")
    found = [(x["rule"], x["start"]["line"]) for x in json.loads(proc.stdout)["files"][0]["findings"]]
    return proc, found, first, then


def reset_role_moved(s):
    """The repro: the baselined DROP under `SET ROLE staging` moved below `RESET ROLE`."""
    proc, found, first, then = baselined(
        s, "SET lock_timeout = '2s';\nSET ROLE staging;\nDROP TABLE IF EXISTS orders;\nRESET ROLE;\n",
        "SET lock_timeout = '2s';\nRESET ROLE;\nDROP TABLE IF EXISTS orders;\n", 3)
    check(("drop-table", 3) in found, f"the baseline does not hide the drop as another role: {found}")
    check(proc.returncode == 1, f"--ci fails: exit {proc.returncode}")
    check(then["sarif"] != first["sarif"], f"SARIF: another role is a new result: {first} {then}")
    check(then["gitlab"] != first["gitlab"], f"GitLab: another role is a new issue: {first} {then}")


def session_authorization_dropped(s):
    """`SET SESSION AUTHORIZATION staging` above the baselined DROP removed (the DROP now runs as
    the login role); and SET ROLE after it changed to another role is new again."""
    proc, found, _, _ = baselined(
        s, "SET lock_timeout = '2s';\nSET SESSION AUTHORIZATION staging;\nDROP TABLE IF EXISTS orders;\n",
        "SET lock_timeout = '2s';\nDROP TABLE IF EXISTS orders;\n", 2)
    check(("drop-table", 2) in found, f"the baseline does not hide the drop as the login role: {found}")
    check(proc.returncode == 1, f"--ci fails: exit {proc.returncode}")
    write(os.path.join(s.tmp, PATH), "SET lock_timeout = '2s';\nSET SESSION AUTHORIZATION staging;\nSET ROLE app;\nDROP TABLE IF EXISTS orders;\n")
    proc = analyze(s, PATH, "--baseline", os.path.join(s.tmp, "pgfence-baseline.txt"), "--ci", "--format", "json")
    found = [(x["rule"], x["start"]["line"]) for x in json.loads(proc.stdout)["files"][0]["findings"]]
    check(("drop-table", 4) in found, f"SET ROLE app after the authorization is another role: {found}")


def pr_role_changed(s):
    """Guard: `pr` keys a statement on every statement before it (bot/pre_existing.cpp contexts_of),
    so an unchanged DROP TABLE whose SET ROLE above it names another role is not pre-existing."""
    text = "SET lock_timeout = '2s';\nSET ROLE {};\nDROP TABLE sessions;\n"
    repository(s, {"migrations/001_x.sql": text.format("staging")}, {"migrations/001_x.sql": text.format("app")})
    _, files = pr(s)
    found = flags(files, "migrations/001_x.sql")
    check(found.get(("drop-table", 3)) is False, f"the DROP TABLE as another role is new: {found}")


def role_identity_control(s):
    """Control: where the role cannot change what a name means the identity stays. A search_path
    without "$user" ignores the role; a role set and reset before the statement, or never set,
    leaves the identity a file without roles always had (its baseline entries stay valid)."""
    proc, found, first, then = baselined(
        s, "SET lock_timeout = '2s';\nSET search_path = public;\nSET ROLE staging;\nDROP TABLE IF EXISTS orders;\n",
        "SET lock_timeout = '2s';\nSET search_path = public;\nDROP TABLE IF EXISTS orders;\n", 3)
    check(proc.returncode == 0 and ("drop-table", 3) not in found, f"search_path public: the role changes nothing: {proc.returncode} {found}")
    check(then == first, f"and the fingerprints stay: {first} {then}")
    plain = os.path.join("db", "V2__plain.sql")
    write(os.path.join(s.tmp, plain), "SET lock_timeout = '2s';\nDROP TABLE IF EXISTS orders;\n")
    alone = at_call(s, plain, "sarif", 2)
    write(os.path.join(s.tmp, plain), "SET lock_timeout = '2s';\nSET ROLE staging;\nRESET ROLE;\nDROP TABLE IF EXISTS orders;\n")
    check(at_call(s, plain, "sarif", 4) == alone, "a role reset before the statement leaves its identity as it was")


SCENARIOS = {f.__name__: f for f in (reset_role_moved, session_authorization_dropped, pr_role_changed, role_identity_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
