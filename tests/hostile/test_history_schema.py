"""What `pgfence pr` learns from the base commit's migrations (issue #53 open items), on real
pull requests: a real git repository (base commit on main, the pull request's commit on feature)
reviewed by `pgfence pr` against the GitHub double. Each scenario fails on the binary before its fix.

- domain_chain: ALTER DOMAIN d ADD CONSTRAINT validates the columns of the domains built on d too
  (PostgreSQL 15: "column "points" of table "scores" contains values that violate the new
  constraint" for a column of a domain over d, under a SHARE lock on its table).
- prepared_history: a base migration's transaction ended by PREPARE TRANSACTION is parked, not
  committed: the column type it changes is still the old one for the pull request's change.
- same_relname_index: two tables of one relname in two schemas, the partitioned one made first; the
  pull request indexes it without CONCURRENTLY: HIGH, with the partitioned table's recipe.

    test_history_schema.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import pr_findings, repository  # noqa: E402

TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"


def review(s, base, head):
    """`pgfence pr` of the pull request; its JSON report's findings as (path, rule, line, risk, message)."""
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    found = [(f["path"], x["rule"], x["start"]["line"], x.get("risk", x.get("level", "")), x["message"])
             for f in report["files"] for x in f["findings"]]
    return proc, found


def domain_chain(s):
    """The base makes positive_int, score_t over it, and scores (points score_t); the pull request adds a
    CHECK to positive_int: PostgreSQL validates scores.points too, under SHARE on scores."""
    base = {"migrations/001_init.sql": "CREATE DOMAIN positive_int AS integer;\nCREATE DOMAIN score_t AS positive_int;\n"
                                       "CREATE TABLE scores (id bigint PRIMARY KEY, points score_t);\n"}
    head = {"migrations/002_check.sql": TIMEOUTS + "ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0);\n"}
    proc, found = review(s, base, head)
    messages = [m for p, rule, line, _, m in found if rule == "add-domain-constraint"]
    check(messages and all("scores" in m for m in messages),
          f"add-domain-constraint names the table of the derived domain's column: {messages}\n{proc.stderr}")


def prepared_history(s):
    """The base's 002 changes legacy.payload to bigint in a transaction it ends with PREPARE TRANSACTION:
    parked, not committed, so payload is still text; the pull request's same change rewrites legacy
    (before: the history applied the parked change, and the pull request's ALTER was read as a change
    to the type the column already had: no finding)."""
    change = "ALTER TABLE legacy ALTER COLUMN payload TYPE bigint USING payload::bigint;\n"
    base = {"migrations/001_init.sql": "CREATE TABLE legacy (id bigint PRIMARY KEY, payload text);\n",
            "migrations/002_park.sql": "BEGIN;\n" + change + "PREPARE TRANSACTION 'payload_bigint';\n"}
    head = {"migrations/003_payload.sql": TIMEOUTS + change}
    proc, found = review(s, base, head)
    check(any(p == "migrations/003_payload.sql" and rule == "alter-column-type-rewrite" and line == 3 and risk == "HIGH"
              for p, rule, line, risk, _ in found),
          f"the pull request's ALTER COLUMN TYPE rewrites legacy (HIGH): {found}\n{proc.stderr}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


def same_relname_index(s):
    """The base's 001 makes public.invoices, partitioned (invoices_2024 holds its rows), and then
    archive.invoices, a plain table of the same relname; the pull request indexes public.invoices
    without CONCURRENTLY, naming it by its schema and, under the default search_path, without.
    Each is HIGH with the partitioned table's recipe (an index ON ONLY the parent, each partition's
    built concurrently and attached): PostgreSQL 15 refuses CREATE INDEX CONCURRENTLY on a
    partitioned table ("cannot create index on partitioned table "invoices" concurrently"), the
    recipe pgfence gave when it judged the statement on archive.invoices, the relation made last."""
    base = {"migrations/001_init.sql": "CREATE TABLE invoices (id bigint, ref integer NOT NULL, note text, created date NOT NULL)"
                                       " PARTITION BY RANGE (created);\n"
                                       "CREATE TABLE invoices_2024 PARTITION OF invoices FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
                                       "CREATE SCHEMA archive;\n"
                                       "CREATE TABLE archive.invoices (id bigint PRIMARY KEY, ref integer NOT NULL);\n"}
    head = {"migrations/002_index.sql": TIMEOUTS + "CREATE INDEX invoices_ref_idx ON public.invoices (ref);\n"
                                        "CREATE INDEX invoices_note_idx ON invoices (note);\n"}
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    found = {x["start"]["line"]: x for f in report["files"] for x in f["findings"] if x["rule"] == "create-index-without-concurrently"}
    for line in (3, 4):
        x = found.get(line)
        check(x is not None and x["risk"] == "HIGH", f"the index build on public.invoices at line {line} is HIGH: {found}\n{proc.stderr}")
        summary = (x.get("recipe") or {}).get("summary", "")
        check("partition" in summary, f"line {line}: the partitioned table's recipe, not CONCURRENTLY on it: {summary!r}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (domain_chain, prepared_history, same_relname_index)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
