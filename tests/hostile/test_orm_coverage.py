"""Issue #53 item 1 "Every call an ORM script makes is read or counted as unknown": TypeORM, Knex,
Sequelize and db-migrate migrations that reach the database through computed keys, .call/.apply/
.bind, destructuring, aliases, this.x, helpers of the file (a function, a method of the class or of
its base class), imported helpers (followed inside the repository, never through a link) and the ORMs' data APIs (clearTable, del(), truncate(), update(),
bulkDelete). On the real binary, in a real git repository: `pgfence analyze --ci --unknown block
--max-risk low` and `pgfence pr` (against the GitHub double) never say "0 unknown" nor pass, and
every hidden DROP/TRUNCATE/DELETE is a finding at its own line.

    test_orm_coverage.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

# Each migration marks the lines that must carry a finding with "// expect: RULE[|RULE...]".
TYPEORM = """import { MigrationInterface, QueryRunner } from 'typeorm'
import { cleanupHelper } from './helpers'

abstract class BaseMigration {
    protected async dropLegacy(runner: QueryRunner): Promise<void> {
        await runner.query('DROP TABLE legacy_sessions') // expect: drop-table
    }
}

async function purge(qr: QueryRunner, table: string) {
    await qr.query('TRUNCATE audit_log CASCADE') // expect: truncate-cascade
}

export class Hidden1700000000002 extends BaseMigration implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner["query"]("DROP TABLE users CASCADE") // expect: drop-table
        await queryRunner.query.call(queryRunner, "TRUNCATE orders CASCADE") // expect: truncate-cascade
        await queryRunner.query.apply(queryRunner, ["DROP TABLE payments"]) // expect: drop-table
        const run = queryRunner.query.bind(queryRunner)
        await run("DROP TABLE invoices") // expect: drop-table
        const { query } = queryRunner
        await query("DROP TABLE carts") // expect: drop-table
        this.runner = queryRunner
        await this.cleanup()
        await this.dropLegacy(queryRunner)
        await purge(queryRunner, 'x')
        await cleanupHelper(queryRunner) // expect: unknown-statement
        await queryRunner.clearTable("sessions") // expect: truncate
        await queryRunner.manager.clear(User) // expect: unknown-statement
        await queryRunner[process.env.METHOD]("DROP TABLE secrets") // expect: unknown-statement
    }

    private async cleanup(): Promise<void> {
        await this.runner.query("DROP TABLE temp_uploads") // expect: drop-table
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

KNEX = """const { wipe } = require('../lib/wipe');

async function dropOld(k) {
  await k.schema.dropTable('old_things'); // expect: drop-table
}

exports.up = async function (knex) {
  await knex('users').del(); // expect: delete-without-where
  await knex('sessions').where('expired', true).del();
  await knex('orders').truncate(); // expect: truncate
  await knex('accounts').update({ plan: 'free' }); // expect: update-without-where
  await knex['raw']('DROP TABLE carts'); // expect: drop-table
  await knex.raw.call(knex, 'TRUNCATE payments CASCADE'); // expect: truncate-cascade
  const qb = knex('invoices');
  await qb.del(); // expect: delete-without-where
  await dropOld(knex);
  await wipe(knex); // expect: unknown-statement
  await knex.transaction(async (trx) => {
    await trx('coupons').truncate(); // expect: truncate
  });
};

exports.down = async function () {};
"""

SEQUELIZE = """'use strict';

async function drop(qi, name) {
  await qi.dropTable(name); // expect: drop-table
}

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface['dropTable']('users'); // expect: drop-table
    await queryInterface.sequelize['query']('TRUNCATE orders CASCADE'); // expect: truncate-cascade
    await drop(queryInterface, 'carts');
    const { sequelize } = queryInterface;
    await sequelize.query('DROP TABLE invoices'); // expect: drop-table
    await this.helper(queryInterface);
    await queryInterface.someNewApi('x'); // expect: unknown-statement
  },

  async helper(qi) {
    await qi.sequelize.query('DROP TABLE coupons'); // expect: drop-table
  },

  async down() {},
};
"""

DB_MIGRATE = """'use strict';

function helper(d) {
  return d.runSql('DROP TABLE coupons'); // expect: drop-table
}

exports.up = function (db, callback) {
  db['runSql']('DROP TABLE users', callback); // expect: drop-table
  db.runSql.call(db, 'TRUNCATE orders CASCADE'); // expect: truncate-cascade
  const run = db.runSql.bind(db);
  run('DROP TABLE carts'); // expect: drop-table
  helper(db);
  return db.someOther('x'); // expect: unknown-statement
};

exports.down = function (db) {
  return null;
};
"""

MIGRATIONS = {
    "typeorm": ("src/migrations/1700000000002-Hidden.ts", TYPEORM),
    "knex": ("migrations/20240101000000_hidden.js", KNEX),
    "sequelize": ("migrations/20240101000000-hidden.js", SEQUELIZE),
    "db_migrate": ("migrations/20240101000000-hidden.js", DB_MIGRATE),
}


def expected(text):
    """{line: {rules}} from the "// expect:" marks."""
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        if "// expect: " in line:
            out[number] = set(line.split("// expect: ", 1)[1].split("|"))
    return out


def pull_request(s, path, text, base_files=None):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "README.md"), "app\n")
    for other, content in (base_files or {}).items():
        write(os.path.join(s.repo, other), content)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def check_findings(where, findings, text):
    got = {}
    for f in findings:
        got.setdefault(f["start"]["line"], set()).add(f["rule"])
    for line, rules in expected(text).items():
        check(got.get(line, set()) & rules, f"{where}: line {line} ({text.splitlines()[line - 1].strip()}) "
                                            f"wants {sorted(rules)}, has {sorted(got.get(line, set()))}")


