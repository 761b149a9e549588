"""A DO block's statements are judged by every rule, at their lines (the stranger review 88, fider
202511041300_content_moderation.sql): SET NOT NULL inside a DO block, under an IF or alone, had the
ACCESS EXCLUSIVE lock and the certain scan in its statement's model, and got no set-not-null-scan
(only the timeouts' MEDIUM and LOW), where the same statement outside a block is HIGH. pr and
analyze --ci --max-risk medium must fail with the HIGH at the statement's own line.

    test_do_block_rules.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import pr_findings, repository, run  # noqa: E402

INIT = {"migrations/001_init.sql": "CREATE TABLE posts (id bigserial PRIMARY KEY, is_approved boolean);\n"
                                   "CREATE TABLE comments (id bigserial PRIMARY KEY, is_approved boolean);\n"}
GATE = ("--ci", "--unknown", "block", "--max-risk", "medium")

GUARDED = ("SET lock_timeout = '2s';\n"
           "DO $$\nBEGIN\n"
           "    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'posts'\n"
           "               AND column_name = 'is_approved' AND is_nullable = 'YES') THEN\n"
           "        ALTER TABLE posts ALTER COLUMN is_approved SET NOT NULL;\n"
           "    END IF;\nEND $$;\n"
           "DO $$\nBEGIN\n    ALTER TABLE comments ALTER COLUMN is_approved SET NOT NULL;\nEND $$;\n")


def analyze_report(s):
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode in (0, 1), f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    out = []
    for f in json.loads(proc.stdout)["files"]:
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        out += [(path, x["rule"], x["start"]["line"], x["risk"], x["message"]) for x in f["findings"]]
    return out


def set_not_null(s):
    """HIGH set-not-null-scan at line 6 (under the IF: "when the condition holds") and line 11,
    each once, in pr and in analyze."""
    path = "migrations/002_approve.sql"
    repository(s, INIT, {path: GUARDED})
    s.start_double()
    proc = s.run_pr(*GATE, "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    for line in (6, 11):
        check((path, "set-not-null-scan", line) in found, f"pr reports set-not-null-scan at {line}: {sorted(found)}")
    s.all_requests_valid()
    proc = run(s, "analyze", "--no-config", *GATE, ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    report = analyze_report(s)
    scans = [r for r in report if r[1] == "set-not-null-scan"]
    check(sorted((r[2], r[3]) for r in scans) == [(6, "HIGH"), (11, "HIGH")], f"one HIGH at 6 and at 11: {scans}")
    by_line = {r[2]: r[4] for r in scans}
    check(by_line[6].startswith("inside DO block, when the condition holds: SET NOT NULL on is_approved"),
          f"line 6 says it runs in the DO block when the condition holds: {by_line[6]}")
    check(by_line[11].startswith("inside DO block: SET NOT NULL on is_approved"), f"line 11 says it runs in the DO block: {by_line[11]}")


def control(s):
    """No noise: a DO block that only raises a notice, and one whose SET NOT NULL a validated CHECK
    proves, give no finding; analyze --ci --max-risk medium passes."""
    sql = ("SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
           "ALTER TABLE posts ADD CONSTRAINT posts_is_approved_not_null CHECK (is_approved IS NOT NULL);\n"
           "DO $$\nBEGIN\n    ALTER TABLE posts ALTER COLUMN is_approved SET NOT NULL;\nEND $$;\n"
           "DO $$\nBEGIN\n    RAISE NOTICE 'nothing to do';\nEND $$;\n")
    repository(s, INIT, {"migrations/002_approve.sql": sql})
    report = analyze_report(s)
    rules = [r for r in report if r[0] == "migrations/002_approve.sql" and r[1] in ("set-not-null-scan", "unknown-statement")]
    check(not rules, f"no set-not-null-scan or unknown: {rules}")
    lines = [r for r in report if r[0] == "migrations/002_approve.sql" and r[2] >= 8]
    check(not lines, f"the RAISE NOTICE block is quiet: {lines}")


SCENARIOS = {f.__name__: f for f in (set_not_null, control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
