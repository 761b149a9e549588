"""docs/pr.md's .gitlab-ci.yml job, run as GitLab runs it: its script through bash in a clone of a
real repository (a bare origin with the main branch, a merge request's branch adding a migration),
with the variables GitLab sets in a merge request pipeline (GIT_DEPTH 0: the whole history). The
Code Quality report names only the merge request's new migration, with GitLab's fields; the job
fails (exit 1) for its HIGH finding; a merge request that changes no migration passes with an empty
report. The artifacts name the files the script writes.

    gitlab_template_test.py --binary PATH --root REPO
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402


check = Checks("gitlab_template")


def git(cwd, *args):
    return subprocess.run(["git", "-C", cwd, "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def job(root):
    with open(os.path.join(root, "docs/pr.md")) as f:
        text = f.read()
    section = text.split("## GitLab and reviewdog", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    return yaml.safe_load("\n".join(l[indent:] for l in lines))["pgfence"]


def run_script(script, cwd, env):
    """Each line as GitLab's runner runs it: in one bash with errexit; the first failing line ends it."""
    body = "set -eo pipefail\n" + "\n".join(script) + "\n"
    return subprocess.run(["bash", "--norc", "-c", body], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    spec = job(a.root)
    check(spec["variables"].get("GIT_DEPTH") in ("0", 0), "the job asks for the whole history")
    check(spec["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json" and spec["artifacts"]["when"] == "always",
          f"the Code Quality artifact, kept when the job fails: {spec['artifacts']}")
    script = spec["script"]
    check(any("pgfence pr" in line and "gitlab=gl-code-quality-report.json" in line for line in script),
          f"the script writes the report with pgfence pr: {script}")
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = os.path.join(tmp, "bin")
        os.makedirs(bin_dir)
        os.symlink(os.path.abspath(a.binary), os.path.join(bin_dir, "pgfence"))
        work = os.path.join(tmp, "work")
        write(os.path.join(work, "db/migrations/001_init.sql"), "CREATE TABLE users (id int, email text);\n")
        write(os.path.join(work, "db/migrations/002_idx.sql"), "CREATE INDEX users_email_idx ON users (email);\n")
        git(tmp, "init", "-q", "-b", "main", "work")
        git(work, "add", "-A")
        git(work, "commit", "-qm", "history")
        origin = os.path.join(tmp, "origin.git")
        subprocess.run(["git", "clone", "-q", "--bare", work, origin], check=True)
        clone = os.path.join(tmp, "clone")
        subprocess.run(["git", "clone", "-q", origin, clone], check=True)
        base = git(clone, "rev-parse", "HEAD")
        git(clone, "checkout", "-qb", "feature")
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], CI="true", GITLAB_CI="true",
                   CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
                   CI_MERGE_REQUEST_DIFF_BASE_SHA=base, CI_PROJECT_DIR=clone)
        for k in [k for k in env if k.startswith("GITHUB_")]:
            del env[k]
        # A merge request that changes no migration: success, an empty report.
        write(os.path.join(clone, "README.md"), "docs\n")
        git(clone, "add", "-A")
        git(clone, "commit", "-qm", "docs")
        r = run_script(script, clone, env)
        report_path = os.path.join(clone, "gl-code-quality-report.json")
        issues = json.load(open(report_path)) if os.path.exists(report_path) else None
        check(r.returncode == 0 and issues == [], f"no migration changed: exit 0, no issue: {r.returncode} {issues} {r.stderr[-400:]}")
        # The merge request adds a migration with a HIGH finding.
        write(os.path.join(clone, "db/migrations/003_token.sql"), "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n")
        git(clone, "add", "-A")
        git(clone, "commit", "-qm", "token")
        r = run_script(script, clone, env)
        check(r.returncode == 1, f"a new HIGH finding fails the job: {r.returncode} {r.stderr[-400:]}")
        issues = json.load(open(report_path)) if os.path.exists(report_path) else None
        check(isinstance(issues, list) and issues, f"the Code Quality report has the findings: {issues}")
        for issue in issues or []:
            check({"description", "check_name", "fingerprint", "severity", "location"} <= set(issue) and
                  issue["location"]["path"] == "db/migrations/003_token.sql" and issue["location"]["lines"]["begin"] == 1,
                  f"each issue has GitLab's fields, on the merge request's file: {issue}")
        check(any(i["check_name"] == "add-column-volatile-default" and i["severity"] == "critical" for i in issues or []),
              f"the HIGH finding is 'critical' to GitLab: {issues}")
        review = os.path.join(clone, "pgfence-review.md")
        check(os.path.exists(review) and "add-column-volatile-default" in open(review).read(),
              "the Markdown review is written for the artifacts")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
