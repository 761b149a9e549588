"""A traced migration that never ends must not hold the job: `SET statement_timeout = 0` and then
`pg_sleep` for ten minutes, in a migration and in a --setup file. pgfence cancels each statement
after --trace-timeout seconds (client side, so the migration's own settings cannot lift it): the
migration's statement gets the verdict error with SQLSTATE 57014 and the rest of the file is
skipped; a hanging --setup file is one `error:` line, exit 2. Without the limit either run would
outlast this test's own 120-second limit.

    test_trace_timeout.py --binary B
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH
HANG = "SET statement_timeout = 0;\nSELECT pg_sleep(600);\nCREATE TABLE after_sleep (a int);\n"


def run(binary, tmp, *args):
    return subprocess.run([binary, "trace", "--pg-bin", PG_BIN, "--trace-timeout", "2", *args], cwd=tmp, capture_output=True, text=True,
                          timeout=120)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir("/usr/lib/postgresql/15/bin"):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-timeout-")
    os.chmod(tmp, 0o755)
    failures = []
    try:
        with open(os.path.join(tmp, "001_hang.sql"), "w") as f:
            f.write(HANG)
        with open(os.path.join(tmp, "002_ok.sql"), "w") as f:
            f.write("CREATE TABLE ok (a int);\n")
        proc = run(os.path.abspath(args.binary), tmp, "--format", "json", "001_hang.sql", "002_ok.sql")
        doc = json.loads(proc.stdout)
        verdicts = [s["verdict"] for s in doc["files"][0]["statements"]]
        hung = doc["files"][0]["statements"][1]
        if verdicts != ["confirmed", "error", "skipped"]:
            failures.append(f"verdicts of the hanging migration: {verdicts}")
        if hung["error"]["sqlstate"] != "57014" or "cancelled" not in hung["error"]["message"]:
            failures.append(f"the sleeping statement is not reported as cancelled: {hung['error']}")
        if [s["verdict"] for s in doc["files"][1]["statements"]] != ["confirmed"]:
            failures.append("the next file was not traced after the cancelled statement")
        proc = run(os.path.abspath(args.binary), tmp, "--setup", "001_hang.sql", "002_ok.sql")
        errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        if proc.returncode != 2 or len(errors) != 1 or "001_hang.sql" not in errors[0] or "cancelled" not in errors[0]:
            failures.append(f"a hanging --setup file: exit {proc.returncode}, stderr {proc.stderr!r}")
    except subprocess.TimeoutExpired:
        failures.append("the trace did not end: no time limit on a statement")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    if not failures:
        print("ok: hanging statements are cancelled after --trace-timeout")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
