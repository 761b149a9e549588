"""What a newcomer's first `pgfence analyze` says (papercuts found by a first-time user):
- "0 unknown" is said once, in the summary line, not again on the ORM scripts' coverage lines;
- a finding without a plan (DROP COLUMN: MEDIUM, made safe by deploying code first, which no
  migration can do) says in one line why no plan is offered, in the text and compact forms.

    newcomer_test.py --binary PATH
"""
import argparse
import os
import subprocess
import sys
import tempfile

KNEX = """exports.up = function (knex) {
  return knex.raw("CREATE TABLE audit (id bigint)");
};
exports.down = function () {};
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    with tempfile.TemporaryDirectory() as tmp:
        write(os.path.join(tmp, "migrations/20240101000000_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
        write(os.path.join(tmp, "migrations/20240102000000_audit.js"), KNEX)
        proc = subprocess.run([args.binary, "analyze", "--no-config", "."], cwd=tmp, capture_output=True, text=True, timeout=120)
        said = proc.stdout + proc.stderr
        check(proc.returncode == 0, f"analyze: exit {proc.returncode}\n{said}")
        check(said.count("0 unknown") == 1, f"'0 unknown' is said once:\n{said}")
        check("coverage: 1/1 statements analysed" in said, f"the scripts' coverage is still said:\n{said}")

        drop = os.path.join(tmp, "drop")
        write(os.path.join(drop, "migrations/001_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
        write(os.path.join(drop, "migrations/002_drop.sql"), "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n")
        for form in ("text", "compact"):
            proc = subprocess.run([args.binary, "analyze", "--no-config", "--format", form, "migrations/002_drop.sql"],
                                  cwd=drop, capture_output=True, text=True, timeout=120)
            out = proc.stdout
            check("drop-column" in out, f"{form}: the DROP COLUMN finding:\n{out}")
            # One line (the compact form wraps it at the terminal's width: one paragraph).
            said = " ".join(out.split())
            at = said.find("plan: none offered:")
            why = said[at:].split(". ")[0] if at >= 0 else ""
            check(said.count("plan: none offered:") == 1 and "drop-column" in why and "fix" in why,
                  f"{form}: one line says why no plan is offered, naming the rule:\n{out}")

    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print("ok newcomer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
