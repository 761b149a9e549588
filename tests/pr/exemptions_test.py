"""`pgfence pr` and suppressions with a reason, an owner and an expiry (README "Suppressions"):
the base commit's suppression_owner policy holds though the pull request switches it off, an
expired suppression counts again, and the exemptions reach the comment, the check run and the
SARIF file with the pull request's text inert in each. Same harness as pr_test.py.

    exemptions_test.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

import pr_test
from pr_test import check, git, write, validate_sarif

ZWSP = "\u200b"
POLICY = '[policies]\nsuppression_owner = true\n'
# The pull request's hostile text: HTML, Markdown, a link, a mention, a reference, a table bar,
# a workflow command after a carriage return (a `--` after it: PostgreSQL ends a comment at a CR), an
# ANSI escape.
HOSTILE = '<script>alert(1)</script> **b** [x](https://evil.example) @octo/admins #7 | ::error::pwned \x1b[31m'

MIGRATION = f"""SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- reason="orders has 40 rows" owner=@octo/dba until=2027-06-30
CREATE INDEX orders_customer ON orders (customer_id);
-- pgfence-ignore: create-index-without-concurrently -- orders is small
CREATE INDEX orders_placed ON orders (placed_at);
-- pgfence-ignore: create-index-without-concurrently -- reason="checked in 2025" owner=@alice until=2026-12-01
CREATE INDEX orders_total ON orders (total);
-- pgfence-ignore: create-index-without-concurrently -- reason="{HOSTILE}\r-- ::warning::again" owner=@everyone
CREATE INDEX orders_note ON orders (note);
"""


def make_repo(s):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, ".pgfence.toml"), POLICY)
    write(os.path.join(s.repo, "migrations/001_init.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    # The pull request tries to switch the policy off.
    write(os.path.join(s.repo, ".pgfence.toml"), "[policies]\nsuppression_owner = false\n")
    write(os.path.join(s.repo, "migrations/002_orders.sql"), MIGRATION)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def inert_log(text, where):
    """A log or a file: no terminal control, no line the runner would read as a command."""
    check("\x1b" not in text and "\r" not in text, f"{where}: a control character came through")
    check(not any(line.lstrip().startswith("::") for line in text.splitlines()), f"{where}: a line is a workflow command")


def inert(text, where):
    """Markdown GitHub renders: besides, no HTML, formatting, link, mention or reference."""
    inert_log(text, where)
    check("<script>" not in text, f"{where}: HTML came through")
    check("**b**" not in text, f"{where}: Markdown came through")
    check("[x](https://evil.example)" not in text, f"{where}: a link came through")
    check("@octo/admins" not in text and "@everyone" not in text, f"{where}: a mention came through")
    check("#7 " not in text, f"{where}: a reference came through")


def exemptions(s):
    """Policy from the base commit, an expiry by PGFENCE_TODAY, exemptions listed and escaped."""
    make_repo(s)
    s.start_double()
    proc = s.run_pr(no_config=False, env_extra={"PGFENCE_TODAY": "2026-12-02"})
    check(proc.returncode == 1, f"the resurfaced index builds fail the run: exit {proc.returncode}\n{proc.stderr}")
    check("pgfence: config: .pgfence.toml" in proc.stderr and "base" in proc.stderr,
          f"the configuration is the base commit's: {proc.stderr}")
    s.all_requests_valid()

    # The check run: the ownerless suppression (line 4) and the expired one (line 6) hide nothing.
    body = s.requests("checks/create")[0]["body"]
    notes = body["output"]["annotations"]
    lines = {(a["start_line"], a["title"] if "title" in a else "") for a in notes}
    index_lines = sorted(a["start_line"] for a in notes if a.get("title", "").startswith("create-index-without-concurrently"))
    check(index_lines == [5, 7], f"the indexes behind the ownerless and the expired comment are reported: {lines}")
    text = json.dumps(notes, ensure_ascii=False)
    check("suppression-missing-owner" in text, f"the ownerless suppression is reported: {lines}")
    check("expired-suppression" in text and "@alice" in text and "2026-12-01" in text,
          f"the expired suppression names its rule, owner and date: {lines}")
    inert(body["output"]["summary"] + body["output"].get("text", ""), "check run")
    check("Exemptions" in body["output"]["summary"], "the check run's summary lists the exemptions")

    comment = s.comments()[0]["body"]
    check("**Exemptions** (2 by `pgfence-ignore` comments):" in comment, f"the comment lists two exemptions:\n{comment}")
    check(f"— owner @{ZWSP}octo/dba · until 2027-06-30 · reason: orders has 40 rows\n" in comment,
          f"the valid exemption's item:\n{comment}")
    check("migrations/002_orders.sql:4" not in comment and "migrations/002_orders.sql:6" not in comment,
          "neither the ownerless nor the expired comment is an exemption")
    check(f"@{ZWSP}everyone" in comment and "&lt;script&gt;" in comment, "the hostile row is there, escaped")
    inert(comment, "comment")
    with open(s.summary) as f:
        inert(f.read(), "job summary")
    inert_log(proc.stdout + proc.stderr, "log")
    check("exempt: create-index-without-concurrently (line 2) owner @octo/dba until 2027-06-30: orders has 40 rows" in proc.stdout,
          f"the log lists the exemption: {proc.stdout}")

    sarif_path = os.path.join(s.repo, "pgfence.sarif")
    validate_sarif(s, sarif_path)
    with open(sarif_path) as f:
        sarif = json.load(f)
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    check(len(suppressed) == 2, f"two results carry suppressions: {len(suppressed)}")
    first = suppressed[0]["suppressions"][0]
    check(first["kind"] == "inSource" and first["justification"] == "orders has 40 rows" and
          first["properties"]["owner"] == "@octo/dba" and first["properties"]["until"] == "2027-06-30",
          f"the suppression's justification and properties: {first}")
    with open(sarif_path) as f:
        raw = f.read()
    check(not any(line.lstrip().startswith("::") for line in raw.splitlines()), "a SARIF line is a workflow command")

    # Before the expiry (and with the head's configuration, which switches the policy off),
    # the expired comment hides its index again and only the ownerless one stays reported
    # under the base policy.
    proc = s.run_pr(no_config=False, env_extra={"PGFENCE_TODAY": "2026-12-01"})
    body = s.requests("checks/create")[-1]["body"]
    index_lines = sorted(a["start_line"] for a in body["output"]["annotations"]
                         if a.get("title", "").startswith("create-index-without-concurrently"))
    check(index_lines == [5], f"on its last day the expiring comment still holds: {index_lines}")
    proc = s.run_pr("--config-from", "head", no_config=False, env_extra={"PGFENCE_TODAY": "2026-12-01"})
    body = s.requests("checks/create")[-1]["body"]
    check("suppression-missing-owner" not in json.dumps(body["output"]["annotations"]),
          "with --config-from head the pull request's own configuration decides (the policy is off)")
    s.all_requests_valid()


SCENARIOS = {f.__name__: f for f in (exemptions,)}


if __name__ == "__main__":
    sys.exit(pr_test.main(SCENARIOS))
