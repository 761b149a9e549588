#!/usr/bin/env python3
"""A plan's verdict agrees with its step reports (issue #54, section 3): a step the report shows
as FAILED never sits beside "proven".

1. A goose folder traced with the test build's wrong lock model (pgfence_trace_inject): the
   plan's step is FAILED ("not as predicted"), and the verdict must not be "proven" (it was,
   before the verdict and the step reports were made to agree).
2. Every migration set of ../shared/corpus (skipped when the corpus is absent), sampled: the
   first FILES files of each set in its tool's order (the history before them is the set's
   own), traced with `trace --plan --format json`; every plan whose verdict is "proven" has
   every step ok and says what it covers (verdict.scope). Deterministic (the same files every run), a few minutes on two cores.

usage: verdict_agrees_test.py PGFENCE INJECT [CORPUS_DIR]"""
import glob
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
FILES = 5  # per corpus set: enough for a plan or two in each, within the test's few minutes

# The corpus's migration sets (as scripts/corpus_plan_trace.py lists them).
SETS = [
    "Dokploy__dokploy/apps/dokploy/drizzle",
    "FlowiseAI__Flowise/packages/server/src/database/migrations/postgres",
    "hatchet-dev__hatchet/cmd/hatchet-migrate/migrate/migrations",
    "kestra-io__kestra/jdbc-postgres/src/main/resources/migrations/postgres",
    "langfuse__langfuse/packages/shared/prisma/migrations",
    "ministryofjustice__hmpps-activities-management-api/src/main/resources/migrations/common",
    "opencollective__opencollective-api/migrations",
    "rust-lang__crates.io/migrations",
    "supabase__storage/migrations/tenant",
]

GOOSE = {
    "db/migrations/00001_init.sql": "-- +goose Up\n"
    "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12,2) NOT NULL DEFAULT 0);\n"
    "-- +goose Down\nDROP TABLE orders;\n",
    "db/migrations/00002_orders_customer_idx.sql": "-- +goose Up\n"
    "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n"
    "-- +goose Down\nDROP INDEX orders_customer_id_idx;\n",
}


def env():
    e = dict(os.environ)
    e["PATH"] = "/usr/lib/postgresql/15/bin:" + e.get("PATH", "")
    return e


def trace(binary, paths, cwd):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = subprocess.run([binary, "trace", "--plan", "--format", "json", "--trace-timeout", "60", "-o", out.name] + paths,
                              cwd=cwd, env=env(), capture_output=True, timeout=900)
        try:
            with open(out.name) as f:
                return json.load(f), proc
        except (json.JSONDecodeError, OSError):
            return None, proc


def disagreements(doc, where):
    """Plans whose verdict is "proven" beside a step that is not ok."""
    out = []
    for p in doc.get("plans", []):
        result = (p.get("verdict") or {}).get("result")
        failed = [s for s in p.get("steps", []) if not s.get("ok")]
        if result == "proven" and failed:
            out.append(f"{where}: {p['path']}: proven beside FAILED step {failed[0]['title']!r}: {failed[0]['outcome']}")
        # A proven verdict says what it covers and what it does not (docs/plans.md).
        scope = (p.get("verdict") or {}).get("scope") or {}
        if result == "proven" and not (scope.get("postgresql") and scope.get("not_covered")):
            out.append(f"{where}: {p['path']}: proven without saying what was proven (verdict.scope)")
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, inject = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    corpus = sys.argv[3] if len(sys.argv) > 3 else ""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        print("skipped: no PostgreSQL server binaries")
        return SKIP
    problems = []
    # 1. A FAILED step (the wrong lock model's mismatch) beside the oracle's match.
    with tempfile.TemporaryDirectory() as d:
        for rel, text in GOOSE.items():
            os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        doc, proc = trace(inject, ["db/migrations"], d)
        if doc is None:
            problems.append(f"inject: no report (exit {proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
        else:
            plans = doc.get("plans", [])
            if not any(not s["ok"] for p in plans for s in p["steps"]):
                problems.append("inject: the wrong lock model failed no step (the test no longer exercises anything)")
            problems += disagreements(doc, "inject")
            for p in plans:
                v = p.get("verdict") or {}
                if any(not s["ok"] for s in p["steps"]) and "step 1" not in v.get("reason", ""):
                    problems.append(f"inject: the verdict's reason does not name the failed step: {v}")
    # 2. The corpus, sampled.
    checked = 0
    if corpus and os.path.isdir(corpus):
        for rel in SETS:
            folder = os.path.join(corpus, rel)
            if not os.path.isdir(folder):
                continue
            listing = subprocess.run([binary, "analyze", "--no-config", "--unparsable", "warn", "--format", "json", folder],
                                     capture_output=True, timeout=600)
            try:
                files = [f["path"] for f in json.loads(listing.stdout)["files"]][:FILES]
            except (json.JSONDecodeError, KeyError):
                problems.append(f"{rel}: analyze gave no report (exit {listing.returncode})")
                continue
            doc, proc = trace(binary, files, None)
            if doc is None:
                problems.append(f"{rel}: no trace report (exit {proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
                continue
            checked += len(doc.get("plans", []))
            problems += disagreements(doc, rel)
        print(f"corpus: {checked} plans checked")
    else:
        print("corpus: absent, skipped")
    for p in problems:
        print("FAIL " + p)
    if problems:
        return 1
    print("ok: every verdict agrees with its step reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
