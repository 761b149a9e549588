#!/usr/bin/env python3
"""pgfence's CPU time against libpg_query's parse floor, on the same generated files, in one run
(the quick form of bench/run.sh, LABELS bench).

    floor_test.py --pgfence PATH --rawparse PATH [--files N] [--functions F] [--limit X]

Writes a Flyway history of N one-statement files on a growing schema (bench/history_files.py,
the shape whose cost grew with the square of the files), a few files of many statements, and a
Prisma history of F migration folders each making a PL/pgSQL function (the shape whose cost grew
with files x functions, and with a settings walk per folder: integ12 at 340d1007 takes 33 times
the floor here, and fails), then
times, alternating, `pgfence analyze --no-config --direction both --jobs 1 FILE...` (history on,
the default) and `pgfence_rawparse json FILE...` (pg_query_parse on each file, bench/rawparse.c),
each three times, and takes the least CPU time (user + system of the child, from getrusage) of
each: the run the machine's load disturbed least. Fails when pgfence's time passes X times the
floor's. X (17) is about twice the ratio of the code this test was written with (8.5 at load 13; main before
it, 46: its cost grew with the square of the files; with the function folders, 9.4 to 10.4 at
load 7), so a change that doubles pgfence's cost per file or per statement fails it.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def cpu_of(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode > 2:
        sys.exit(f"FAIL: {argv[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def many_statements(i):
    lines = [f"CREATE TABLE wide{i} (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());"]
    for k in range(100):
        lines.append(f"ALTER TABLE wide{i} ADD COLUMN c{k} integer;")
        lines.append(f"CREATE INDEX wide{i}_c{k}_idx ON wide{i} (c{k});")
        lines.append(f"UPDATE wide{i} SET c{k} = {k} WHERE id > {k} AND name <> 'x{k}';")
    return "\n".join(lines) + "\n"


def function_migration(i):
    """A Prisma migration (its own folder) making a PL/pgSQL function that calls the three before
    it: the shape whose cost grew with files x functions (issue 55: each CREATE FUNCTION read every
    earlier function's definition again, 18 s for 2,400 such folders against 1.3 s after)."""
    lines = ["CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);"] if i == 0 else []
    calls = " + ".join(f"f_{j}(x)" for j in range(max(0, i - 3), i)) or "0"
    lines.append(f"CREATE OR REPLACE FUNCTION f_{i}(x integer) RETURNS integer LANGUAGE plpgsql AS $$\n"
                 f"DECLARE total integer := 0;\nBEGIN\n  -- {'padding ' * 40}\n"
                 f"  SELECT count(*) INTO total FROM accounts WHERE balance > x;\n  RETURN total + {calls};\nEND $$;")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgfence", required=True)
    ap.add_argument("--rawparse", required=True)
    ap.add_argument("--files", type=int, default=2500)
    ap.add_argument("--functions", type=int, default=600)
    ap.add_argument("--limit", type=float, default=17.0)
    args = ap.parse_args()
    args.pgfence, args.rawparse = os.path.abspath(args.pgfence), os.path.abspath(args.rawparse)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "history_files.py"), str(args.files), tmp], check=True)
        folder = os.path.join(tmp, "db", "migration")
        names = sorted(os.listdir(folder), key=lambda n: int(n[1:].split("__")[0]))
        files = [os.path.join("db", "migration", n) for n in names]
        os.makedirs(os.path.join(tmp, "scripts"))
        for i in range(16):
            path = os.path.join("scripts", f"bulk_{i}.sql")
            with open(os.path.join(tmp, path), "w", encoding="ascii") as f:
                f.write(many_statements(i))
            files.append(path)
        for i in range(args.functions):
            path = os.path.join("prisma", "migrations", f"2024{i:06d}_fn_{i}", "migration.sql")
            os.makedirs(os.path.dirname(os.path.join(tmp, path)))
            with open(os.path.join(tmp, path), "w", encoding="ascii") as f:
                f.write(function_migration(i))
            files.append(path)
        pgfence = [args.pgfence, "analyze", "--no-config", "--direction", "both", "--jobs", "1", *files]
        floor = [args.rawparse, "json", *files]
        cpu_of(pgfence, tmp)  # warm-up: the page cache and the binaries
        cpu_of(floor, tmp)
        mine, base = [], []
        for _ in range(3):
            mine.append(cpu_of(pgfence, tmp))
            base.append(cpu_of(floor, tmp))
    best, best_floor = min(mine), max(min(base), 0.001)
    ratio = best / best_floor
    print(f"{len(files)} files: pgfence {best:.3f} s CPU (runs {', '.join(f'{t:.3f}' for t in mine)}), "
          f"pg_query_parse floor {best_floor:.3f} s (runs {', '.join(f'{t:.3f}' for t in base)}): "
          f"{ratio:.2f}x the floor, limit {args.limit}x")
    if ratio > args.limit:
        print(f"FAIL: pgfence took {ratio:.2f} times the parse floor (limit {args.limit})")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
