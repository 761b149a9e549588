"""What pgfence cannot see is never clean (issue #53 item 2), on the real binary and real git
repositories: a pull request whose DDL hides in a DO block's EXECUTE.

- EXECUTE of text built of constants ('DROP TABLE ' || 'users CASCADE', format('%I', 'users'),
  a CONSTANT) is folded: the DROP TABLE is a drop-table finding at the EXECUTE's line.
- EXECUTE of text built from a query stays an unknown-statement finding, MEDIUM, which still
  fails `pr` and `analyze --ci` at the default --max-risk medium, and needs sign-off under
  `pgfence policy check` at the default signoff_at = high; `unknown = "warn"` and
  `unknown_needs_signoff = false` relax it. The check run and the comment say plainly that
  pgfence could not see it.

    test_unknown_signoff.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

BASE = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE audit (id bigint);\n"

# Folds: every EXECUTE below is constant text. Line 5 and line 6 run the DROP TABLEs.
FOLDED = ("SET lock_timeout = '2s';\n"
          "DO $$\n"
          "DECLARE tbl CONSTANT text := 'audit';\n"
          "BEGIN\n"
          "  EXECUTE 'DROP TABLE ' || 'users CASCADE';\n"
          "  EXECUTE format('DROP TABLE %I', tbl);\n"
          "END $$;\n")

# Does not fold: the table's name comes from a query.
DYNAMIC = ("SET lock_timeout = '2s';\n"
           "DO $$\n"
           "DECLARE tbl text;\n"
           "BEGIN\n"
           "  SELECT relname INTO tbl FROM pg_class WHERE relname LIKE 'tmp_%' LIMIT 1;\n"
           "  EXECUTE 'DROP TABLE ' || tbl;\n"
           "END $$;\n")

SEEN = "pgfence could not see what"


def repo_with(s, files, base_config=None):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/001_init.sql"), BASE)
    if base_config is not None:
        write(os.path.join(s.repo, ".pgfence.toml"), base_config)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "cleanup")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def run(s, *cmd, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([s.args.binary, *cmd], cwd=cwd or s.repo, env=env, capture_output=True, text=True, timeout=120)


def json_report(s, *paths):
    proc = run(s, "analyze", "--no-config", "--format", "json", *paths)
    check(proc.returncode == 0, f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    return json.loads(proc.stdout)


def findings(report, path_end):
    return [f for file in report["files"] if file["path"].endswith(path_end) for f in file["findings"]]


def check_run_of(s):
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    check(len(runs) == 1, f"one check run posted: {[r['path'] for r in s.requests()]}")
    return runs[0]["body"]


def pr_folds_and_blocks(s):
    """The pull request adds both files: the folded DROP TABLEs are found at their lines, the
    dynamic one fails the run and the check run though it is only MEDIUM, and the comment and
    the check run say pgfence could not see it."""
    repo_with(s, {"migrations/002_cleanup.sql": FOLDED, "migrations/003_dynamic.sql": DYNAMIC})
    report = json_report(s, "migrations/002_cleanup.sql", "migrations/003_dynamic.sql")
    drops = sorted((f["start"]["line"], f["risk"]) for f in findings(report, "002_cleanup.sql") if f["rule"] == "drop-table")
    check([line for line, _ in drops] == [5, 6], f"drop-table at the EXECUTEs' lines 5 and 6: {findings(report, '002_cleanup.sql')}")
    check(all(risk in ("HIGH", "CRITICAL") for _, risk in drops), f"a dropped table is HIGH or CRITICAL: {drops}")
    check(not [f for f in findings(report, "002_cleanup.sql") if f["rule"] == "unknown-statement"],
          f"nothing of the folded file is unknown: {findings(report, '002_cleanup.sql')}")
    unknown = [f for f in findings(report, "003_dynamic.sql") if f["rule"] == "unknown-statement"]
    check(len(unknown) == 1 and unknown[0]["start"]["line"] == 2 and unknown[0]["risk"] == "MEDIUM",
          f"the dynamic DO block is one MEDIUM unknown-statement at line 2: {findings(report, '003_dynamic.sql')}")
    check(SEEN in unknown[0]["message"], f"the message says it plainly: {unknown[0]['message']}")
    check(report["summary"]["unknown"] == 1, f"never '0 unknown': {report['summary']}")

    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    check("could not see" in proc.stderr, f"stderr says why: {proc.stderr}")
    body = check_run_of(s)
    check(body.get("conclusion") == "failure", f"check run: {body.get('conclusion')}")
    summary = body["output"]["summary"]
    check(SEEN in summary and "003_dynamic.sql" in summary, f"check run summary:\n{summary}")
    check("not seen" in body["output"]["title"], f"check run title: {body['output']['title']}")
    comments = s.comments()
    check(len(comments) == 1 and SEEN in comments[0]["body"], f"the comment says it plainly: {comments}")
    s.all_requests_valid()


def pr_dynamic_only(s):
    """Only the dynamic EXECUTE, MEDIUM: below --max-risk medium, it fails `pr` all the same, and
    `analyze --ci`; `unknown = "warn"` in the base's configuration, or --unknown warn, lets it pass."""
    repo_with(s, {"migrations/002_dynamic.sql": DYNAMIC})
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"pr fails on what it could not see: exit {proc.returncode}\n{proc.stderr}")
    check(s.outputs_dict().get("conclusion") == "failure", f"outputs: {s.outputs_dict()}")
    check(check_run_of(s).get("conclusion") == "failure", "the check run fails")

    proc = run(s, "analyze", "--no-config", "--ci", "migrations/002_dynamic.sql")
    check(proc.returncode == 1, f"analyze --ci fails: exit {proc.returncode}\n{proc.stderr}")
    check("1 statement pgfence could not see" in proc.stderr, f"says why: {proc.stderr}")
    check("0 unknown" not in proc.stdout + proc.stderr, f"never '0 unknown':\n{proc.stdout}")
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "warn", "migrations/002_dynamic.sql")
    check(proc.returncode == 0, f"--unknown warn relaxes it: exit {proc.returncode}\n{proc.stderr}")
    proc = run(s, "analyze", "--no-config", "migrations/002_dynamic.sql")
    check(proc.returncode == 0, f"without --ci analyze reports and passes: exit {proc.returncode}\n{proc.stderr}")
    # A suppression a reviewer wrote is the human's review: --ci passes.
    reviewed = DYNAMIC.replace("DO $$", "-- pgfence-ignore: unknown-statement -- reviewed: drops tmp_ tables only\nDO $$", 1)
    write(os.path.join(s.tmp, "reviewed.sql"), reviewed)
    proc = run(s, "analyze", "--no-config", "--ci", os.path.join(s.tmp, "reviewed.sql"))
    check(proc.returncode == 0, f"a suppressed one does not count: exit {proc.returncode}\n{proc.stderr}")


