"""The real tools some hostile tests run, shared by them: `pgfence capture --record` on PostgreSQL 15
(test_capture_forgery, test_capture_not_replacing) and a node_modules installed from npm
(test_capture_not_replacing, test_node_pg_migrate_builders). Without a tool a scenario is skipped (77).
"""
import os
import subprocess
import sys

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"
PYTHON = "/usr/bin/python3"


def run_capture(s, command, extra_env=None, options=()):
    """Runs `pgfence capture --record` of `command` in the head checkout (pgfence's throwaway server);
    returns the process and the record's path, for the test to judge."""
    if not os.path.isfile(os.path.join(PG_BIN, "postgres")):
        print(f"SKIP: no PostgreSQL at {PG_BIN}")
        sys.exit(SKIP)
    record = os.path.join(s.tmp, "capture.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PG"))}
    env.update({"PATH": f"{PG_BIN}:/usr/bin:/bin", "NO_COLOR": "1", **(extra_env or {})})
    proc = subprocess.run([os.path.abspath(s.args.binary), "capture", "--record", record, *options, "--", *command], cwd=s.repo, env=env,
                          capture_output=True, text=True, timeout=600)
    return proc, record


def node_modules(prefix, packages, probe):
    """A node_modules holding `packages` (["knex@3.1.0", "pg@8.11.0"]): PGFENCE_TEST_NODE_MODULES, or
    `prefix`'s, installed there once from npm; else a skip. `probe` is a file of the first package
    (knex/bin/cli.js) that the install must have written. Each test gives its own prefix, so that
    ctest -j2 never runs two npm installs into one folder."""
    names = [p.rsplit("@", 1)[0] for p in packages]
    for folder in (os.environ.get("PGFENCE_TEST_NODE_MODULES", ""), os.path.join(prefix, "node_modules")):
        if folder and os.path.isfile(os.path.join(folder, probe)) and all(os.path.isdir(os.path.join(folder, n)) for n in names):
            return folder
    proc = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", *packages],
                          capture_output=True, text=True, timeout=600)
    folder = os.path.join(prefix, "node_modules")
    if proc.returncode != 0 or not os.path.isfile(os.path.join(folder, probe)):
        print(f"SKIP: {' and '.join(names)} could not be installed from npm: {proc.stderr[-400:]}")
        sys.exit(SKIP)
    return folder
