"""A finding is pre-existing only when everything that decides whether and how its statement runs is
unchanged (docs/pr.md "New and pre-existing findings"): every statement before it in its file,
every statement after it to the end of its transaction, and so the functions it calls that the
file defines. Each scenario changes only such context around an unchanged DROP TABLE; the
DROP's finding must be new. Real git repositories, the real binary (`pr` with local flags).

    test_pre_existing_context.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pr"))
sys.path.insert(0, HERE)
from pr_test import check, main  # noqa: E402
from test_what_runs import pr, repository  # noqa: E402

HEAD = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
INIT = (HEAD + "CREATE SCHEMA archive;\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
        "CREATE TABLE legacy_sessions (id bigint PRIMARY KEY, user_id bigint);\n"
        "CREATE TABLE public.sessions (id bigint PRIMARY KEY);\nCREATE TABLE archive.sessions (id bigint PRIMARY KEY);\n"
        "CREATE FUNCTION assert_empty(t regclass) RETURNS void LANGUAGE plpgsql AS $$\nDECLARE n bigint;\nBEGIN\n"
        "  EXECUTE format('SELECT count(*) FROM %s', t) INTO n;\n"
        "  IF n > 0 THEN RAISE EXCEPTION '% still has % rows', t, n; END IF;\nEND\n$$;\n")
PATH = "migrations/002_cleanup.sql"


def drops(files):
    return [(x["start"]["line"], x["pre_existing"]) for x in files[PATH]["findings"] if x["rule"] == "drop-table"]


def changed_context(s, base, head, what):
    repository(s, {"migrations/001_init.sql": INIT, PATH: HEAD + base}, {PATH: HEAD + head})
    proc, files = pr(s)
    found = drops(files)
    check(found and all(not pre for _, pre in found), f"{what}: the DROP TABLE's finding is new: {found}")
    check(proc.returncode == 1, f"{what}: the review fails: exit {proc.returncode}")


def function_branch(s):
    """Only the IF condition inside the function the file defines and calls changes (case G)."""
    body = ("CREATE FUNCTION drop_users_if() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  IF (SELECT count(*) FROM users) {} 0 THEN\n"
            "    DROP TABLE users;\n  END IF;\nEND\n$$;\nSELECT drop_users_if();\n")
    changed_context(s, body.format("<"), body.format(">="), "an IF condition in the called function")


def later_failure(s):
    """A later statement of the same transaction that failed now succeeds: the DROP commits (case H)."""
    body = "BEGIN;\nDROP TABLE users;\nSELECT 1 / {};\nCOMMIT;\n"
    changed_context(s, body.format("0"), body.format("1"), "a later failure in its transaction")


def guard_call_removed(s):
    """The guard call before the DROP is removed (case H4)."""
    changed_context(s, "BEGIN;\nSELECT assert_empty('legacy_sessions');\nDROP TABLE legacy_sessions;\nCOMMIT;\n",
                    "BEGIN;\nDROP TABLE legacy_sessions;\nCOMMIT;\n", "a removed guard call")


def guard_block_neutralised(s):
    """The DO block that raised is neutralised (case H5)."""
    body = ("BEGIN;\nDO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM legacy_sessions{}) THEN\n    RAISE EXCEPTION 'rows left';\n"
            "  END IF;\nEND\n$$;\nDROP TABLE legacy_sessions;\nCOMMIT;\n")
    changed_context(s, body.format(""), body.format(" WHERE false"), "a neutralised guard block")


def set_config_earlier(s):
    """An earlier set_config('search_path', ...) changes which sessions table is dropped (case I1)."""
    body = "SELECT pg_catalog.set_config('search_path', '{}', false);\nDROP TABLE sessions;\n"
    changed_context(s, body.format("archive"), body.format("public"), "an earlier set_config")


def function_set_clause(s):
    """The called function's SET search_path clause changes (case I3)."""
    body = ("CREATE FUNCTION drop_old_sessions() RETURNS void LANGUAGE plpgsql SET search_path = {} AS $$\nBEGIN\n"
            "  DROP TABLE sessions;\nEND\n$$;\nSELECT drop_old_sessions();\n")
    changed_context(s, body.format("archive"), body.format("public"), "the called function's SET clause")


def comment_only_edit(s):
    """A comment-only edit keeps the finding pre-existing (comments are not compared)."""
    body = "BEGIN;\n-- {}\nDROP TABLE users;\nCOMMIT;\n"
    repository(s, {"migrations/001_init.sql": INIT, PATH: HEAD + body.format("old note")},
               {PATH: HEAD + body.format("a new note")})
    proc, files = pr(s)
    found = drops(files)
    check(found and all(pre for _, pre in found), f"a comment-only edit keeps the finding pre-existing: {found}")


SCENARIOS = {f.__name__: f for f in (function_branch, later_failure, guard_call_removed, guard_block_neutralised,
                                      set_config_earlier, function_set_clause, comment_only_edit)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