def pr_unknown_warn(s):
    """`unknown = "warn"` in the base commit's configuration: the same pull request passes pr."""
    repo_with(s, {"migrations/002_dynamic.sql": DYNAMIC}, base_config='unknown = "warn"\n')
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 0, f"relaxed by the configuration: exit {proc.returncode}\n{proc.stderr}")
    check(check_run_of(s).get("conclusion") == "neutral", "the check run is neutral")
    bad = run(s, "analyze", "--ci", "migrations/002_dynamic.sql", cwd=s.repo)
    check(bad.returncode == 0, f"analyze --ci reads the same key: exit {bad.returncode}\n{bad.stderr}")
    write(os.path.join(s.repo, ".pgfence.toml"), 'unknown = "sometimes"\n')
    bad = run(s, "analyze", "--ci", "migrations/002_dynamic.sql", cwd=s.repo)
    check(bad.returncode == 2 and 'unknown must be "block" or "warn"' in bad.stderr, f"a bad value: {bad.returncode} {bad.stderr}")


def policy_signoff(s):
    """`pgfence policy check` on the pull request's report: the unknown statement needs sign-off
    at the default signoff_at = high; unknown_needs_signoff = false relaxes it; a typo is refused."""
    repo_with(s, {"migrations/002_dynamic.sql": DYNAMIC})
    report_path = os.path.join(s.tmp, "report.json")
    with open(report_path, "w") as f:
        json.dump(json_report(s, "migrations/002_dynamic.sql"), f)
    default = os.path.join(s.tmp, "policy.toml")
    write(default, '[policy]\nsignoff_at = "high"\n')
    proc = run(s, "policy", "check", "--policy", default, "--format", "json", report_path)
    check(proc.returncode == 1, f"needs sign-off: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    d = json.loads(proc.stdout)
    check(d["conclusion"] == "action_required", f"decision: {d}")
    check([(i["kind"], i["rule"], i["line"]) for i in d["items"]] == [("signoff", "unknown-statement", 2)], f"items: {d['items']}")
    check(SEEN in d["items"][0]["message"], f"the item says it plainly: {d['items'][0]['message']}")
    check("could not see" in d["summary"], f"summary: {d['summary']}")
    check(d["policy"]["unknown_needs_signoff"] is True, f"the effective policy: {d['policy']}")

    relaxed = os.path.join(s.tmp, "relaxed.toml")
    write(relaxed, '[policy]\nsignoff_at = "high"\nunknown_needs_signoff = false\n')
    proc = run(s, "policy", "check", "--policy", relaxed, report_path)
    check(proc.returncode == 0, f"relaxed by the policy: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")

    typo = os.path.join(s.tmp, "typo.toml")
    write(typo, '[policy]\nunknown_needs_signof = false\n')
    proc = run(s, "policy", "check", "--policy", typo, report_path)
    check(proc.returncode == 2 and "unknown key policy.unknown_needs_signof" in proc.stderr, f"a typo: {proc.returncode} {proc.stderr}")


ORM = ('import { MigrationInterface, QueryRunner } from "typeorm";\n'
       'import { CLEANUP } from "./sql";\n'
       '\n'
       'export class Cleanup1700000000000 implements MigrationInterface {\n'
       '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
       '        await queryRunner.query(CLEANUP);\n'
       '    }\n'
       '\n'
       '    public async down(queryRunner: QueryRunner): Promise<void> {}\n'
       '}\n')


def pr_orm_import(s):
    """The issue's other example: queryRunner.query(CLEANUP) with CLEANUP imported from another
    file. pgfence does not read it: the call is unknown at its line, and fails pr and analyze --ci."""
    repo_with(s, {"migrations/1700000000000-Cleanup.ts": ORM, "migrations/sql.ts": 'export const CLEANUP = "DROP TABLE users";\n'})
    s.start_double()
    proc = s.run_pr("migrations/1700000000000-*.ts")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    body = check_run_of(s)
    check(body.get("conclusion") == "failure" and SEEN in body["output"]["summary"], f"check run: {body.get('output')}")
    annotations = body["output"].get("annotations", [])
    check(any(a["start_line"] == 6 and "unknown-statement" in a["title"] for a in annotations), f"annotation at line 6: {annotations}")
    proc = run(s, "analyze", "--no-config", "--ci", "migrations/1700000000000-Cleanup.ts")
    check(proc.returncode == 1 and "(1 unknown)" in proc.stdout, f"analyze --ci: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


# SQL the tool sends that pgfence's parser rejects (red team r70 F8): psql runs each row of the
# SELECT as SQL (`\gexec`), and PostgreSQL runs a WHERE nested past pgfence's 1000 levels.
GEXEC = "SELECT 'DROP TABLE users' \\gexec\n"
DEEP = "DELETE FROM users WHERE " + "(" * 1001 + "true" + ")" * 1001 + ";\n"


def policy_unparsable(s):
    """An unparsable-statement is SQL pgfence did not see, as an unknown-statement is: under
    signoff_at = "critical" it needs sign-off all the same (unknown_needs_signoff), and
    `analyze --ci --unparsable warn --max-risk critical` fails on it (--unknown block)."""
    repo_with(s, {"migrations/002_cleanup.sql": GEXEC, "migrations/003_purge.sql": DEEP})
    report_path = os.path.join(s.tmp, "report.json")
    proc = run(s, "pr", "--no-config", "--base", "main", "--head", "feature", "--format", "json=" + report_path,
               "migrations/*.sql")
    check(proc.returncode in (1, 2) and os.path.exists(report_path), f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    with open(report_path) as f:
        report = json.load(f)
    rules = sorted((file["path"], f["rule"]) for file in report["files"] for f in file["findings"] if not f["pre_existing"])
    # A `\gexec` in a file no migration tool claims is a psql meta-command pgfence does not follow:
    # unknown at its line (stranger review 84 FP-6), which needs sign-off as unparsable does.
    check(any(r in rules for r in (("migrations/002_cleanup.sql", "unparsable-statement"), ("migrations/002_cleanup.sql", "unknown-statement")))
          and ("migrations/003_purge.sql", "unparsable-statement") in rules, f"both files are unseen: {rules}")
    gexec_rule = next(r for p, r in rules if p == "migrations/002_cleanup.sql" and r in ("unparsable-statement", "unknown-statement"))
    for name, text in (("critical.toml", '[policy]\nsignoff_at = "critical"\n'),
                       ("org.toml", '[policy]\nsignoff_at = "high"\n[repositories."octo/legacy"]\nsignoff_at = "critical"\n'),
                       ("never.toml", '[policy]\nsignoff_at = "never"\n')):
        policy = os.path.join(s.tmp, name)
        write(policy, text)
        proc = run(s, "policy", "check", "--policy", policy, "--repository", "octo/legacy", "--format", "json", report_path)
        check(proc.returncode == 1, f"{name}: needs sign-off: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        d = json.loads(proc.stdout)
        items = sorted((i["kind"], i["path"], i["rule"]) for i in d["items"])
        check(d["conclusion"] == "action_required" and
              items == [("signoff", "migrations/002_cleanup.sql", gexec_rule),
                        ("signoff", "migrations/003_purge.sql", "unparsable-statement")], f"{name}: decision: {d}")
        check("could not see" in d["summary"], f"{name}: summary says why: {d['summary']}")
    relaxed = os.path.join(s.tmp, "relaxed.toml")
    write(relaxed, '[policy]\nsignoff_at = "critical"\nunknown_needs_signoff = false\n')
    proc = run(s, "policy", "check", "--policy", relaxed, report_path)
    check(proc.returncode == 0, f"unknown_needs_signoff = false relaxes it: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")

    proc = run(s, "analyze", "--no-config", "--ci", "--unparsable", "warn", "--max-risk", "critical", "migrations/002_cleanup.sql")
    check(proc.returncode == 1 and "pgfence could not see" in proc.stderr, f"analyze --ci blocks it: exit {proc.returncode}\n{proc.stderr}")
    proc = run(s, "analyze", "--no-config", "--ci", "--unparsable", "warn", "--unknown", "warn", "--max-risk", "critical",
               "migrations/002_cleanup.sql")
    check(proc.returncode == 0, f"--unknown warn relaxes it: exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (pr_folds_and_blocks, pr_dynamic_only, pr_unknown_warn, policy_signoff, pr_orm_import,
                                             policy_unparsable)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
