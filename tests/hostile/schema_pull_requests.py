"""What the hostile tests that judge one migration against the schema of an earlier one share
(test_data_loss.py, test_sql_harm.py, test_hidden_rows.py, test_app_harm.py,
test_catalog_identity.py): a real git repository (the git CLI) whose main branch holds
migrations/001_init.sql, a pull request branch that adds migrations/002_change.sql,
`pgfence analyze --ci --format json` over it, the Suite that judges a table of such pull
requests, and the scenario runner."""
import argparse
import json
import os
import subprocess
import tempfile


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                        "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com"})


def repository(tmp, init):
    """A repository whose main branch has one migration, 001_init.sql, holding `init`."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "migrations"))
    git(repo, "init", "-q", "-b", "main")
    with open(os.path.join(repo, "migrations", "001_init.sql"), "w") as f:
        f.write(init)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "schema")
    return repo


def pull_request(repo, branch, sql):
    """A branch off main that adds 002_change.sql holding `sql`, checked out."""
    git(repo, "checkout", "-q", "-b", branch, "main")
    with open(os.path.join(repo, "migrations", "002_change.sql"), "w") as f:
        f.write(sql)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", branch)


def analyze_report(binary, repo, *options):
    """`pgfence analyze --no-config --ci OPTIONS --format json migrations`: its exit code (0 or 1,
    anything else fails the test) and its report."""
    proc = subprocess.run([binary, "analyze", "--no-config", "--ci", *options, "--format", "json", "migrations"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}")
    return proc.returncode, json.loads(proc.stdout)


def findings_in(report, name):
    """The findings of the report's file whose path ends with `name`."""
    return [f for file in report["files"] if file["path"].endswith(name) for f in file["findings"]]


def summary(found, width=120):
    """The findings as (rule, risk, the message's start), for a failure's message."""
    return [(f["rule"], f["risk"], f["message"][:width]) for f in found]


class Suite:
    """One schema (`preamble` + `init` in 001_init.sql) and the pull requests judged on it, each
    adding 002_change.sql (`preamble` + its SQL). `changed_only` runs `--changed-since main` (only
    the pull request's file is analysed, on main's history); `quiet_init` checks that the schema
    itself has no finding above MEDIUM."""

    def __init__(self, preamble, init, changed_only=False, quiet_init=False):
        self.preamble, self.init = preamble, init
        self.changed_only, self.quiet_init = changed_only, quiet_init

    def repository(self, tmp):
        """The repository in `tmp`, made on first use (a scenario's pull requests share it)."""
        repo = os.path.join(tmp, "repo")
        return repo if os.path.isdir(repo) else repository(tmp, self.preamble + self.init)

    def pull_request(self, repo, branch, sql):
        pull_request(repo, branch, self.preamble + sql)

    def findings(self, binary, repo, *options):
        """`analyze --ci OPTIONS`: its exit code and the findings of 002_change.sql."""
        if self.changed_only:
            options = ("--changed-since", "main", *options)
        code, report = analyze_report(binary, repo, *options)
        if self.changed_only:
            paths = [file["path"] for file in report["files"]]
            check(all(p.endswith("002_change.sql") for p in paths), f"analysed {paths}, not only the pull request's file")
        if self.quiet_init:
            init = findings_in(report, "001_init.sql")
            check(all(f["risk"].lower() in ("low", "medium") for f in init), f"the schema itself has findings: {init}")
        return code, findings_in(report, "002_change.sql")

    def expect_caught(self, binary, tmp, pull_requests, what, options=()):
        """Each of `pull_requests` ({branch: (sql, rule, word)}) fails `--ci` with a finding of
        `rule` whose message holds `word`, HIGH or CRITICAL (MEDIUM too for unknown-statement)."""
        repo = self.repository(tmp)
        failures = []
        for name, (sql, rule, word) in pull_requests.items():
            self.pull_request(repo, name, sql)
            code, found = self.findings(binary, repo, *options)
            wanted = ("medium", "high", "critical") if rule == "unknown-statement" else ("high", "critical")
            hits = [f for f in found if f["rule"] == rule and f["risk"].lower() in wanted and word in f["message"]]
            if code != 1 or not hits:
                failures.append(f"{name}: exit {code}, findings {summary(found)}")
        check(not failures, f"pull requests that {what} passed --ci:\n" + "\n".join(failures))

    def expect_clean(self, binary, tmp, sql, options=()):
        """A control pull request passes `--ci`."""
        repo = self.repository(tmp)
        self.pull_request(repo, "control", sql)
        code, found = self.findings(binary, repo, *options)
        check(code == 0, f"the control failed --ci: {summary(found, 160)}")


def main(scenarios):
    """`test_X.py SCENARIO --binary PGFENCE`: runs scenarios[SCENARIO](binary, tmp); PASS or FAIL."""
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(scenarios))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            scenarios[args.scenario](os.path.abspath(args.binary), tmp)
        except Failed as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"PASS {args.scenario}")
    return 0