def run(s, orm):
    path, text = MIGRATIONS[orm]
    gate_pull_request(s, path, text)


def gate_pull_request(s, path, text, base_files=None, unknown=True):
    """The pull request adding `path` through `analyze --ci` and `pr`: both fail, report unknowns
    (unless `unknown` is False: a script read in full, whose findings fail the gate), and every
    "// expect:" line carries its finding (also used by test_orm_escapes.py). Returns analyze's
    JSON report."""
    pull_request(s, path, text, base_files)
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", path], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    check(analyze.returncode == 1, f"analyze --ci --unknown block exits 1: {analyze.returncode}\n{analyze.stderr}")
    report = json.loads(analyze.stdout)
    check(not unknown or report["summary"]["unknown"] > 0, f"the not-followed uses are unknown: {report['summary']}")
    # The script is read; other files the project's settings put in the run (analyze adds the
    # folders they name) are read too, or skipped as no migration (a barrel module).
    check(report["files"] and all((not f["skipped"] and f["statements"]) or (f["path"] != path and f["skip_reason"])
                                  for f in report["files"]) and path in [f["path"] for f in report["files"]],
          f"the script is read, not skipped: {report['files']}")
    check_findings("analyze", [f for file in report["files"] for f in file["findings"]], text)
    as_text = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, path], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    check(as_text.returncode == 1 and (not unknown or (" 0 unknown" not in as_text.stdout and "(0 unknown)" not in as_text.stdout)),
          f"the text report does not say 0 unknown:\n{as_text.stdout[-600:]}")

    s.start_double()
    proc = s.run_pr(*gate, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    findings = [{"rule": r["ruleId"], "start": {"line": r["locations"][0]["physicalLocation"]["region"]["startLine"]}}
                for r in sarif["runs"][0]["results"]]
    check_findings("pr", findings, text)
    comment = "\n".join(c["body"] for c in s.comments())
    check(not unknown or ("unknown-statement" in comment and "0 unknown" not in comment),
          f"the comment reports the unknowns:\n{comment[:1500]}")
    creates = s.requests("checks/create")
    check(len(creates) == 1 and creates[0]["body"].get("conclusion") == "failure",
          f"the check run fails: {[c['body'].get('conclusion') for c in creates]}")
    notes = creates[0]["body"]["output"]["annotations"]
    check(not unknown or any("unknown-statement" in (n.get("title", "") + n.get("message", "")) for n in notes),
          f"an annotation reports the unknown: {[n.get('title') for n in notes]}")
    return report


IMPORTING = """import { MigrationInterface, QueryRunner } from 'typeorm'
import { cleanupHelper } from './helpers'
import * as lib from '../lib/purge'
import linked from './linked'
import outside from '../../../outside'

export class Imports1700000000004 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await cleanupHelper(queryRunner) // expect: drop-table
        await lib.purge(queryRunner) // expect: truncate-cascade
        await linked(queryRunner) // expect: unknown-statement
        await outside(queryRunner) // expect: unknown-statement
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
HELPERS = """import { QueryRunner } from 'typeorm'

export async function cleanupHelper(qr: QueryRunner) {
    await qr.query('DROP TABLE users')
}
"""
PURGE = "export async function purge(runner) {\n  await runner.query('TRUNCATE orders CASCADE')\n}\n"
LINKED = "export default async function linked(qr) {\n  await qr.query('DROP TABLE secrets')\n}\n"


def imports(s):
    """Helpers the migration imports: followed in their files when those lie inside the repository
    (their statements reported at the call), unknown when the import leaves it or goes through a
    symbolic link, whose target pgfence never reads."""
    path = "src/migrations/1700000000004-Imports.ts"
    pull_request(s, path, IMPORTING, {"src/migrations/helpers.ts": HELPERS, "src/lib/purge.ts": PURGE})
    outside = os.path.join(s.tmp, "linked_target.ts")
    write(outside, LINKED)
    os.symlink(outside, os.path.join(s.repo, "src/migrations/linked.ts"))
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", path], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    check(analyze.returncode == 1, f"analyze exits 1: {analyze.returncode}\n{analyze.stderr}")
    report = json.loads(analyze.stdout)
    check_findings("analyze", [f for file in report["files"] for f in file["findings"]], IMPORTING)
    sql = [st.get("sql", "") for file in report["files"] for st in file["statements"]]
    check(not any("secrets" in q for q in sql), f"the linked file was not read: {sql}")
    notes = " ".join(n for file in report["files"] for st in file["statements"] for n in st.get("notes", []))
    check("inside cleanupHelper() of helpers.ts" in notes, f"the statement says where it comes from: {notes[:600]}")


SCENARIOS = {orm: (lambda s, orm=orm: run(s, orm)) for orm in MIGRATIONS}
SCENARIOS["imports"] = imports

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
