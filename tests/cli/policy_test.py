"""`pgfence policy check` end to end: real migrations analysed by `pgfence analyze --format json`,
then the policy applied to that report (README "Governance"). Exit codes, the text and JSON
output, repository overrides, standard input and the envelope, and one error: line per mistake."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

BINARY = None
FAILURES = []
CHECKS = 0

# A migration that forgets lock_timeout; line 2 is the first statement that blocks.
NO_TIMEOUT = """-- add a column and its index
ALTER TABLE users ADD COLUMN verified boolean;
CREATE INDEX users_verified_idx ON users (verified);
"""
# An index on a table of 2M rows whose heap (150 MB) is read in about 3 s at the default 50 MB/s.
SHORT_BUILD = """SET lock_timeout = '2s';
CREATE INDEX orders_created_idx ON orders (created_at);
"""
SHORT_BUILD_SNAPSHOT = {
    "pgfence_stats_version": 1, "taken_at": "2024-05-01T12:00:00Z", "replayed_at": None,
    "server": {"version": "15.6", "version_num": 150006, "in_recovery": False, "database": "app"},
    "search_path": ["public"], "has_columns": False,
    "tables": [{"schema": "public", "name": "orders", "kind": "table", "rows": 2000000, "rows_source": "catalog",
                "table_bytes": 150 * 1024 * 1024, "total_bytes": 200 * 1024 * 1024, "parent": None, "indexes": []}],
}
# Indexes on a large and on a small table of the snapshot (users 3.2 GB of heap, lookup 40 kB).
TWO_INDEXES = """SET lock_timeout = '2s';
CREATE INDEX lookup_label_idx ON lookup (label);
CREATE INDEX users_email_idx ON users (email);
"""


def check(condition, message):
    global CHECKS
    CHECKS += 1
    if not condition:
        FAILURES.append(message)
    return condition


def run(*args, stdin=None):
    proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def analyse(tmp, name, paths, stats=None):
    args = ["analyze", "--format", "json", "--no-config", "--no-history"]
    if stats:
        args += ["--stats-file", stats]
    code, out, err = run(*args, *paths)
    if not check(code == 0, f"analyze {paths}: exit {code}: {err}"):
        sys.exit(1)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(out)
    return path, json.loads(out)


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def policy(tmp, *args):
    return run("policy", "check", *args)


def decision(tmp, *args, stdin=None):
    code, out, err = run("policy", "check", "--format", "json", *args, stdin=stdin)
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError:
        check(False, f"policy check {args}: not JSON: {out!r} {err!r}")
        return code, {}, err


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    BINARY = os.path.abspath(args.binary)
    source = os.path.abspath(args.source)
    stats = os.path.join(source, "tests/stats/fixtures/snapshot.json")

    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        os.mkdir("migrations")
        write(tmp, "migrations/001_no_timeout.sql", NO_TIMEOUT)
        write(tmp, "migrations/002_two_indexes.sql", TWO_INDEXES)
        example, example_report = analyse(tmp, "example.json", [os.path.join(source, "examples/add_column.sql")], stats)
        clean, _ = analyse(tmp, "clean.json", [os.path.join(source, "tests/cli/fixtures/plain/clean.sql")])
        no_timeout, _ = analyse(tmp, "no_timeout.json", ["migrations/001_no_timeout.sql"])
        indexes, _ = analyse(tmp, "indexes.json", ["migrations/002_two_indexes.sql"], stats)

        defaults = write(tmp, "defaults.toml", "")
        relaxed = write(tmp, "relaxed.toml", '[policy]\nsignoff_at = "never"\ncritical_needs_exemption = false\n')
        strict = write(tmp, "strict.toml", '[policy]\nrequire_lock_timeout = true\nsignoff_at = "never"\ncritical_needs_exemption = false\n')
        per_repo = write(tmp, "per_repo.toml", '[policy]\nsignoff_at = "high"\n\n[repositories."octo/legacy"]\n'
                                               'signoff_at = "never"\ncritical_needs_exemption = false\n')
        sized = write(tmp, "sized.toml", '[policy]\nsignoff_at = "never"\ncritical_needs_exemption = false\n'
                                         'concurrently_above_bytes = "1GB"\n')

        # The example breaks the default CRITICAL guardrail (sizes make its rewrites CRITICAL).
        code, out, err = policy(tmp, "--policy", defaults, example)
        check(code == 1, f"default policy on the example: exit {code}, {err}")
        check(out.splitlines()[-1].startswith("failure: "), f"the text ends with the conclusion: {out!r}")
        check("examples/add_column.sql:6 create-index-without-concurrently CRITICAL \u2014 " in out,
              f"one line per item, path:line rule RISK - message: {out!r}")
        check("\x1b" not in out, "no escape sequence in the text output")
        code, d, _ = decision(tmp, "--policy", defaults, example)
        check(code == 1 and d.get("conclusion") == "failure", f"JSON: {d}")
        criticals = [i for i in d.get("items", []) if i.get("guardrail") == "critical"]
        expected = [f for f in example_report["files"][0]["findings"] if f["risk"] == "CRITICAL"]
        check(len(criticals) == len(expected) > 0, f"one critical item per CRITICAL finding: {criticals}")
        check(all(i["kind"] == "guardrail" and i["path"].endswith("examples/add_column.sql") for i in criticals), f"{criticals}")
        check(d.get("policy") == {"signoff_at": "high", "unknown_needs_signoff": True, "require_lock_timeout": False, "critical_needs_exemption": True,
                                  "concurrently_above_bytes": 0, "exemptable": None, "approvers": [],
                                  "min_approvals": 1, "author_may_approve": False, "exemption_granters": [],
                                  "max_exemption_days": 30}, f"effective policy: {d.get('policy')}")
        signoffs = [i for i in d.get("items", []) if i["kind"] == "signoff"]
        check([i["rule"] for i in signoffs] == ["add-foreign-key-without-not-valid"], f"HIGH needs sign-off: {signoffs}")

        # Relaxed: nothing needs sign-off and CRITICAL is no guardrail.
        code, out, _ = policy(tmp, "--policy", relaxed, example)
        check(code == 0 and out.startswith("success: "), f"relaxed policy: exit {code}: {out!r}")

        # A clean migration holds under the default policy.
        code, d, _ = decision(tmp, "--policy", defaults, clean)
        check(code == 0 and d.get("conclusion") == "success" and d.get("items") == [], f"clean: {code} {d}")

        # require_lock_timeout.
        code, d, _ = decision(tmp, "--policy", strict, no_timeout)
        items = d.get("items", [])
        check(code == 1 and d.get("conclusion") == "failure", f"no lock_timeout: {code} {d}")
        check([(i.get("guardrail"), i["line"]) for i in items] == [("lock_timeout", 2)], f"lock_timeout item: {items}")
        code, d, _ = decision(tmp, "--policy", strict, indexes)
        check(code == 0, f"lock_timeout set first: exit {code}: {d}")

        # Default sign-off: HIGH for an index without CONCURRENTLY (no sizes): action required, exit 1.
        code, d, _ = decision(tmp, "--policy", defaults, no_timeout)
        check(code == 1 and d.get("conclusion") == "action_required", f"sign-off: {code} {d}")
        check([(i["kind"], i["rule"], i["line"]) for i in d.get("items", [])] ==
              [("signoff", "create-index-without-concurrently", 3)], f"sign-off items: {d.get('items')}")

        # concurrently_above_bytes: the users index, not the lookup one.
        code, d, _ = decision(tmp, "--policy", sized, indexes)
        items = d.get("items", [])
        check(code == 1 and [(i.get("guardrail"), i["line"]) for i in items] == [("concurrently", 3)], f"concurrently: {items}")

        # A 3 s index build under SHARE on a table of 2M rows is MEDIUM: no exemption, no sign-off.
        # Without the time estimate (throughput = 0) the row count made it CRITICAL.
        write(tmp, "migrations/003_short_build.sql", SHORT_BUILD)
        snapshot = write(tmp, "short_snapshot.json", json.dumps(SHORT_BUILD_SNAPSHOT))
        short, short_report = analyse(tmp, "short.json", ["migrations/003_short_build.sql"], snapshot)
        built = [f for f in short_report["files"][0]["findings"] if f["rule"] == "create-index-without-concurrently"]
        check(len(built) == 1 and built[0]["risk"] == "MEDIUM" and built[0]["message"].endswith("risk HIGH \u2192 MEDIUM (under 5 s)"),
              f"a 3 s build is MEDIUM: {built}")
        code, d, _ = decision(tmp, "--policy", defaults, short)
        check(code == 0 and d.get("conclusion") == "success" and d.get("items") == [], f"short build: {code} {d}")
        rows_only = write(tmp, "rows_only.toml", "[stats]\nthroughput = 0\n")
        code, out, err = run("analyze", "--format", "json", "--config", rows_only, "--no-history", "--stats-file", snapshot,
                             "migrations/003_short_build.sql")
        rows_report = write(tmp, "rows_only.json", out)
        code, d, _ = decision(tmp, "--policy", defaults, rows_report)
        check(code == 1 and [i.get("guardrail") for i in d.get("items", [])] == ["critical"], f"by rows: {code} {d} {err}")

        # Repository overrides: --repository, any case, or the envelope's own repository.
        check(policy(tmp, "--policy", per_repo, "--repository", "Octo/Legacy", example)[0] == 0, "override applies")
        check(policy(tmp, "--policy", per_repo, "--repository", "octo/app", example)[0] == 1, "override is per repository")
        check(policy(tmp, "--policy", per_repo, example)[0] == 1, "no repository: [policy]")
        envelope = json.dumps({"schema_version": 1, "repository": "octo/legacy", "pull_request": 7,
                               "report": example_report}).encode()
        code, d, err = decision(tmp, "--policy", per_repo, "-", stdin=envelope)
        check(code == 0 and d.get("conclusion") == "success", f"envelope on stdin: {code} {d} {err}")
        code, d, err = decision(tmp, "--policy", per_repo, "--repository", "octo/app", "-", stdin=envelope)
        check(code == 1, f"--repository wins over the envelope: {code} {err}")

        # Errors: one error: line, exit 2.
        bad_key = write(tmp, "bad_key.toml", '[policy]\nsignoff_at = "high"\nrequire_lock_timout = true\n')
        bad_type = write(tmp, "bad_type.toml", '[policy]\n\nconcurrently_above_bytes = true\n')
        bad_repo = write(tmp, "bad_repo.toml", '[repositories."octo/app"]\nsignoff_at = "sometimes"\n')
        bad_syntax = write(tmp, "bad_syntax.toml", '[policy\nsignoff_at = "high"\n')
        not_json = write(tmp, "not.json", '{"files": [')
        not_report = write(tmp, "not_report.json", '{"files": [{"path": "a.sql", "findings": [{"rule": "x"}]}]}')
        cases = [
            (["--policy", bad_key, clean], f"error: {bad_key}:3:1: unknown key policy.require_lock_timout"),
            (["--policy", bad_type, clean], f"error: {bad_type}:3:28: policy.concurrently_above_bytes must be"),
            (["--policy", bad_repo, clean], f'error: {bad_repo}:2:14: repositories."octo/app".signoff_at must be one of'),
            (["--policy", bad_syntax, clean], f"error: {bad_syntax}:1:"),
            (["--policy", os.path.join(tmp, "missing.toml"), clean], f"error: {tmp}/missing.toml"),
            (["--policy", defaults, not_json], f"error: {not_json}: not valid JSON"),
            (["--policy", defaults, not_report], f"error: {not_report}: not a pgfence report: files[0].findings[0].risk: missing"),
            (["--policy", defaults, os.path.join(tmp, "missing.json")], f"error: {tmp}/missing.json"),
            ([clean], "error: policy check needs --policy FILE"),
            (["--policy", defaults], "error: policy check needs a report"),
            (["--policy", defaults, "--format", "yaml", clean], "error: --format must be text or json"),
            (["--policy", defaults, "--colour", clean], "error: policy check: unknown option '--colour'"),
            (["--policy", defaults, clean, clean], "error: policy check takes one report"),
        ]
        for case_args, prefix in cases:
            code, out, err = policy(tmp, *case_args)
            lines = err.splitlines()
            check(code == 2 and len(lines) == 1 and lines[0].startswith(prefix) and out == "",
                  f"{case_args}: exit {code}, stderr {err!r}, expected a line starting {prefix!r}")
        code, _, err = run("policy", "verify")
        check(code == 2 and err.startswith("error: policy: expected 'policy check"), f"policy verify: {code} {err!r}")
        code, out, _ = run("help")
        check("policy check --policy FILE REPORT" in out, "help names the command with the --policy it needs")
        code, out, _ = run("help", "policy")
        check("pgfence policy check --policy FILE" in out, "help policy gives its options")

    print(f"{CHECKS} checks, {len(FAILURES)} failed")
    for failure in FAILURES:
        print("FAIL:", failure)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
