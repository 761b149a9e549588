"""A pull request that weakens pgfence's own configuration (red team r70 F15). `pgfence pr` reviews a
pull request with the base commit's `.pgfence.toml`, but once merged the new one reviews every later
pull request: turning `unknown-statement` off, re-rating `drop-table` LOW, an `exclude` glob, a policy's
`signoff_at` raised to CRITICAL, each is a HIGH migration-tool-settings-changed finding at its key, which
fails `pr` and needs sign-off under `pgfence policy check`. A change that is only stricter is none.
On the real binary and real git repositories.

    test_config_weakened.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

BASE_CONFIG = '[rules]\nprofile = "default"\nenable = ["lock-timeout-too-long"]\n'
WEAKER = ('exclude = ["db/migrations/0*_hotfix*.sql"]\n\n[rules]\nprofile = "default"\nenable = ["lock-timeout-too-long"]\n'
          'disable = ["unknown-statement"]\n\n[rules.drop-table]\nrisk = "low"\n')
STRICTER = ('max_risk = "low"\n\n[rules]\nprofile = "strict"\nenable = ["lock-timeout-too-long"]\n\n'
            '[rules.drop-column-default]\nrisk = "critical"\n')
POLICY = '[policy]\nsignoff_at = "high"\nunknown_needs_signoff = true\n'


def pr_repo(s, base_files, head_files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db/migrations/001_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "pgfence: tune the configuration")


def run(s, *cmd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([s.args.binary, *cmd], cwd=s.repo, env=env, capture_output=True, text=True, timeout=120)


def pr_report(s):
    path = os.path.join(s.tmp, "report.json")
    proc = run(s, "pr", "--base", "main", "--head", "feature", "--format", "json=" + path)
    check(os.path.exists(path), f"pr wrote its report: exit {proc.returncode}\n{proc.stderr}")
    with open(path) as f:
        return proc, path, json.load(f)


def config_findings(report, path):
    return [f for file in report["files"] if file["path"] == path for f in file["findings"]
            if f["rule"] == "migration-tool-settings-changed" and not f["pre_existing"]]


def policy_check(s, report_path):
    policy = os.path.join(s.tmp, "policy.toml")
    write(policy, POLICY)
    proc = run(s, "policy", "check", "--policy", policy, "--format", "json", report_path)
    return proc, json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}


def config_weakened(s):
    """The repro's pull request: only .pgfence.toml changes; each weakening key is a HIGH finding at its
    line, pr fails, and the policy asks for a sign-off."""
    pr_repo(s, {".pgfence.toml": BASE_CONFIG}, {".pgfence.toml": WEAKER})
    proc, report_path, report = pr_report(s)
    found = config_findings(report, ".pgfence.toml")
    messages = "\n".join(f["message"] for f in found)
    check(all(f["risk"] == "HIGH" for f in found) and len(found) == 3, f"three HIGH findings: {messages}")
    for key in ("rules.disable", "rules.drop-table.risk", "exclude"):
        check(key in messages, f"{key} is named: {messages}")
    check("profile" not in messages and "rules.enable" not in messages, f"unchanged keys are not named: {messages}")
    lines = sorted(f["start"]["line"] for f in found)
    check(lines == [1, 6, 9], f"each at its key's line: {lines}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    proc, d = policy_check(s, report_path)
    check(proc.returncode == 1 and d.get("conclusion") == "action_required", f"needs sign-off: {proc.returncode} {d}")
    check(len([i for i in d["items"] if i["path"] == ".pgfence.toml"]) == 3, f"items: {d['items']}")


def config_stricter(s):
    """Only stricter: a lower max_risk, the strict profile, a rule re-rated higher: no finding."""
    pr_repo(s, {".pgfence.toml": BASE_CONFIG}, {".pgfence.toml": STRICTER})
    proc, _, report = pr_report(s)
    check(config_findings(report, ".pgfence.toml") == [], f"no finding: {report['files']}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr}")


def config_added_deleted(s):
    """A configuration file the pull request adds in a folder (it replaces the root's there) or deletes."""
    pr_repo(s, {".pgfence.toml": BASE_CONFIG, "db/.pgfence.json": '{"max_risk": "low"}\n'},
            {"db/migrations/.pgfence.toml": '[rules]\nprofile = "default"\n'})
    os.remove(os.path.join(s.repo, "db/.pgfence.json"))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "drop the json one")
    _, _, report = pr_report(s)
    added = config_findings(report, "db/migrations/.pgfence.toml")
    check(any("adds this configuration file" in f["message"] for f in added), f"the added file: {added}")
    deleted = config_findings(report, "db/.pgfence.json")
    check(any("deletes this configuration file" in f["message"] for f in deleted), f"the deleted file: {deleted}")


