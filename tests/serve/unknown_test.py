"""What pgfence cannot see needs a person (issue #53 item 2), end to end on serve_test.py's world:
the real service, its database, the GitHub double in App mode, `pgfence pr --upload`.

    unknown_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  unknown_only  a pull request whose only finding is one MEDIUM unknown-statement (a DO block that
                EXECUTEs a table name read from a query), under signoff_at = "high": the service's
                check is action_required and says pgfence could not see the statement; the same
                pull request under unknown_needs_signoff = false is success
  unread_files  a pull request whose migrations pgfence cannot read as the checkout writes them
                (.gitattributes: one in working-tree-encoding=UTF-16, one through a filter driver):
                each is an unknown at its first line in the service's decision (action_required,
                both files listed), as `pgfence pr` counts them, never a success
  unknown_tree  alice approves a pull request whose migration pgfence could not see (the DO block
                above); a push that changes only another file of the repository (what such a
                statement may read at run time) makes the approval not cover it: action_required
                again, until an approver approves the new head
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import check, git, ok, review, world_main, signoff_world, write  # noqa: E402

DYNAMIC = ("SET lock_timeout = '2s';\n"
           "DO $$\n"
           "DECLARE tbl text;\n"
           "BEGIN\n"
           "  SELECT relname INTO tbl FROM pg_class WHERE relname LIKE 'tmp_%' LIMIT 1;\n"
           "  EXECUTE 'DROP TABLE ' || tbl;\n"
           "END $$;\n")


def make_repo(w):
    w.repo = os.path.join(w.tmp, "repo")
    os.makedirs(w.repo)
    git(w.repo, "init", "-q", "-b", "main")
    write(os.path.join(w.repo, "migrations/001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "base")
    git(w.repo, "checkout", "-qb", "feature")
    write(os.path.join(w.repo, "migrations/002_cleanup.sql"), DYNAMIC)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "cleanup")


def scenario_unknown_only(w):
    w.start_double()
    config = w.config()
    token = w.token(config)
    _, url = w.start_service(config)
    make_repo(w)
    proc, out, head = w.upload(url, token)
    check("governance: uploaded" in proc.stdout, f"pr --upload uploaded: {proc.stdout[-500:]} {proc.stderr[-800:]}")
    check(proc.returncode == 1, f"pr itself fails on what it could not see: exit {proc.returncode}\n{proc.stderr[-600:]}")
    check(out.get("governance-conclusion") == "action_required", f"MEDIUM unknown under signoff_at = high: {out}")
    run = w.wait_for_text(head, "action_required", "pgfence could not see what this statement does")
    check("unknown-statement" in run["output"]["text"] and "002_cleanup.sql#L2" in run["output"]["text"],
          f"the item names the rule and links its line: {run['output']['text'][-1500:]}")
    check("could not see" in run["output"]["summary"] + run["output"]["title"], f"the check says why: {run['output']}")
    ok("one MEDIUM unknown-statement under signoff_at = high: the service's check is action_required, saying pgfence could not see it")

    # The same pull request under a policy that relaxes it: a service on another data folder.
    relaxed = w.config(name="relaxed.toml", policy="unknown_needs_signoff = false")
    with open(relaxed) as f:
        text = f.read().replace(f'data_dir = "{w.tmp}/data"', f'data_dir = "{w.tmp}/data-relaxed"')
    with open(relaxed, "w") as f:
        f.write(text)
    token2 = w.token(relaxed)
    _, url2 = w.start_service(relaxed)
    proc, out, head = w.upload(url2, token2)
    check(out.get("governance-conclusion") == "success", f"unknown_needs_signoff = false: {out} {proc.stderr[-600:]}")
    ok("unknown_needs_signoff = false: the same pull request is success")


def scenario_unread_files(w):
    w.start_double()
    config = w.config()
    token = w.token(config)
    _, url = w.start_service(config)
    w.repo = os.path.join(w.tmp, "repo")
    os.makedirs(w.repo)
    git(w.repo, "init", "-q", "-b", "main")
    git(w.repo, "config", "filter.vault.clean", "cat")
    git(w.repo, "config", "filter.vault.smudge", "cat")
    write(os.path.join(w.repo, "migrations/001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "base")
    git(w.repo, "checkout", "-qb", "feature")
    write(os.path.join(w.repo, ".gitattributes"),
          "migrations/002_wide.sql working-tree-encoding=UTF-16\nmigrations/003_vault.sql filter=vault\n")
    with open(os.path.join(w.repo, "migrations/002_wide.sql"), "wb") as f:
        f.write("SET lock_timeout = '2s';\nDROP TABLE users;\n".encode("utf-16"))
    write(os.path.join(w.repo, "migrations/003_vault.sql"), "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "migrations read through conversions")
    proc, out, head = w.upload(url, token)
    check("governance: uploaded" in proc.stdout, f"pr --upload uploaded: {proc.stdout[-500:]} {proc.stderr[-800:]}")
    check(proc.returncode != 0, f"pr itself does not pass files it could not read: exit {proc.returncode}\n{proc.stderr[-600:]}")
    check(out.get("governance-conclusion") == "action_required",
          f"the service weighs the files pgfence could not read: {out} {proc.stdout[-600:]}")
    run = w.wait_for_text(head, "action_required", "pgfence could not read this file")
    text = run["output"]["text"]
    for name in ("002_wide.sql#L1", "003_vault.sql#L1"):
        check(name in text, f"the check names {name}: {text[-2000:]}")
    check("working-tree-encoding" in text and "filter" in text, f"the items say why: {text[-2000:]}")
    ok("migrations behind working-tree-encoding and a filter driver: unknowns at their first lines, action_required")


def scenario_unknown_tree(w):
    _, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    write(os.path.join(w.repo, "migrations/003_cleanup.sql"), DYNAMIC)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "cleanup")
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    review(w, url, "alice", head_sha=head)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("alice signs off the head whose migration pgfence could not see")

    write(os.path.join(w.repo, "sql/cleanup.sql"), "DROP TABLE users CASCADE;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "only another file")
    proc, out, head2 = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload after the push: {out} {proc.stderr[-500:]}")
    run = w.wait_for_text(head2, "action_required", "pgfence could not see on a repository changed since")
    check("unknown-statement" in run["output"]["text"], f"the check lists the unknown again: {run['output']['text'][-1500:]}")
    ok("a push of only another file: the approval of what pgfence could not see no longer covers it")

    review(w, url, "alice", head_sha=head2, review_id=4242)
    w.wait_for_text(head2, "success", "Signed off by alice")
    ok("a new approval of the new head signs it off")


SCENARIOS = {"unknown_only": scenario_unknown_only, "unread_files": scenario_unread_files,
             "unknown_tree": scenario_unknown_tree}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
