"""Trace mode stays bounded whatever a migration runs (issue #53, item 8), on PostgreSQL 15:

  copy     COPY ... FROM STDIN and COPY ... TO STDOUT (of a table, and of a query) in a migration:
           the trace answers the copy protocol (an empty copy in, the copy out read and dropped)
           and goes on; no statement is cancelled by --trace-timeout (set far above what they need),
           and the statement after them is traced (`pr --trace` runs the same tracer).
  results  a migration selecting about 1.5 GB of text (1,500 rows of 1 MB): the trace drops the
           rows as they come; pgfence's peak resident memory (VmHWM, read from /proc while it
           runs) stays under 200 MB.

    test_trace_bounded.py SCENARIO --binary B
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH
TIMEOUT = "60"  # --trace-timeout: far above what any statement here needs

COPY_MIGRATION = """CREATE TABLE items (id int, name text);
INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50000) g;
COPY items FROM STDIN;
COPY items TO STDOUT;
COPY (SELECT g, repeat('y', 200) FROM generate_series(1, 20000) g) TO STDOUT WITH (FORMAT csv);
CREATE TABLE after_copy (a int);
"""

RESULTS_MIGRATION = """CREATE TABLE big (a int);
SELECT repeat('x', 1000000) FROM generate_series(1, 1500);
CREATE TABLE after_select (a int);
"""


def trace(binary, tmp, name, watch=None):
    """Runs `pgfence trace --format json` on `name`; with `watch`, calls it with the pid while it runs."""
    proc = subprocess.Popen([binary, "trace", "--pg-bin", PG_BIN, "--trace-timeout", TIMEOUT, "--format", "json", name],
                            cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    limit = float(os.environ.get("PGFENCE_TEST_TRACE_LIMIT", "240"))  # a safety net, not a measurement
    deadline = time.time() + limit
    if watch:
        while proc.poll() is None and time.time() < deadline:
            peak = max(peak, watch(proc.pid))
            time.sleep(0.05)
    try:
        out, err = proc.communicate(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None, f"the trace did not end within {limit:.0f} s", peak
    return (json.loads(out) if out.strip().startswith("{") else None), err, peak


def vm_hwm_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def statements(doc):
    return [s for f in doc["files"] for s in f["statements"]]


def scenario_copy(binary, tmp, failures):
    with open(os.path.join(tmp, "001_copy.sql"), "w") as f:
        f.write(COPY_MIGRATION)
    doc, err, _ = trace(binary, tmp, "001_copy.sql")
    if doc is None:
        failures.append(f"trace of COPY: no report: {err[-800:]}")
        return
    found = statements(doc)
    cancelled = [s for s in found if (s.get("error") or {}).get("sqlstate") == "57014"]
    if cancelled:
        failures.append(f"a statement hit --trace-timeout {TIMEOUT}: {[s['sql'][:60] for s in cancelled]}")
    copies = [s for s in found if s["sql"].lstrip().upper().startswith("COPY")]
    if len(copies) != 3 or any(s["verdict"] in ("error", "skipped") for s in copies):
        failures.append(f"the three COPY statements were not traced: {[(s['sql'][:40], s['verdict'], s.get('error')) for s in copies]}")
    last = found[-1] if found else {}
    if "after_copy" not in last.get("sql", "") or last.get("verdict") != "confirmed":
        failures.append(f"the statement after the copies was not traced: {last.get('sql')!r} {last.get('verdict')}")
    if not failures:
        print(f"ok: COPY FROM STDIN, COPY TO STDOUT and COPY (query) TO STDOUT traced: "
              f"{[s['verdict'] for s in copies]}, the next statement {last['verdict']}")


def scenario_results(binary, tmp, failures):
    with open(os.path.join(tmp, "001_select.sql"), "w") as f:
        f.write(RESULTS_MIGRATION)
    doc, err, peak = trace(binary, tmp, "001_select.sql", watch=vm_hwm_mb)
    if doc is None:
        failures.append(f"trace of the large SELECT: no report: {err[-800:]}")
        return
    found = statements(doc)
    verdicts = [s["verdict"] for s in found]
    if len(found) != 3 or "error" in verdicts or "skipped" in verdicts:
        failures.append(f"the migration was not traced to its end: {[(s['sql'][:40], s['verdict'], s.get('error')) for s in found]}")
    if peak == 0:
        failures.append("pgfence's peak memory was never read")
    elif peak >= 200:
        failures.append(f"pgfence's peak resident memory was {peak} MB tracing a SELECT of 1.5 GB (bound: 200 MB)")
    if not failures:
        print(f"ok: a SELECT of 1.5 GB traced ({verdicts}) with a peak of {peak} MB")


SCENARIOS = {"copy": scenario_copy, "results": scenario_results}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir(PG_BIN):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-bounded-")
    os.chmod(tmp, 0o755)
    failures = []
    try:
        SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp, failures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
