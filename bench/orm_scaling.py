#!/usr/bin/env python3
"""How pgfence's CPU time grows with the number of unknown statements in one ORM migration script:
N, 2N and 4N lines of each shape in a Knex or TypeORM project, `pgfence analyze --jobs 1` on the
migration file, the user+system CPU seconds and peak RSS of each run and the 4N/N ratio (linear
growth gives about 4, quadratic 16).

    bench/orm_scaling.py [--pgfence PATH] [--n N] [--shapes a,b,...]

Exits 1 when a shape's CPU time grows more than 8 times from N to 4N (runs under half a second are
not judged), 0 otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile

KNEX = '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'
TYPEORM = '{"dependencies": {"typeorm": "0.3.20"}}\n'
TYPEORM_HEAD = ('import { MigrationInterface, QueryRunner } from "typeorm";\nexport class M1700000000000 implements '
                'MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n')
TYPEORM_TAIL = "  }\n  public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n"
KNEX_HEAD, KNEX_TAIL = "exports.up = async function (knex) {\n", "};\nexports.down = async function () {};\n"

# shape: (package.json, migration file name, head, line i, tail). Every line is one unknown statement.
SHAPES = {
    "knex_reexports": (KNEX, "20240501000000_x.js", "", lambda i: 'export { up } from "../lib/x";\n', ""),
    "typeorm_reexports": (TYPEORM, "1700000000000-M.ts", "", lambda i: 'export { up } from "../lib/x";\n', ""),
    "computed_exports": (KNEX, "20240501000000_x.js", "", lambda i: f"exports[key{i}] = run;\n", ""),
    "knex_raw_variables": (KNEX, "20240501000000_x.js", KNEX_HEAD, lambda i: f"  await knex.raw(someVar{i});\n", KNEX_TAIL),
    "knex_binding_variables": (KNEX, "20240501000000_x.js", KNEX_HEAD, lambda i: f"  await knex.raw('SELECT ?', [v{i}]);\n", KNEX_TAIL),
    "typeorm_query_variables": (TYPEORM, "1700000000000-M.ts", TYPEORM_HEAD, lambda i: f"    await queryRunner.query(q{i});\n", TYPEORM_TAIL),
}


def measure(pgfence, root, name):
    """CPU seconds and peak RSS (MiB) of one analysis of root/migrations/name."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen([pgfence, "analyze", "--jobs", "1", os.path.join("migrations", name)], cwd=root, stdout=null, stderr=null)
        _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="CPU time of pgfence against the number of unknown ORM statements")
    parser.add_argument("--pgfence", default=os.path.join(here, "..", "build", "bot", "pgfence"))
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    status = 0
    print(f"{'shape':<24} {'n':>7} {'cpu_s':>7} {'peak_mb':>8}")
    for shape in args.shapes.split(","):
        package, name, head, line, tail = SHAPES[shape]
        cpu = {}
        for k in (1, 2, 4):
            n = args.n * k
            with tempfile.TemporaryDirectory() as root:
                os.mkdir(os.path.join(root, "migrations"))
                with open(os.path.join(root, "package.json"), "w") as f:
                    f.write(package)
                with open(os.path.join(root, "migrations", name), "w") as f:
                    f.write(head + "".join(line(i) for i in range(n)) + tail)
                cpu[k], rss = measure(os.path.abspath(args.pgfence), root, name)
            print(f"{shape:<24} {n:>7} {cpu[k]:>7.2f} {rss:>8}")
        ratio = cpu[4] / max(cpu[1], 0.01)
        bad = ratio > 8 and cpu[4] >= 0.5
        print(f"{shape:<24} ratio 4N/N: cpu {ratio:.1f}: {'SUPERLINEAR' if bad else 'linear'}")
        status |= bad
    return status


if __name__ == "__main__":
    sys.exit(main())
