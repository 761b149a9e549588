#!/usr/bin/env python3
"""A synthetic migration history of N small files, for bench/file_scaling.sh.

    bench/history_files.py N DIR [SETS]

Writes DIR/db/migration/V<i>__step_<i>.sql for i = 1..N (Flyway's names: the corpus's largest
set is a Flyway project), one statement each, on a schema that grows with the history: every
third file creates a table, the next adds a column to it, the next indexes that column. Each
file's report then depends on every file before it (the history replayed), as a real
repository's does. With SETS (a monorepo, or one history copied into several folders): SETS
such migration sets of N files each, DIR/s<j>/db/migration/, j = 1..SETS.
"""
import os
import sys


def statement(i: int) -> str:
    t = f"t{(i - 1) // 3}"
    kind = (i - 1) % 3
    if kind == 0:
        return f"CREATE TABLE {t} (id bigint PRIMARY KEY, a text NOT NULL);\n"
    if kind == 1:
        return f"ALTER TABLE {t} ADD COLUMN b integer;\n"
    return f"CREATE INDEX {t}_b_idx ON {t} (b);\n"


def main() -> int:
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    n, out = int(sys.argv[1]), sys.argv[2]
    sets = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    roots = [out] if sets == 0 else [os.path.join(out, f"s{j}") for j in range(1, sets + 1)]
    for root in roots:
        folder = os.path.join(root, "db", "migration")
        os.makedirs(folder, exist_ok=True)
        for i in range(1, n + 1):
            with open(os.path.join(folder, f"V{i}__step_{i}.sql"), "w", encoding="ascii") as f:
                f.write(statement(i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
