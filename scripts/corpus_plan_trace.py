#!/usr/bin/env python3
"""How many of the corpus's migration plans run through on a real PostgreSQL with their
repository's history (README "Migration plans", closing notes of issue #16).

For each migration set of ../shared/corpus (a folder of migrations, in the order its tool
applies them) it runs `pgfence trace --plan --format json` over the whole set: every file runs
in order on one server, each file with a plan as its plan. It prints, per set and in total, the
plans traced, those that ran through with the writer and reader working, and the plan oracle's
verdicts (docs/plans.md): proven, differs, unchecked, declined; and the first differences.

usage: scripts/corpus_plan_trace.py PGFENCE [CORPUS] [--only NAME] [--timeout SECONDS]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# The migration sets: a folder under the corpus, as the MANIFEST's globs name them.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pgfence")
    parser.add_argument("corpus", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    parser.add_argument("--only")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"skipped: no corpus at {args.corpus}")
        return 77
    totals = {"plans": 0, "through": 0, "steps": 0, "failed_steps": 0}
    verdicts = {"proven": 0, "differs": 0, "unchecked": 0, "declined": 0}
    differences = []
    failures = []
    for rel in SETS:
        if args.only and args.only not in rel:
            continue
        folder = os.path.join(args.corpus, rel)
        if not os.path.isdir(folder):
            print(f"{rel}: missing")
            continue
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            started = time.time()
            proc = subprocess.run([args.pgfence, "trace", "--plan", "--format", "json", "--trace-timeout", "120",
                                   "-o", out.name, folder], capture_output=True, timeout=args.timeout)
            seconds = time.time() - started
            try:
                with open(out.name) as f:
                    doc = json.load(f)
            except (json.JSONDecodeError, OSError):
                print(f"{rel}: no report (exit {proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
                continue
        plans = doc.get("plans", [])
        through = [p for p in plans if p["ok"]]
        steps = sum(len(p["steps"]) for p in plans)
        failed_steps = [(p["path"], s) for p in plans for s in p["steps"] if not s["ok"]]
        totals["plans"] += len(plans)
        totals["through"] += len(through)
        totals["steps"] += steps
        totals["failed_steps"] += len(failed_steps)
        counts = {k: 0 for k in verdicts}
        for p in plans:
            result = (p.get("verdict") or {}).get("result", "")
            if result in counts:
                counts[result] += 1
            if result in ("differs", "unchecked") and len(differences) < 400:
                differences.append(f"  {result}: {os.path.relpath(p['path'], args.corpus)}: {p['verdict']['reason'][:300]}")
        for k in verdicts:
            verdicts[k] += counts[k]
        print(f"{rel}: {len(through)} of {len(plans)} plans ran through ({steps} steps, {int(seconds)} s); "
              + ", ".join(f"{counts[k]} {k}" for k in counts))
        for path, s in failed_steps[:50]:
            failures.append(f"  {os.path.relpath(path, args.corpus)}: {s['title']}: {s['outcome']}"
                            + (f"; application error: {s['writer_error']}" if s["writer_error"] else ""))
    print(f"total: {totals['through']} of {totals['plans']} plans ran through; "
          f"{totals['failed_steps']} of {totals['steps']} steps failed")
    print("verdicts: " + ", ".join(f"{verdicts[k]} {k}" for k in verdicts))
    for f in failures:
        print(f)
    for d in differences:
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