def config_renamed(s):
    """Red team r71 F13: a renamed configuration is reviewed by both paths. Moved to a name that is no
    configuration's, it is the root configuration's deletion (HIGH, as `git rm`); moved unchanged into a
    subfolder, it is the root's deletion plus an addition that governs only that subfolder."""
    strict = 'max_risk = "low"\nunparsable = "fail"\n\n[rules.drop-table]\nrisk = "critical"\n'
    pr_repo(s, {".pgfence.toml": strict}, {"README.md": "notes\n"})
    git(s.repo, "mv", ".pgfence.toml", "docs-old-config.txt")
    git(s.repo, "commit", "-qm", "archive the old config")
    proc, _, report = pr_report(s)
    gone = config_findings(report, ".pgfence.toml")
    check(any("moves this configuration file to docs-old-config.txt" in f["message"] and f["risk"] == "HIGH" for f in gone),
          f"the rename away is the root configuration's deletion: {report['files']}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")
    git(s.repo, "checkout", "-qb", "moved", "main")
    os.makedirs(os.path.join(s.repo, "docs"), exist_ok=True)
    git(s.repo, "mv", ".pgfence.toml", "docs/.pgfence.toml")
    git(s.repo, "commit", "-qm", "move the config")
    path = os.path.join(s.tmp, "moved.json")
    proc = run(s, "pr", "--base", "main", "--head", "moved", "--format", "json=" + path)
    with open(path) as f:
        report = json.load(f)
    check(any("moves this configuration file to docs/.pgfence.toml" in f["message"] for f in config_findings(report, ".pgfence.toml")),
          f"the root configuration is gone: {report['files']}")
    check(any("adds this configuration file" in f["message"] for f in config_findings(report, "docs/.pgfence.toml")),
          f"the same text in docs/ is an addition for docs/: {report['files']}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


def policy_weakened(s):
    """A governance policy file kept in the repository: signoff_at raised to CRITICAL is a finding;
    unknown_needs_signoff turned on is not."""
    pr_repo(s, {".github/pgfence-policy.toml": POLICY},
            {".github/pgfence-policy.toml": '[policy]\nsignoff_at = "critical"\nunknown_needs_signoff = true\nrequire_lock_timeout = true\n'})
    proc, _, report = pr_report(s)
    found = config_findings(report, ".github/pgfence-policy.toml")
    check(len(found) == 1 and "policy.signoff_at" in found[0]["message"] and found[0]["start"]["line"] == 2,
          f"signoff_at only: {[f['message'] for f in found]}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


def config_linked(s):
    """Red team r72 F6: a configuration made a symbolic link is reviewed (HIGH): pgfence reads a
    configuration only as a file, so once merged what the base commit's set is gone."""
    strict = 'max_risk = "low"\nunparsable = "fail"\n\n[rules.drop-table]\nrisk = "critical"\n'
    pr_repo(s, {".pgfence.toml": strict}, {"README.md": "notes\n"})
    os.remove(os.path.join(s.repo, ".pgfence.toml"))
    os.symlink("# shared settings", os.path.join(s.repo, ".pgfence.toml"))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "share the config")
    proc, _, report = pr_report(s)
    found = config_findings(report, ".pgfence.toml")
    check(any("a symbolic link" in f["message"] and f["risk"] == "HIGH" for f in found),
          f"the link is the configuration's loss: {report['files']}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (config_weakened, config_stricter, config_added_deleted, config_renamed, policy_weakened,
                                     config_linked)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
