"""What runs is the checked-out file, not the blob: git converts a file on its way to the working
tree as its .gitattributes say (gitattributes(5): ident, text/eol, working-tree-encoding, filter).
`pgfence pr` reads the form a checkout writes; a conversion it cannot apply (a filter driver, a
working-tree-encoding) leaves the file unknown from line 1. Real git repositories, the real binary.

    test_checkout_form.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pr"))
sys.path.insert(0, HERE)
from pr_test import check, git, main, start_receiver, upload  # noqa: E402
from test_what_runs import env, findings, pr, repository  # noqa: E402

USERS = "CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric);\n"
# As a blob, one SELECT of a string; checked out under `ident`, git rewrites "$Id: '||$q$" to
# "$Id: <blob id> $q$", the string closes early and DROP TABLE invoices runs.
STAMP = ("SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n-- record which revision of this file ran\n"
         "SELECT '$Id: '||$q$'; DROP TABLE invoices; --$q$ AS migration_revision;\n")


def add_attributes(s, text):
    """A commit on `feature` adding .gitattributes only: the migrations' blobs stay as committed
    (`git add -A` could re-hash a racily clean file through the new attributes)."""
    with open(os.path.join(s.repo, ".gitattributes"), "w") as f:
        f.write(text)
    git(s.repo, "add", ".gitattributes")
    git(s.repo, "commit", "-qm", "attributes")


def ident_expansion(s):
    """`migrations/*.sql ident` expands $Id:...$ at checkout (git convert.c ident_to_worktree):
    the DROP TABLE the checked-out file runs is reviewed."""
    repository(s, {"migrations/001_invoices.sql": USERS}, {"migrations/002_version_stamp.sql": STAMP})
    add_attributes(s, "migrations/*.sql ident\n")
    proc, files = pr(s)
    found = findings(files, "migrations/002_version_stamp.sql")
    check(("drop-table", 4) in found, f"the DROP TABLE the checkout holds is reviewed: {found}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")


def ident_every_occurrence(s):
    """git rewrites every $Id$ (libgit2's filter only the first): a second one is followed too."""
    text = "SET lock_timeout = '2s';\nSELECT '$Id$';\n" + STAMP.split("\n", 3)[3]
    repository(s, {"migrations/001_invoices.sql": USERS}, {"migrations/002_version_stamp.sql": text})
    add_attributes(s, "*.sql ident\n")
    proc, files = pr(s)
    found = findings(files, "migrations/002_version_stamp.sql")
    check(("drop-table", 3) in found, f"the DROP TABLE the checkout holds is reviewed: {found}")


def unknown_at_line_one(s, attributes, what):
    repository(s, {"migrations/001_invoices.sql": USERS},
               {"migrations/002_change.sql": "SET lock_timeout = '2s';\nSELECT 1;\n"})
    add_attributes(s, attributes)
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--format", f"json={out}"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode != 0, f"{what}: the review does not pass: exit {proc.returncode}")
    check("migrations/002_change.sql:1:1:" in proc.stderr and what in proc.stderr,
          f"{what}: the file is unknown from line 1, the reason named: {proc.stderr}")


def filter_driver(s):
    """A filter driver's output is a command's (filter.<name>.smudge): unknown, never clean."""
    unknown_at_line_one(s, "migrations/*.sql filter=sqlgen\n", "filter")


def working_tree_encoding(s):
    """working-tree-encoding re-encodes the file at checkout: unknown, never clean."""
    unknown_at_line_one(s, "*.sql working-tree-encoding=UTF-16LE\n", "working-tree-encoding")


def crlf_read(s):
    """`eol=crlf` writes CRLF line ends: the file is read as checked out, and still analysed."""
    repository(s, {"migrations/001_invoices.sql": USERS},
               {".gitattributes": "*.sql text eol=crlf\n", "migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE invoices;\n"})
    proc, files = pr(s)
    found = findings(files, "migrations/002_drop.sql")
    check(("drop-table", 2) in found, f"the DROP TABLE is reviewed: {found}")


def caller_in_checkout_form(s):
    """A merged migration that calls a function the pull request redefines is reviewed again with
    the new body (bot/pr_callers.cpp). Under `ident` its checkout differs from its blob ($Id$ is
    expanded): the caller must still be found, read in the form the checkout writes, as every
    other migration of `pr` is (a comparison of the raw blob with that form left it out: exit 0)."""
    fn = "CREATE OR REPLACE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ {} $$;\n"
    repository(s, {".gitattributes": "*.sql ident\n", "migrations/000_invoices.sql": USERS,
                   "migrations/001_fn.sql": fn.format("SELECT 1"),
                   "migrations/002_call.sql": "-- $Id$\nSET lock_timeout = '2s';\nSELECT cleanup();\n"},
               {"migrations/001_fn.sql": fn.format("DROP TABLE invoices")})
    proc, files = pr(s)
    check("migrations/002_call.sql" in files, f"the merged caller is reviewed with the new body: {sorted(files)}\n{proc.stderr}")
    found = findings(files, "migrations/002_call.sql")
    check(("drop-table", 3) in found and proc.returncode == 1, f"the call that now drops invoices is reviewed: {found} exit {proc.returncode}")


def export_subst(s):
    """`export-subst` on a migration with a $Format:...$ placeholder: `git archive` (GitHub's
    tarballs, Capistrano's git deploy) writes the merge's message there (git/archive.c
    format_subst): unknown at the placeholder's line, never clean."""
    note = "SET lock_timeout = '2s';\nCOMMENT ON TABLE invoices IS 'release $Format:%b$';\n"
    repository(s, {"migrations/001_invoices.sql": USERS}, {"migrations/002_note.sql": note})
    add_attributes(s, "migrations/*.sql export-subst\n")
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--format", f"json={out}"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"export-subst: the review fails on its finding: exit {proc.returncode} {proc.stderr}")
    # An unknown statement at the placeholder's line, which governance weighs: never clean.
    with open(out) as f:
        files = {g["path"]: g for g in json.load(f)["files"]}
    found = [(x["rule"], x["start"]["line"]) for x in files["migrations/002_note.sql"]["findings"]]
    check(any("export-subst" in x["message"] for x in files["migrations/002_note.sql"]["findings"]),
          f"export-subst: the finding names the reason: {files['migrations/002_note.sql']['findings']}")
    check(("unknown-statement", 2) in found, f"export-subst: an unknown statement at line 2: {found}")


def export_subst_without_placeholder(s):
    """export-subst with no $Format: in the file changes nothing an archive writes: still read."""
    repository(s, {"migrations/001_invoices.sql": USERS},
               {"migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE invoices;\n"})
    add_attributes(s, "migrations/*.sql export-subst\n")
    proc, files = pr(s)
    found = findings(files, "migrations/002_drop.sql")
    check(("drop-table", 2) in found, f"the DROP TABLE is reviewed: {found}")


def push_attributes(s, text):
    with open(os.path.join(s.repo, ".gitattributes"), "w") as f:
        f.write(text)
    git(s.repo, "add", ".gitattributes")
    git(s.repo, "commit", "-qm", "attributes")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def approval_binds_attributes(s):
    """The content hash an approval binds to covers the checkout attributes of each migration: a
    push of only .gitattributes is new content, whether or not it changes the checked-out bytes
    (`text eol=lf` on LF files does not; `ident` on a file with $Id$ does)."""
    s.make_repo()
    s.start_double()
    r = start_receiver(s)
    upload(s, r)
    first = r.envelopes()[0]["content_hash"]
    push_attributes(s, "migrations/*.sql text eol=lf\n")
    upload(s, r)
    second = r.envelopes()[-1]["content_hash"]
    check(second != first, f"a push of only .gitattributes keeps the content hash {first}")
    # The same attributes again on a new commit that changes nothing: the same content.
    git(s.repo, "commit", "-q", "--allow-empty", "-m", "empty")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] == second, "an empty commit keeps the content hash")
    # export-subst decides what `git archive` writes: adding it is new content too.
    push_attributes(s, "migrations/*.sql text eol=lf export-subst\n")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] != second, "a push adding only export-subst keeps the content hash")


SCENARIOS = {f.__name__: f for f in (ident_expansion, ident_every_occurrence, filter_driver, working_tree_encoding, crlf_read,
                                          caller_in_checkout_form, approval_binds_attributes, export_subst,
                                          export_subst_without_placeholder)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
