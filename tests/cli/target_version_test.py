"""The project's target PostgreSQL version from its own files (judge10 #40: Lemmy's
docker/docker-compose.yml pins pgautoupgrade:18-alpine; pgfence assumed 15 without a word and
reported a PostgreSQL 18 syntax as newer than the target), through the real binary:

- a compose image names the version: analyze targets it and says which file and line said so;
- files that disagree: the lowest, said so;
- no file names it: the default, said as assumed;
- --pg-version still decides over the files.

    target_version_test.py --binary build/bot/pgfence
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def analyze(binary, root, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    p = subprocess.run([binary, "analyze", *args, root], capture_output=True, text=True, env=env, timeout=300, cwd=root)
    return p.returncode, p.stdout, p.stderr


# A subquery in FROM without an alias: PostgreSQL 16 accepts it, 15 does not (Lemmy 2025-08-01-000016).
MIGRATION = "SET lock_timeout = '2s';\nCREATE TABLE t AS SELECT * FROM (SELECT 1 AS a);\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    binary = os.path.abspath(parser.parse_args().binary)
    with tempfile.TemporaryDirectory() as root:
        write(f"{root}/migrations/2025-08-01-000016_smoosh/up.sql", MIGRATION)
        write(f"{root}/docker/docker-compose.yml",
              "services:\n  lemmy:\n    image: dessalines/lemmy:0.19\n  postgres:\n    image: pgautoupgrade/pgautoupgrade:18-alpine\n")
        code, out, err = analyze(binary, root, "--format", "json")
        report = json.loads(out)
        rules = [x["rule"] for f in report["files"] for x in f["findings"]]
        check(report["pg_version"] == 18, f"the compose file's PostgreSQL 18 is the target: {report['pg_version']}")
        check("syntax-newer-than-target" not in rules, f"no syntax-newer-than-target for 18's syntax: {rules}")
        check("docker/docker-compose.yml:5" in err and "pgautoupgrade/pgautoupgrade:18-alpine" in err,
              f"stderr names the file and line that said so: {err}")
        code, out, err = analyze(binary, root)
        target = [l for l in out.splitlines() if l.startswith("target:")]
        check(target and "PostgreSQL 18" in target[0] and "docker/docker-compose.yml:5" in target[0], f"text: the target line says where: {target}")

        # Files that disagree: the lowest.
        write(f"{root}/.github/workflows/ci.yml", "jobs:\n  test:\n    services:\n      db:\n        image: postgres:16\n")
        code, out, err = analyze(binary, root, "--format", "json")
        report = json.loads(out)
        check(report["pg_version"] == 16, f"the lowest the files name: {report['pg_version']}")
        check(".github/workflows/ci.yml:5" in err and "16, 18" in err, f"said with both versions: {err}")

        # --pg-version decides.
        code, out, err = analyze(binary, root, "--format", "json", "--pg-version", "15")
        report = json.loads(out)
        check(report["pg_version"] == 15, f"--pg-version decides over the files: {report['pg_version']}")
        check("syntax-newer-than-target" in [x["rule"] for f in report["files"] for x in f["findings"]],
              "with 15 the syntax is newer than the target")

        # No file names it: the default, said as assumed.
        os.remove(f"{root}/.github/workflows/ci.yml")
        os.remove(f"{root}/docker/docker-compose.yml")
        code, out, err = analyze(binary, root)
        target = [l for l in out.splitlines() if l.startswith("target:")]
        check(target and "PostgreSQL 15, assumed" in target[0], f"no file: the default, assumed: {target}")
    for f in failures:
        print("FAIL:", f)
    print("target_version:", "FAILED" if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
