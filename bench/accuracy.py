#!/usr/bin/python3
"""How often each tool states the lock PostgreSQL really takes.

    bench/accuracy.py OBSERVED.json --pgfence BIN [--squawk BIN] [--flvmnt JS] [--details TSV] [--json PATH]

OBSERVED.json is what `pgfence_conformance --observed` wrote: for every conformance case, the
statement, the statements before it, and the locks a real PostgreSQL 15 took for it (read
from pg_locks). Each case becomes one migration file (the earlier statements, then the
statement), and every tool reads the same files. What a tool states about the statement's
strongest lock is compared with the strongest lock the server took on a relation that existed before the statement: tables,
partitioned tables, views, materialized views and foreign tables (what users wait on; the
conformance suite compares indexes and sequences only where pgfence names them, and a
statement's lock on a relation it creates itself blocks nobody):

- pgfence: the strongest mode of its `locks` on such relations (every statement has locks;
  a lock it marks `new` counts only when the server locked that relation as existing);
- @flvmnt/pgfence: the strongest `lockMode` of its checks on the statement;
- squawk: the strongest "Statement requires: <MODE> lock" in its messages on the statement.

Only statements that lock an existing table or view are scored. A tool that says nothing
about such a statement's lock is counted as silent, not wrong.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

MODES = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
         "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]
RANK = {m: i for i, m in enumerate(MODES)}
TABLE_RELKINDS = {"r", "p", "v", "m", "f"}
TABLE_KINDS = {"table", "partitioned table", "view", "materialized view", "foreign table"}


def strongest(modes):
    modes = [m for m in modes if m in RANK]
    return max(modes, key=RANK.get) if modes else None


def norm(sql):
    return re.sub(r"\s+", " ", sql.strip().rstrip(";")).lower()


def write_cases(cases, folder):
    """One file per case; returns (path, first line of the statement, 0-based) per case."""
    out = []
    for n, case in enumerate(cases):
        path = os.path.join(folder, f"{n:03d}_{case['id']}.sql")
        text = "".join(s.strip() + ";\n" for s in case["context"])
        first_line = text.count("\n")
        text += case["statement"].strip() + ";\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out.append((path, first_line))
    return out


def existing_locks(case):
    """{relname: mode} of the relations the server locked that existed before the statement."""
    return {l["relation"].split(".", 1)[1].lower(): l["mode"] for l in case["locks"]
            if l["relkind"] in TABLE_RELKINDS and not l["new"]}


def pgfence_claims(binary, cases, files):
    claims = []
    for case, (path, _) in zip(cases, files):
        proc = subprocess.run([binary, "analyze", "--no-config", "--format", "json", path],
                              capture_output=True, text=True)
        try:
            statements = json.loads(proc.stdout)["files"][0]["statements"]
        except (ValueError, KeyError, IndexError):
            claims.append(None)
            continue
        last = statements[-1] if statements else {}
        existing = existing_locks(case)
        claims.append(strongest(l["mode"] for l in last.get("locks", [])
                                if l.get("kind") in TABLE_KINDS
                                and (not l.get("new") or l["relation"].split(".")[-1].strip('"').lower() in existing)))
    return claims


def flvmnt_claims(script, cases, files):
    claims = []
    for case, (path, _) in zip(cases, files):
        proc = subprocess.run(["node", script, "analyze", "--output", "json", "--min-pg-version", "15", path],
                              capture_output=True, text=True)
        modes = []
        try:
            for result in json.loads(proc.stdout).get("results", []):
                for check in result.get("checks", []):
                    if norm(check.get("statement", "")) == norm(case["statement"]):
                        modes.append(check.get("lockMode"))
        except ValueError:
            pass
        claims.append(strongest(modes))
    return claims


def squawk_claims(binary, files):
    claims = []
    for path, first_line in files:
        proc = subprocess.run([binary, "--reporter", "json", "--pg-version", "15.0", path],
                              capture_output=True, text=True)
        modes = []
        try:
            for v in json.loads(proc.stdout or "[]"):
                if v.get("line", -1) < first_line:
                    continue
                text = (v.get("message") or "") + " " + (v.get("help") or "")
                modes += re.findall(r"requires: ([A-Z ]+?) lock", text)
        except ValueError:
            pass
        claims.append(strongest(modes))
    return claims


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("observed")
    parser.add_argument("--pgfence", required=True)
    parser.add_argument("--squawk")
    parser.add_argument("--flvmnt")
    parser.add_argument("--details", help="write every case's verdicts here (TSV)")
    parser.add_argument("--json", help="write the summary here")
    args = parser.parse_args()

    with open(args.observed, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    truth = [strongest(existing_locks(c).values()) for c in cases]
    with tempfile.TemporaryDirectory() as folder:
        files = write_cases(cases, folder)
        tools = {"pgfence": pgfence_claims(args.pgfence, cases, files)}
        if args.squawk:
            tools["squawk"] = squawk_claims(args.squawk, files)
        if args.flvmnt:
            tools["flvmnt"] = flvmnt_claims(args.flvmnt, cases, files)

    locked = sum(1 for t in truth if t)
    print(f"{len(cases)} statements run on PostgreSQL 15; {locked} lock an existing table or view")
    print(f"{'tool':<10}{'states a lock':>15}{'right':>8}{'wrong':>8}{'silent':>8}")
    summary = {}
    for name, claims in tools.items():
        right = sum(1 for c, t in zip(claims, truth) if t and c == t)
        wrong = sum(1 for c, t in zip(claims, truth) if t and c and c != t)
        silent = sum(1 for c, t in zip(claims, truth) if t and not c)
        stated = right + wrong
        print(f"{name:<10}{stated:>15}{right:>8}{wrong:>8}{silent:>8}")
        summary[name] = {"stated": stated, "right": right, "wrong": wrong, "silent": silent}
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            f.write("case\tserver\t" + "\t".join(tools) + "\tstatement\n")
            for i, case in enumerate(cases):
                row = [case["id"], truth[i] or "-"] + [tools[t][i] or "-" for t in tools] + [norm(case["statement"])]
                f.write("\t".join(row) + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"statements": len(cases), "scored": locked, "tools": summary}, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
