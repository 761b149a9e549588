"""Issue #32 "Integrity: nothing a pull request writes can lift the review": real git repositories,
the real binary, the GitHub double, the upload `pgfence pr --upload` sends (to the receiver of
tests/pr/governance_receiver.py) and the decision `pgfence policy check` makes on it, which is the
service's (serve/decide.cpp calls the same governance::evaluate).

    test_governance_integrity.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, start_receiver, upload, write  # noqa: E402

POLICY = '[policy]\nsignoff_at = "high"\ncritical_needs_exemption = true\n'
USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
TRUNCATE = "SET lock_timeout = '2s';\nTRUNCATE users CASCADE;\n"  # CRITICAL: the critical guardrail


def pull_request(s, base_files, head_files=(), moves=(), config=None):
    """Base: `base_files` (and .pgfence.toml `config`); the pull request writes `head_files` (text,
    or None to delete) after `moves` (git mv old new)."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    if config is not None:
        write(os.path.join(s.repo, ".pgfence.toml"), config)
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for old, new in moves:
        git(s.repo, "mv", old, new)
    for path, text in dict(head_files).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def review(s, no_config=True):
    """pgfence pr with the upload; the envelope it sent; the policy's decision on it (JSON and text)."""
    s.start_double()
    receiver = start_receiver(s)
    env = {"PGFENCE_GOVERNANCE_TOKEN": "pgfgov_uploadTestToken9876543210"}
    if no_config:
        proc = upload(s, receiver)
    else:
        proc = s.run_pr("--upload", receiver.url, env_extra=env, no_config=False)
    check(len(receiver.requests) == 1, f"one upload: {len(receiver.requests)}\n{proc.stderr}")
    envelope = json.loads(receiver.requests[0]["body"])
    path = os.path.join(s.tmp, "envelope.json")
    with open(path, "w") as f:
        json.dump(envelope, f)
    policy = os.path.join(s.tmp, "policy.toml")
    write(policy, POLICY)
    run = [s.args.binary, "policy", "check", "--policy", policy]
    as_json = subprocess.run([*run, "--format", "json", path], capture_output=True, text=True, timeout=60)
    check(as_json.returncode in (0, 1), f"policy check: exit {as_json.returncode}\n{as_json.stderr}")
    decision = json.loads(as_json.stdout)
    as_text = subprocess.run([*run, path], capture_output=True, text=True, timeout=60)
    check(as_text.returncode == as_json.returncode, f"text and JSON agree: {as_text.returncode}")
    files = {f["path"]: f for f in envelope["report"]["files"]}
    return proc, files, decision, as_json.returncode, as_text.stdout


def new_findings(files, path):
    return sorted((x["rule"], x["start"]["line"]) for x in files[path]["findings"] if not x["pre_existing"])


# -- item 1: the author's own suppression ---------------------------------------------------------


def pr_suppression(s):
    """The pull request hides a CRITICAL finding with its own pgfence-ignore-file (and another with a
    statement's pgfence-ignore), owner= self-asserted, suppression_owner on in the base config: the
    governance decision still fails, and says which suppressions it ignored and why."""
    pull_request(s, {"migrations/001_users.sql": USERS},
                 {"migrations/002_cleanup.sql": '-- pgfence-ignore-file -- reason="test data only" owner=@someone\n' + TRUNCATE,
                  "migrations/003_drop.sql": "SET lock_timeout = '2s';\n"
                                             '-- pgfence-ignore: drop-table -- reason="unused" owner=@someone\n'
                                             "DROP TABLE legacy_sessions;\n"},
                 config="[policies]\nsuppression_owner = true\n")
    proc, files, decision, code, text = review(s, no_config=False)
    check(decision["conclusion"] == "failure" and code == 1, f"the critical guardrail fails: {decision}")
    check(any(i["rule"] == "truncate-cascade" and i.get("guardrail") == "critical" for i in decision["items"]),
          f"the hidden CRITICAL finding is the guardrail's item: {decision['items']}")
    ignored = {(i["path"], i["line"], i["rule"]): i["why"] for i in decision["ignored_suppressions"]}
    check({("migrations/002_cleanup.sql", 1, "truncate-cascade"), ("migrations/003_drop.sql", 2, "drop-table")} <= set(ignored),
          f"both suppressions are listed as ignored: {decision['ignored_suppressions']}")
    check(all("written by the pull request" in why and "exemption" in why for why in ignored.values()), f"why: {ignored}")
    check("ignored suppression: migrations/002_cleanup.sql:1 truncate-cascade CRITICAL: written by the pull request" in text,
          f"the text output lists it: {text}")
    hidden = files["migrations/002_cleanup.sql"]["suppressed"]
    check(("truncate-cascade", False) in [(x["rule"], x.get("suppression_on_base")) for x in hidden] and
          not any(x.get("suppression_on_base") for x in hidden),
          f"the upload says the suppression is not the base branch's: {[(x['rule'], x.get('suppression_on_base')) for x in hidden]}")


