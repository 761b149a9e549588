#!/usr/bin/env python3
"""Every golden plan case (tests/plans/*.sql) through the plan oracle on a real PostgreSQL.

Issue #33: "A plan shape the generator can emit has cases in the test suite run through this
oracle; the suite fails if a shape has none." For each case this runs

    pgfence trace --plan --ci --format json --setup <the case's history> <the case's file>

and requires the verdict its .expected promises: `proven` for a plan, `declined` for a decline
(nothing else is offered, so nothing else can be proven). Then it checks coverage: a plan's
shape is what it is made of - the rules whose findings it resolves (`plan.replaced`), a keyset
walk, a step that waits for the release, a step outside a transaction, an out-of-band step. Every
shape the generator emits on our own SQL (the conformance cases on their schema, and the goldens)
and, when ../shared/corpus is there, on the corpus, must occur in a proven golden case.

usage: oracle_test.py PGFENCE PLANS_DIR CONFORMANCE_DIR [CORPUS_DIR]"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def case_parts(path):
    """(relative path of the file, history SQL, migration SQL, tool) of a golden case. A second
    line "-- tool: psql" is the `tool` of the project's .pgfence.toml (what runs the file)."""
    text = open(path).read()
    first, _, rest = text.partition("\n")
    m = re.match(r"^-- path: (\S+)$", first)
    if not m:
        raise SystemExit(f"{path}: the first line is not '-- path: ...'")
    tool = ""
    t = re.match(r"^-- tool: (\S+)\n", rest)
    if t:
        tool, rest = t.group(1), rest[t.end():]
    history, sep, migration = rest.partition("-- migration\n")
    if not sep:
        return m.group(1), None, rest, tool  # no history: a case of what is not known
    return m.group(1), history, migration, tool


def expected_kind(path):
    exp = path[:-4] + ".expected"
    first = open(exp).readline() if os.path.exists(exp) else ""
    if first.startswith("declined:"):
        return "declined"
    if first.startswith("plan:"):
        return "proven"
    return None


def shapes_of(plan):
    """The shape of a plan (analyze's JSON `plan`), as a set of names."""
    out = set()
    if not plan or plan.get("declined") or not plan.get("steps"):
        return out
    out.update("resolves " + r for r in plan.get("replaced", []))
    for step in plan["steps"]:
        sql = step.get("sql", "")
        if "$pgfence_walk$" in sql:
            out.add("keyset walk")
        if step.get("after_release"):
            out.add("step after the release")
        if step.get("run") == "no transaction":
            out.add("step outside a transaction")
        if step.get("run") == "out of band":
            out.add("out-of-band step")
    return out


def analyze(pgfence, history_files, target, cwd, config=None):
    args = [pgfence, "analyze"] + (["--config", config] if config else ["--no-config"]) + ["--unparsable", "warn", "--format", "json"]
    for h in history_files:
        args += ["--history", h]
    proc = subprocess.run(args + [target], cwd=cwd, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"files": []}


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    pgfence, plans_dir, conformance = (os.path.abspath(a) for a in sys.argv[1:4])
    corpus = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else ""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        print("skipped: no PostgreSQL server binaries")
        return SKIP
    failures = []
    proven_shapes = {}
    emitted = {}  # shape -> where it was seen first
    tmp = tempfile.mkdtemp(prefix="pgfence-plans-oracle-")
    try:
        cases = sorted(glob.glob(os.path.join(plans_dir, "*.sql")))
        for case in cases:
            name = os.path.basename(case)[:-4]
            want = expected_kind(case)
            rel, history, migration, tool = case_parts(case)
            if history is None:
                # A case of a table no history defines: there is nothing to run it on.
                print(f"-- {name}: no history, not rehearsed")
                continue
            root = os.path.join(tmp, name)
            os.makedirs(root)
            setup = os.path.join(root, "history.sql")
            with open(setup, "w") as f:
                f.write(history)
            target = os.path.join(root, "repo", rel)
            os.makedirs(os.path.dirname(target))
            with open(target, "w") as f:
                f.write(migration)
            # The project's configuration, at the top of the repository trace runs from.
            config = os.path.join(root, "repo", ".pgfence.toml")
            with open(config, "w") as f:
                f.write(f'tool = "{tool}"\n' if tool else "")
            static = analyze(pgfence, [setup], target, root, config)
            plan = static["files"][0].get("plan") if static.get("files") else None
            for s in shapes_of(plan):
                emitted.setdefault(s, f"golden {name}")
            if want is None:
                continue
            env = dict(os.environ)
            env["PATH"] = "/usr/lib/postgresql/15/bin:" + env.get("PATH", "")
            out = os.path.join(root, "trace.json")
            proc = subprocess.run([pgfence, "trace", "--plan", "--ci", "--format", "json", "--pg-version", "15",
                                   "--trace-timeout", "120", "-o", out, "--setup", setup, target],
                                  cwd=os.path.join(root, "repo"), env=env, capture_output=True, text=True, timeout=900)
            try:
                doc = json.load(open(out))
            except (OSError, json.JSONDecodeError):
                failures.append(f"{name}: trace wrote no report (exit {proc.returncode}): {proc.stderr[-400:]}")
                continue
            verdicts = [p.get("verdict") or {} for p in doc.get("plans", [])]
            got = verdicts[0].get("result") if verdicts else "none"
            if got != want:
                reason = verdicts[0].get("reason", "") if verdicts else ""
                failures.append(f"{name}: the oracle says {got}, the golden promises {want}: {reason[:300]}")
                continue
            if got == "proven":
                for s in shapes_of(plan):
                    proven_shapes.setdefault(s, name)
            print(f"ok {name}: {got}")

        # The shapes the generator emits on our own SQL: each conformance case after its schema.
        schema = os.path.join(conformance, "schema.sql")
        for path in sorted(glob.glob(os.path.join(conformance, "cases", "*.sql"))):
            text = open(path).read()
            for i, body in enumerate(re.split(r"^-- case: .*$", text, flags=re.M)[1:]):
                if re.search(r"^-- needs:", body, flags=re.M):
                    continue
                root = os.path.join(tmp, "conformance", f"{os.path.basename(path)[:-4]}_{i}")
                os.makedirs(root)
                target = os.path.join(root, "0002_case.sql")
                with open(target, "w") as f:
                    f.write(body)
                # Run by psql -f (`tool = "psql"`): every shape the generator has, steps outside a
                # transaction too, which it declines for a plain folder whose runner is not known.
                config = os.path.join(root, ".pgfence.toml")
                with open(config, "w") as f:
                    f.write('tool = "psql"\n')
                static = analyze(pgfence, [schema], target, root, config)
                for f in static.get("files", []):
                    for s in shapes_of(f.get("plan")):
                        emitted.setdefault(s, f"conformance {os.path.basename(path)} case {i + 1}")
        if corpus and os.path.isdir(corpus):
            for folder in sorted(glob.glob(os.path.join(corpus, "*"))):
                if not os.path.isdir(folder):
                    continue
                static = analyze(pgfence, [], folder, tmp)
                for f in static.get("files", []):
                    for s in shapes_of(f.get("plan")):
                        emitted.setdefault(s, "corpus " + os.path.relpath(f.get("path", ""), corpus))
        missing = sorted(s for s in emitted if s not in proven_shapes)
        for s in missing:
            failures.append(f"shape '{s}' (emitted for {emitted[s]}) has no golden case the oracle proves")
        print(f"shapes: {len(emitted)} emitted, {len(emitted) - len(missing)} proven by a golden case")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"plans oracle: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
