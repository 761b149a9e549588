"""A traced migration must not reach the superuser through pgfence's own sessions. The migration
role owns the throwaway database, so it may ALTER DATABASE ... SET search_path = public, pg_catalog
and plant functions that shadow the catalog's (current_database(), pg_catalog's comparison of oids):
a superuser session of pgfence's in that database (the lock observer, the contention sessions,
the catalog snapshots) would call them with its rights, and a superuser's COPY ... TO PROGRAM runs
commands on the runner. Each planted function writes a marker file through COPY TO PROGRAM when it
finds itself running as a superuser; after tracing statements in a transaction and outside one
(CREATE INDEX CONCURRENTLY: the contention path), shared and --isolated, no marker may exist, and
the trace must still see the real locks (the catalog first on pgfence's search path).

    test_trace_escalation.py --binary B
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


def plant(marker):
    copy = f"COPY (SELECT 1) TO PROGRAM ''id > {marker}''"
    guard = "IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN EXECUTE '" + copy + "'; END IF;"
    return f"""DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_catalog', pg_catalog.current_database()); END$$;
CREATE FUNCTION public.current_database() RETURNS name LANGUAGE plpgsql AS $f$
BEGIN {guard} RETURN pg_catalog.current_database(); END $f$;
CREATE FUNCTION public.to_regclass(text) RETURNS regclass LANGUAGE plpgsql AS $f$
BEGIN {guard} RETURN pg_catalog.to_regclass($1); END $f$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN {guard} RETURN pg_catalog.current_setting($1); END $f$;
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir("/usr/lib/postgresql/15/bin"):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    binary = os.path.abspath(args.binary)
    failures = []
    for isolated in (False, True):
        tmp = tempfile.mkdtemp(prefix="pgfence-hostile-escalation-")
        os.chmod(tmp, 0o777)  # the server's account writes the marker here, if the attack works
        marker = os.path.join(tmp, "became-superuser")
        try:
            files = {"001_plant.sql": plant(marker), "002_table.sql": "CREATE TABLE t2 (id int);\n",
                     "003_index.sql": "CREATE INDEX CONCURRENTLY t2_id ON t2 (id);\n"}
            for name, text in files.items():
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            if isolated:
                # Each file on its own copy: the setting must be planted by the setup, then.
                argv = [binary, "trace", "--pg-bin", PG_BIN, "--format", "json", "--isolated", "--setup", "001_plant.sql",
                        "--setup", "002_table.sql", "003_index.sql"]
            else:
                argv = [binary, "trace", "--pg-bin", PG_BIN, "--format", "json", *files]
            proc = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=180)
            label = "isolated" if isolated else "shared"
            if os.path.exists(marker):
                with open(marker) as f:
                    failures.append(f"{label}: planted SQL ran as a superuser: {f.read().strip()}")
            try:
                doc = json.loads(proc.stdout)
            except ValueError:
                failures.append(f"{label}: no JSON report: exit {proc.returncode} {proc.stderr[-400:]}")
                continue
            verdicts = {s["sql"].split(" (")[0]: s["verdict"] for f in doc["files"] for s in f["statements"]}
            for sql in ("CREATE TABLE t2", "CREATE INDEX CONCURRENTLY t2_id ON t2"):
                if sql in verdicts and verdicts[sql] != "confirmed":
                    failures.append(f"{label}: {sql} is {verdicts[sql]}, not confirmed: {proc.stdout[-600:]}")
            if "CREATE INDEX CONCURRENTLY t2_id ON t2" not in verdicts:
                failures.append(f"{label}: the CONCURRENTLY statement was not traced: {verdicts}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    if not failures:
        print("ok: pgfence's sessions never run the migration's planted functions as a superuser")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