def base_suppression(s):
    """A pgfence-ignore-file already on the base branch lifts the policy only for the findings the base
    had under it: not for the statement the pull request adds to that file, nor does a suppression the
    pull request adds beside it."""
    pull_request(s, {"migrations/000_users.sql": USERS,
                     "migrations/001_cleanup.sql": '-- pgfence-ignore-file: truncate-cascade -- reason="staging only" owner=@octo/dba\n'
                                                   "SET lock_timeout = '2s';\n"},
                 {"migrations/001_cleanup.sql": '-- pgfence-ignore-file: truncate-cascade -- reason="staging only" owner=@octo/dba\n'
                                                + TRUNCATE +
                                                '-- pgfence-ignore: drop-table -- reason="unused" owner=@someone\n'
                                                "DROP TABLE legacy_sessions;\n"})
    proc, files, decision, code, text = review(s)
    check(decision["conclusion"] == "failure" and code == 1,
          f"neither suppression lifts the findings of the statements the pull request adds: {decision}")
    check(any(i["rule"] == "truncate-cascade" and i.get("guardrail") == "critical" for i in decision["items"]),
          f"the CRITICAL finding under the base's comment is the guardrail's item: {decision['items']}")
    check(sorted((i["rule"], i["line"]) for i in decision["ignored_suppressions"]) == [("drop-table", 4), ("truncate-cascade", 1)],
          f"both suppressions are ignored: {decision['ignored_suppressions']}")
    hidden = {x["rule"]: x.get("suppression_on_base") for x in files["migrations/001_cleanup.sql"]["suppressed"]}
    check(hidden == {"truncate-cascade": False, "drop-table": False}, f"which comments the base has: {hidden}")


def base_suppression_kept(s):
    """A base pgfence-ignore-file still stands on the base branch for the unchanged statement it hid
    there."""
    text = '-- pgfence-ignore-file: truncate-cascade -- reason="staging only" owner=@octo/dba\n' + TRUNCATE
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_cleanup.sql": text},
                 {"migrations/001_cleanup.sql": text + "SELECT 1;\n"})
    proc, files, decision, code, text_out = review(s)
    hidden = {x["rule"]: (x.get("suppression_on_base"), x["pre_existing"]) for x in files["migrations/001_cleanup.sql"]["suppressed"]}
    check(hidden == {"truncate-cascade": (True, True)}, f"the base's comment hid this statement on the base: {hidden}")
    check(decision["conclusion"] == "success", f"nothing new: {decision}")


def uncommented_suppression(s):
    """A pgfence-ignore-file inside a /* */ comment on the base hid nothing there: deleting the /* and
    */ lines makes it the pull request's suppression, which lifts nothing."""
    pull_request(s, {"migrations/000_users.sql": USERS,
                     "migrations/001_x.sql": "/*\n-- pgfence-ignore-file\n*/\nSET lock_timeout = '2s';\n"},
                 {"migrations/001_x.sql": "-- pgfence-ignore-file\n" + TRUNCATE})
    proc, files, decision, code, text = review(s)
    hidden = [(x["rule"], x.get("suppression_on_base")) for x in files["migrations/001_x.sql"]["suppressed"]]
    live = [x["rule"] for x in files["migrations/001_x.sql"]["findings"]]
    # Without a reason, the pull request's suppression does not lift the CRITICAL finding even in
    # pr (docs/pr.md "Suppressions the pull request adds"); what it does hide is not the base's.
    check("truncate-cascade" in live and not any(on for _, on in hidden), f"not the base's suppression: {hidden} {live}")
    check(decision["conclusion"] == "failure", f"the critical guardrail fails: {decision}")


