"""What an approval or exemption binds to is what the migration tool runs: the content hash
`pgfence pr --upload` sends (and each file's sha256, which an exemption at FILE binds to) moves
when only what runs through a path changes: a symbolic link's target, a submodule's commit.
Real git repositories, the real binary, the governance receiver of tests/pr.

    test_binding.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pr"))
sys.path.insert(0, HERE)
from pr_test import check, git, main, start_receiver, upload, write  # noqa: E402
from test_what_runs import repository  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"


def begin(s, base_files, head_files):
    repository(s, base_files, head_files)
    s.base = git(s.repo, "rev-parse", "main")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    return start_receiver(s)


def push(s, message="push"):
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", message)
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def file_sha(envelope, path):
    return {f["path"]: f.get("sha256") for f in envelope["report"]["files"]}.get(path)


def link_target(s):
    """migrations/002_email.sql is a link to ../sql/002_email.sql: a push of only the target
    (CREATE INDEX CONCURRENTLY -> DROP TABLE) is new content, for the file and the whole."""
    r = begin(s, {"migrations/001_users.sql": USERS},
              {"sql/002_email.sql": "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"})
    os.symlink("../sql/002_email.sql", os.path.join(s.repo, "migrations/002_email.sql"))
    push(s, "index via a link")
    upload(s, r)
    first = r.envelopes()[-1]
    check(file_sha(first, "migrations/002_email.sql") is not None, f"the link is a file of the report: {first['report']['files']}")
    write(os.path.join(s.repo, "sql/002_email.sql"), "DROP TABLE users CASCADE;\n")
    push(s, "only the target")
    upload(s, r)
    second = r.envelopes()[-1]
    check(file_sha(second, "migrations/002_email.sql") != file_sha(first, "migrations/002_email.sql"),
          "a rewrite of only the link's target keeps the link's sha256 (an exemption at the file survives it)")
    check(second["content_hash"] != first["content_hash"], "a rewrite of only the link's target keeps the content hash")
    # A change elsewhere leaves both alone.
    write(os.path.join(s.repo, "README.md"), "docs\n")
    push(s, "readme")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] == second["content_hash"], "a README change moved the content hash")


def submodule_bump(s):
    """The migrations folder is a submodule: moving its commit is new content."""
    sub = os.path.join(s.tmp, "sub")
    os.makedirs(sub)
    git(sub, "init", "-q", "-b", "main")
    write(os.path.join(sub, "001_users.sql"), USERS)
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "s1")
    r = begin(s, {"README.md": "app\n"}, {"docs/notes.md": "notes\n"})
    git(s.repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "migrations")
    push(s, "migrations as a submodule")
    upload(s, r)
    first = r.envelopes()[-1]
    check(file_sha(first, "migrations") is not None, f"the submodule is a file of the report: {first['report']['files']}")
    write(os.path.join(sub, "002_drop.sql"), "DROP TABLE users;\n")
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "s2")
    git(os.path.join(s.repo, "migrations"), "pull", "-q", "origin", "main")
    push(s, "bump the submodule")
    upload(s, r)
    second = r.envelopes()[-1]
    check(file_sha(second, "migrations") != file_sha(first, "migrations"), "a submodule bump keeps its sha256")
    check(second["content_hash"] != first["content_hash"], "a submodule bump keeps the content hash")


SCENARIOS = {f.__name__: f for f in (link_target, submodule_bump)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