# -- item 2: new SQL counted as pre-existing ------------------------------------------------------


def uncommented_sql(s):
    """Deleting the /* and */ lines around merged, commented-out SQL adds no line, but the SQL is new."""
    pull_request(s, {"migrations/000_users.sql": USERS,
                     "migrations/001_later.sql": "SET lock_timeout = '2s';\n/*\nTRUNCATE users CASCADE;\n*/\n"},
                 {"migrations/001_later.sql": TRUNCATE})
    proc, files, decision, code, text = review(s)
    check(proc.returncode == 1, f"the new CRITICAL finding fails pr: exit {proc.returncode}\n{proc.stderr}")
    check(("truncate-cascade", 2) in new_findings(files, "migrations/001_later.sql"),
          f"the uncommented statement is new: {files['migrations/001_later.sql']['findings']}")
    check(decision["conclusion"] == "failure", f"the critical guardrail fails: {decision}")


def down_renamed_up(s):
    """git mv of a down migration to a new up migration (the tool runs it as new), and of an applied
    migration to a new version: every statement in them is new."""
    pull_request(s, {"migrations/0001_users.up.sql": USERS,
                     "migrations/0001_users.down.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n",
                     "migrations/0002_reset.up.sql": TRUNCATE},
                 moves=[("migrations/0001_users.down.sql", "migrations/0003_drop_users.up.sql"),
                        ("migrations/0002_reset.up.sql", "migrations/0004_reset.up.sql")])
    proc, files, decision, code, text = review(s)
    check(proc.returncode == 1, f"the moved statements fail pr: exit {proc.returncode}\n{proc.stderr}")
    check(("drop-table", 2) in new_findings(files, "migrations/0003_drop_users.up.sql"),
          f"the former down migration is new: {files['migrations/0003_drop_users.up.sql']['findings']}")
    check(("truncate-cascade", 2) in new_findings(files, "migrations/0004_reset.up.sql"),
          f"the migration under a new version is new: {files['migrations/0004_reset.up.sql']['findings']}")
    check(decision["conclusion"] == "failure", f"the critical guardrail fails: {decision}")


def statement_compare(s):
    """What the pull request did not change stays pre-existing though its lines moved (a comment
    and a blank line above it, re-indented); a statement it edited is new."""
    base = "SET lock_timeout = '2s';\nDROP TABLE legacy_sessions;\nCREATE INDEX users_email ON users (email);\n"
    head = ("-- tidy up\n\nSET lock_timeout = '2s';\n   DROP TABLE\n      legacy_sessions;\n"
            "CREATE INDEX users_email ON users (lower(email));\n")
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_later.sql": base},
                 {"migrations/001_later.sql": head})
    proc, files, decision, code, text = review(s)
    found = {(x["rule"], x["start"]["line"]): x["pre_existing"] for x in files["migrations/001_later.sql"]["findings"]}
    check(found.get(("drop-table", 4)) is True, f"the re-laid-out DROP TABLE is pre-existing: {found}")
    check(found.get(("create-index-without-concurrently", 6)) is False, f"the edited CREATE INDEX is new: {found}")


def body_swap(s):
    """The pull request changes only a function's body; the call below it is unchanged, but what it
    does is new: the CRITICAL finding at the call is not pre-existing."""
    fn = "SET lock_timeout = '2s';\nCREATE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ {} $$;\nSELECT cleanup();\n"
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_x.sql": fn.format("SELECT 1")},
                 {"migrations/001_x.sql": fn.format("TRUNCATE users CASCADE")})
    proc, files, decision, code, text = review(s)
    found = [(x["rule"], x["start"]["line"], x["pre_existing"]) for x in files["migrations/001_x.sql"]["findings"]]
    check(("truncate-cascade", 3, False) in found, f"the call's new finding is new: {found}")
    check(decision["conclusion"] == "failure" and proc.returncode == 1, f"the critical guardrail fails: {decision}")


def moved_lock_timeout(s):
    """Moving SET lock_timeout below an unchanged DROP TABLE makes its lock-timeout-missing finding
    new, and the DROP TABLE's own finding too: what precedes it changed (it now runs with no
    lock_timeout), and a finding is pre-existing only when its file's statements before it are."""
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_x.sql": "SET lock_timeout = '2s';\nDROP TABLE legacy;\n"},
                 {"migrations/001_x.sql": "DROP TABLE legacy;\nSET lock_timeout = '2s';\n"})
    proc, files, decision, code, text = review(s)
    check(("lock-timeout-missing", 1) in new_findings(files, "migrations/001_x.sql"),
          f"the finding the move caused is new: {files['migrations/001_x.sql']['findings']}")
    old = [x for x in files["migrations/001_x.sql"]["findings"] if x["rule"] == "drop-table"]
    check(old and not any(x["pre_existing"] for x in old), f"the DROP TABLE's own finding is new: {old}")


def copied_subcommands(s):
    """A copy of a base ALTER TABLE with two subcommands matches none of the base's: each base
    subcommand vouches for one."""
    st = "ALTER TABLE users ALTER COLUMN email SET NOT NULL, ADD COLUMN IF NOT EXISTS x int;\n"
    base = "SET lock_timeout = '2s';\n" + st
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_alt.sql": base},
                 {"migrations/001_alt.sql": base + "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n" + st})
    proc, files, decision, code, text = review(s)
    found = [(x["rule"], x["start"]["line"], x["pre_existing"]) for x in files["migrations/001_alt.sql"]["findings"]
             if x["rule"] == "set-not-null-scan"]
    check(("set-not-null-scan", 2, True) in found and ("set-not-null-scan", 4, False) in found,
          f"the base's statement is old, its copy new: {found}")


def base_with_history(s):
    """The base version is analysed with the base's own history, as the head is: a finding whose
    message the history shapes (the column's current type) stays pre-existing on an unchanged
    statement."""
    alter = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(50);\n"
    pull_request(s, {"migrations/000_users.sql": USERS, "migrations/001_alt.sql": alter},
                 {"migrations/001_alt.sql": alter + "SELECT 1;\n"})
    proc, files, decision, code, text = review(s)
    found = [(x["rule"], x["pre_existing"], x["message"]) for x in files["migrations/001_alt.sql"]["findings"]]
    check(any(r == "alter-column-type-rewrite" and "text to varchar" in m for r, _, m in found),
          f"the history gives the column's type: {found}")
    check(all(old for _, old, _ in found) and found, f"every finding of the unchanged statement is pre-existing: {found}")
    check(decision["conclusion"] == "success", f"nothing new: {decision}")


def do_block(s):
    """TRUNCATE ... CASCADE and DROP TABLE inside a DO block are the findings they are at the top
    level (red team: the block was "findings: 0", success): the guardrail and the sign-off fail."""
    body = "DO $$\nBEGIN\n  TRUNCATE users CASCADE;\n  DROP TABLE users;\nEND $$;\n"
    pull_request(s, {"migrations/000_users.sql": USERS},
                 {"migrations/001_x.sql": "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n" + body})
    proc, files, decision, code, text = review(s)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    found = new_findings(files, "migrations/001_x.sql")
    check(("truncate-cascade", 5) in found and ("drop-table", 6) in found, f"findings at their lines: {found}")
    check(decision["conclusion"] == "failure" and code == 1, f"the decision fails: {decision}")
    check(any(i["rule"] == "truncate-cascade" and i.get("guardrail") == "critical" for i in decision["items"]),
          f"the CRITICAL guardrail holds it: {decision['items']}")
    comment = s.comments()[0]["body"]
    check("truncate-cascade" in comment and "inside DO block" in comment, f"the comment reports it:\n{comment}")


SCENARIOS = {f.__name__: f for f in (pr_suppression, base_suppression, base_suppression_kept, uncommented_suppression,
                                     uncommented_sql, down_renamed_up, statement_compare, body_swap, moved_lock_timeout,
                                     copied_subcommands, base_with_history, do_block)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
