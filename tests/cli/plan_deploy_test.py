"""Plans that can deploy (issue #33), through the real binary:
- the new migrations' versions avoid every migration of the set (on disk, committed, --history),
  and a note names the files to renumber when no version is free below the next one;
- inside a git repository `analyze FILE` replays the committed rest of the set as history;
- `analyze` says a plan is composed, not rehearsed, with the `pgfence trace --plan` command
  that rehearses it (text, Markdown, the plan folder's README), and that command, run as written
  on PostgreSQL 15, rehearses the plan (skipped without /usr/lib/postgresql/15/bin);
- a Flyway plan's versions avoid those of the project's other Flyway folders (db/data/V2.1 beside
  db/main/V2: V2.0.1, not V2.1), and the plans of golang-migrate, Flyway, goose and dbmate say what a
  step that fails part-way leaves and how to resume (the DBA review dba71, problems 1 and 3).

    plan_deploy_test.py --binary build/bot/pgfence
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile

PG_BIN = "/usr/lib/postgresql/15/bin"
USERS = "SET lock_timeout = '2s';\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
NOT_NULL = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PGFENCE_", "GITHUB_"))}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "NO_COLOR": "1"})

    def run(cwd, *argv):
        proc = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        return proc.returncode, proc.stdout, proc.stderr

    with tempfile.TemporaryDirectory(prefix="pgfence-deploy-") as tmp:
        env["HOME"] = tmp
        repo = os.path.join(tmp, "app")
        mig = os.path.join(repo, "db", "migrations")
        write(os.path.join(mig, "001_users.sql"), "-- +goose Up\n" + USERS)
        run(repo, "git", "init", "-q", "-b", "main")
        run(repo, "git", "add", "-A")
        run(repo, "git", "commit", "-qm", "users")
        # Not committed, on disk only: the plan's versions must avoid it all the same.
        write(os.path.join(mig, "002_email.sql"), "-- +goose Up\n" + NOT_NULL)
        write(os.path.join(mig, "003_orders.sql"), "-- +goose Up\nSELECT 1;\n")

        code, out, err = run(repo, binary, "analyze", "--no-config", "--color", "never", "db/migrations/002_email.sql")
        check(code == 0, f"analyze exits 0 ({code}): {err}")
        check("history: 1 file" in out, "the committed 001_users.sql is replayed as history:\n" + out)
        # 003 is taken: no version is free for the plan's migrations 2 and 3, so no plan (renaming
        # a migration the repository has is not a plan).
        check("none offered: no free version between this file's (002) and the next migration's (003_orders.sql)" in out and
              "which 003_orders.sql already uses or precedes" in out, "the taken version 003 declines the plan:\n" + out)
        os.rename(os.path.join(mig, "003_orders.sql"), os.path.join(mig, "010_orders.sql"))

        code, out, err = run(repo, binary, "analyze", "--no-config", "--color", "never", "db/migrations/002_email.sql")
        command = "pgfence trace --plan --pg-version 15 db/migrations/001_users.sql db/migrations/002_email.sql"
        check(f"note: composed, not rehearsed: `{command}`" in out, "the text report names the rehearsal:\n" + out)
        check("free version" not in out, "versions 003 and 004 are free below 010_orders.sql:\n" + out)

        code, out, err = run(repo, binary, "analyze", "--no-config", "--format", "markdown", "db/migrations/002_email.sql")
        check("composed, not rehearsed" in out and "pgfence trace --plan" in out, "the Markdown report too:\n" + out)

        code, out, err = run(repo, binary, "analyze", "--no-config", "--no-history", "db/migrations/002_email.sql")
        check("history:" not in out, "--no-history replays nothing:\n" + out)

        plans = os.path.join(tmp, "plans")
        code, out, err = run(repo, binary, "analyze", "--no-config", "--format", "plan", "-o", plans,
                             "db/migrations/002_email.sql")
        check(code == 0, f"--format plan exits 0 ({code}): {err}")
        check("1 analysed clean" in out, "the plan, composed after the committed history, analyses clean:\n" + out + err)
        check(f"composed, not rehearsed: {command}" in out, "--format plan prints the rehearsal:\n" + out)
        readme = os.path.join(plans, "pgfence-plan.README.md")
        text = open(readme).read() if os.path.exists(readme) else ""
        check("not rehearsed" in text and command in text, "the plan folder's README:\n" + text)
        check(sorted(os.listdir(os.path.join(plans, "db", "migrations"))) ==
              ["002_email.sql", "003_email_2.sql", "004_email_3.sql"], "the plan's files")

        # The command as printed rehearses the plan.
        if os.path.isdir(PG_BIN):
            argv = shlex.split(command)
            argv[0] = binary
            code, out, err = run(repo, *argv)
            check(code == 0 and "plans: 1: 1 proven," in out, f"the printed command rehearses the plan ({code}):\n{out}{err}")
        else:
            print(f"note: no {PG_BIN}: the printed command was not run")

        # golang-migrate: the rehearsal command names the earlier up files, never a down file.
        gm = os.path.join(tmp, "gm", "migrations")
        write(os.path.join(gm, "000001_create_users.up.sql"), USERS)
        write(os.path.join(gm, "000001_create_users.down.sql"), "DROP TABLE users;\n")
        write(os.path.join(gm, "000002_email.up.sql"), NOT_NULL)
        write(os.path.join(gm, "000002_email.down.sql"), "SELECT 1;\n")
        code, out, err = run(os.path.join(tmp, "gm"), binary, "analyze", "--no-config", "--color", "never", "migrations")
        notes = [l for l in out.splitlines() if "composed, not rehearsed" in l]
        check(notes and "000001_create_users.up.sql" in notes[0] and ".down.sql" not in notes[0],
              f"golang-migrate's rehearsal command names no down file: {notes}")

        # A migration the mainline already has may have run on databases: no plan (its new
        # migrations would run again there and fail: outside DBA, vaultwarden and teable), unless
        # --plan-merged. The mainline is origin's default branch (merge base with HEAD): a commit
        # of the branch being worked on is not merged.
        up = os.path.join(tmp, "upstream")
        write(os.path.join(up, "db", "migrations", "001_users.sql"), "-- +goose Up\n" + USERS)
        write(os.path.join(up, "db", "migrations", "002_email.sql"), "-- +goose Up\n" + NOT_NULL)
        run(up, "git", "init", "-q", "-b", "main")
        run(up, "git", "add", "-A")
        run(up, "git", "commit", "-qm", "users and email")
        clone = os.path.join(tmp, "clone")
        run(tmp, "git", "clone", "-q", up, clone)
        run(clone, "git", "checkout", "-qb", "feature")
        write(os.path.join(clone, "db", "migrations", "010_index.sql"), "-- +goose Up\nCREATE INDEX users_email_idx ON users (email);\n")
        run(clone, "git", "add", "-A")
        run(clone, "git", "commit", "-qm", "index")
        code, out, err = run(clone, binary, "analyze", "--no-config", "--format", "plan", "-o", "plans", "db/migrations")
        check("002_email.sql: no plan offered" in out and "is in origin/HEAD already" in out,
              "the merged 002 gets no plan:\n" + out + err)
        check("010_index.sql: 1 migration for goose" in out, "the branch's own 010 is planned:\n" + out + err)
        check(not os.path.exists(os.path.join(clone, "plans", "db", "migrations", "002_email.sql")), "no file for the merged 002")
        code, out, err = run(clone, binary, "analyze", "--no-config", "--plan-merged", "--format", "plan", "-o", "plans2", "db/migrations")
        check("002_email.sql: 3 migrations for goose" in out, "--plan-merged plans it:\n" + out + err)
        # A CRLF checkout (core.autocrlf) of the merged LF file is the merged file.
        crlf = os.path.join(tmp, "crlf")
        run(tmp, "git", "-c", "core.autocrlf=true", "clone", "-q", up, crlf)
        run(crlf, "git", "config", "core.autocrlf", "true")
        text = open(os.path.join(crlf, "db", "migrations", "002_email.sql"), "rb").read()
        check(b"\r\n" in text, "the autocrlf checkout has CRLF")
        code, out, err = run(crlf, binary, "analyze", "--no-config", "--format", "plan", "-o", "plans", "db/migrations")
        check("002_email.sql: no plan offered" in out, "the CRLF checkout of the merged 002 gets no plan:\n" + out + err)
        # Without a mainline ref (no origin: a shallow CI checkout is the same) nothing is merged:
        # the repository's committed files are planned (HEAD holds a branch's own new migrations).
        code, out, err = run(up, binary, "analyze", "--no-config", "--format", "plan", "-o", os.path.join(tmp, "up-plans"), "db/migrations")
        check("002_email.sql: 3 migrations for goose" in out, "no origin: nothing is merged:\n" + out + err)
        # Changed in the working tree: not what the mainline has, so planned.
        write(os.path.join(clone, "db", "migrations", "002_email.sql"), "-- +goose Up\n" + NOT_NULL + "-- reworded\n")
        code, out, err = run(clone, binary, "analyze", "--no-config", "--format", "plan", "-o", "plans3", "db/migrations")
        check("002_email.sql: 3 migrations for goose" in out, "an edited 002 is not the merged one:\n" + out + err)

        # DROP TABLE IF EXISTS x; CREATE TABLE x where no migration made x does nothing (vaultwarden's
        # add_archives), unless the set has a migration pgfence cannot read (a goose .go file
        # could have made x: red team).
        ar = os.path.join(tmp, "ar", "m")
        write(os.path.join(ar, "00001_users.sql"), "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n")
        write(os.path.join(ar, "00003_archives.sql"),
              "-- +goose Up\nDROP TABLE IF EXISTS archives;\nCREATE TABLE archives (id bigint PRIMARY KEY);\n")
        code, out, err = run(os.path.dirname(ar), binary, "analyze", "--no-config", "--color", "never", "m")
        check("drop-table" not in out, "a DROP of a table no migration made is no drop-table:\n" + out)
        # A history file left out (over --max-file-size) may have made it: drop-table stays.
        write(os.path.join(ar, "00002_big.sql"), "-- +goose Up\nCREATE TABLE archives (id bigint);\n" + "-- padding\n" * 150000)
        code, out, err = run(os.path.dirname(ar), binary, "analyze", "--no-config", "--color", "never", "--max-file-size", "1", "m")
        check("drop-table" in out and code == 2, f"a history file left out keeps drop-table ({code}):\n" + out + err)
        os.remove(os.path.join(ar, "00002_big.sql"))
        write(os.path.join(ar, "00002_archives.go"), "package m\n")
        code, out, err = run(os.path.dirname(ar), binary, "analyze", "--no-config", "--color", "never", "m")
        check("drop-table" in out, "a .go migration may have made it: drop-table stays:\n" + out)

        # The down files of the plan's new migrations stop a revert with the reason: diesel answers
        # a down.sql of comments only with "Received an empty query" (outside DBA, vaultwarden),
        # and golang-migrate with x-multi-statement=true cuts at every ';' (one statement, none inside).
        dz = os.path.join(tmp, "dz")
        write(os.path.join(dz, "migrations", "2024-01-01-000000_users", "up.sql"), USERS)
        write(os.path.join(dz, "migrations", "2024-01-02-000000_email", "up.sql"), NOT_NULL)
        write(os.path.join(dz, "migrations", "2024-01-02-000000_email", "down.sql"), "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n")
        run(dz, binary, "analyze", "--no-config", "--format", "plan", "-o", "plans", "migrations")
        run(os.path.join(tmp, "gm"), binary, "analyze", "--no-config", "--format", "plan", "-o", "plans", "migrations")
        downs = [os.path.join(dz, "plans", "migrations", "2024-01-02-000001_email_2", "down.sql"),
                 os.path.join(tmp, "gm", "plans", "migrations", "000003_email_2.down.sql")]
        for down in downs:
            text = open(down).read() if os.path.exists(down) else ""
            check("revert it by hand" in text, f"{down}: the down file says why it stops:\n{text}")
            if down.endswith(".down.sql"):
                body = "\n".join(l for l in text.splitlines() if not l.startswith("--"))
                check(body.count(";") == 1 and body.rstrip().endswith(";"), f"golang-migrate's down is one statement: {text}")
            if os.path.isdir(PG_BIN) and text:
                undo = os.path.join(tmp, "undo.sql")
                write(undo, text)
                code, out, err = run(tmp, binary, "trace", "--pg-version", "15", undo)
                check("no automatic undo, revert it by hand" in out and "1 error" in out,
                      f"{down} stops on PostgreSQL with its reason:\n{out}{err}")

        # Prisma with a runner that also runs TypeScript data migrations (formbricks): a folder
        # holding only migration.ts is one of the set, and the runner orders it with the SQL ones
        # by name, as Prisma orders its folders: the plan's folders are named after the file's
        # (20240102000000_email_2), which sort before it, so no free version is needed (the DBA
        # review dba70: Prisma plans were declined "no free version").
        pm = os.path.join(tmp, "pm", "migration")
        write(os.path.join(pm, "20240101000000_users", "migration.sql"), USERS)
        write(os.path.join(pm, "20240102000000_email", "migration.sql"), NOT_NULL)
        write(os.path.join(pm, "20240102000001_backfill", "migration.ts"), "export const m = 1;\n")
        code, out, err = run(os.path.join(tmp, "pm"), binary, "analyze", "--no-config", "--color", "never", "--format", "plan",
                             "-o", os.path.join(tmp, "pm-plans"), "migration")
        check("no free version" not in out and "20240102000000_email_2" in out and "sorts between" not in out,
              "the plan's folders are named after the file's, before the TypeScript-only folder:\n" + out + err)

        # A README, a script or a folder of tools beside the migrations is no later migration: the
        # rename's view-in-place plan was declined because README.md "comes after this file".
        rn = os.path.join(tmp, "rn", "db")
        write(os.path.join(rn, "001_users.sql"), "-- +goose Up\n" + USERS)
        write(os.path.join(rn, "002_rename.sql"), "-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE users RENAME COLUMN email TO mail;\n")
        write(os.path.join(rn, "README.md"), "# migrations\n")
        write(os.path.join(rn, "scripts", "run.sh"), "goose up\n")
        code, out, err = run(os.path.join(tmp, "rn"), binary, "analyze", "--no-config", "--color", "never", "db")
        check("comes after this file" not in out and "plan: 2 migrations for goose" in out,
              "files that are not migrations do not stop the plan:\n" + out + err)

        # TypeORM's default migrationsTransactionMode ("all") runs every pending migration in one
        # transaction: the plan's migrations commit one by one only with "each", and it says so.
        to = os.path.join(tmp, "to")
        write(os.path.join(to, "schema.sql"), 'CREATE TABLE "user" (id int PRIMARY KEY);\nCREATE TABLE post (id int PRIMARY KEY);\n')
        write(os.path.join(to, "src", "migrations", "1700000000000-AddAge.ts"),
              'import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
              'export class AddAge1700000000000 implements MigrationInterface {\n'
              '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
              '        await queryRunner.query(`ALTER TABLE "user" ADD COLUMN "age" integer`);\n'
              '        await queryRunner.query(`ALTER TABLE "post" ADD COLUMN "score" integer`);\n'
              '    }\n    public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n')
        code, out, err = run(to, binary, "analyze", "--no-config", "--color", "never", "--schema", "schema.sql", "src/migrations")
        check("plan: 2 migrations for typeorm" in out and 'set migrationsTransactionMode to "each"' in out,
              "a TypeORM plan of several migrations names migrationsTransactionMode:\n" + out + err)

        # TypeORM orders migrations by parseInt of the class name's last 13 characters
        # (MigrationExecutor.getMigrations): each step's class ends in a millisecond timestamp
        # after the file's and before the next migration's (newcomer nw71 N2: AddFkStep117000001000002
        # read as 7000001000002, the year 2191, so a later migration ran before the steps).
        write(os.path.join(to, "src", "migrations", "1700000000005-Later.ts"),
              'import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
              'export class Later1700000000005 implements MigrationInterface {\n'
              '    public async up(queryRunner: QueryRunner): Promise<void> {}\n'
              '    public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n')
        plans = os.path.join(tmp, "to-plans")
        code, out, err = run(to, binary, "analyze", "--no-config", "--color", "never", "--schema", "schema.sql", "--format", "plan",
                             "-o", plans, "src/migrations")
        stamps = []
        for root, _, files in os.walk(plans):
            for name in files:
                if name.endswith(".ts"):
                    with open(os.path.join(root, name)) as f:
                        for line in f:
                            if line.startswith("export class "):
                                cls = line.split()[2]
                                stamps.append((name, cls, int(cls[-13:])))
        stamps.sort()
        check(len(stamps) == 2, "two TypeORM migrations in the plan:\n" + repr(stamps) + out + err)
        check([s[2] for s in stamps] == [1700000000000, 1700000000001],
              "each class name ends in its own 13-digit timestamp, after the file's: " + repr(stamps))
        check(all(s[0].startswith(str(s[2])) for s in stamps), "each file is named by its class's timestamp: " + repr(stamps))
        check(all(s[2] < 1700000000005 for s in stamps), "before the next migration's timestamp: " + repr(stamps))
        # The plan's down halves (newcomer nw71 N5): a script's plan says its down() functions are
        # empty; a golang-migrate plan names the original's .down.sql, which still undoes it all.
        check("migrations 1 and 2 of the plan have empty down() functions" in out, "a TypeORM plan says which downs are empty:\n" + out + err)
        gm = os.path.join(tmp, "gm", "migrations")
        write(os.path.join(gm, "000001_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n")
        write(os.path.join(gm, "000001_users.down.sql"), "DROP TABLE users;\n")
        write(os.path.join(gm, "000002_users_idx.up.sql"), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\n"
              "CREATE INDEX users_email_idx ON users (email);\n")
        write(os.path.join(gm, "000002_users_idx.down.sql"), "DROP INDEX users_email_idx;\nALTER TABLE users DROP COLUMN note;\n")
        code, out, err = run(os.path.join(tmp, "gm"), binary, "analyze", "--no-config", "--color", "never", "migrations")
        check("000002_users_idx.down.sql still undoes the whole original file" in out,
              "a golang-migrate plan names the original's down file:\n" + out + err)

        # Flyway loads all its locations as one set ordered by version, and two migrations of one
        # version stop it ("Found more than one migration with version 2.1"): a plan's versions
        # avoid those of the project's other folders of Flyway files (the DBA review dba71:
        # conductor's V18 plan took 18.1, which its data location's V18.1__index_backfill has).
        for layout, top in (("maven", os.path.join("src", "main", "resources", "db")), ("plain", "db")):
            fw = os.path.join(tmp, "fw-" + layout)
            write(os.path.join(fw, top, "main", "V1__init.sql"), "CREATE TABLE t (id int);\n")
            write(os.path.join(fw, top, "main", "V2__add.sql"), "ALTER TABLE t ADD COLUMN c int;\nCREATE INDEX t_c ON t (c);\n")
            write(os.path.join(fw, top, "data", "V2.1__backfill.sql"), "UPDATE t SET c = id;\n")
            write(os.path.join(fw, "src", "main", "java", "x", "C.java"),
                  'class C { void f() { config.locations("classpath:db/main", "classpath:db/data"); } }\n')
            for given in ([os.path.join(top, "main")], [os.path.join(top, "main"), os.path.join(top, "data")]):
                out_dir = os.path.join(tmp, "fw-plans-" + layout + str(len(given)))
                code, out, err = run(fw, binary, "analyze", "--no-config", "--color", "never", "--format", "plan", "-o", out_dir, *given)
                names = sorted(os.listdir(os.path.join(out_dir, top, "main"))) if os.path.isdir(os.path.join(out_dir, top, "main")) else []
                check("V2.1__add_2.sql" not in names and "V2.0.1__add_2.sql" in names,
                      f"{layout} {given}: the plan's second migration avoids data/V2.1: {names}\n{out}{err}")
                check("data/V2.1__backfill.sql, in a folder Flyway may load with this one, already has that version" in out,
                      f"{layout} {given}: a note names the other location's file:\n{out}{err}")
                # The step outside a transaction (CIC) that fails is recorded as failed by Flyway.
                check("`flyway repair`" in out, f"{layout} {given}: the Flyway plan says a failed CIC needs `flyway repair`:\n{out}{err}")

        # `trace` given two Flyway folders runs them merged by version, as one Flyway migrate does
        # (db/data's V2 adds the column db/main's V3 names), not one folder after the other.
        if os.path.isdir(PG_BIN):
            tr = os.path.join(tmp, "fw-trace")
            write(os.path.join(tr, "db", "main", "V1__t.sql"), "CREATE TABLE t (id int);\n")
            write(os.path.join(tr, "db", "main", "V3__note.sql"), "COMMENT ON COLUMN t.c IS 'x';\n")
            write(os.path.join(tr, "db", "data", "V2__c.sql"), "ALTER TABLE t ADD COLUMN c int;\n")
            code, out, err = run(tr, binary, "trace", "--pg-version", "15", "--pg-bin", PG_BIN, "db/main", "db/data")
            check(" 0 error" in out and out.find("V2__c.sql") < out.find("V3__note.sql"),
                  f"trace runs the two Flyway folders merged by version ({code}):\n{out}{err}")

        # What a step that fails part-way leaves behind, per tool (the DBA review dba71, problem 3):
        # golang-migrate's dirty version, goose's and dbmate's file run again from its start.
        idx = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
        add = "ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_email_idx ON users (email);\n"
        cases = {
            "gm": ({"000001_users.up.sql": idx, "000001_users.down.sql": "DROP TABLE users;\n",
                    "000002_idx.up.sql": add, "000002_idx.down.sql": "SELECT 1;\n"}, "`migrate force <the version before it>`"),
            "goose": ({"001_users.sql": "-- +goose Up\n" + idx, "002_idx.sql": "-- +goose Up\n" + add},
                      "the next `goose up` runs the whole file again"),
            "dbmate": ({"20240101000000_users.sql": "-- migrate:up\n" + idx + "-- migrate:down\n",
                        "20240102000000_idx.sql": "-- migrate:up\n" + add + "-- migrate:down\n"},
                       "the next `dbmate up` runs the whole file again"),
        }
        for tool, (files, said) in cases.items():
            folder = os.path.join(tmp, "fail-" + tool)
            for name, text in files.items():
                write(os.path.join(folder, "db", "migrations", name), text)
            code, out, err = run(folder, binary, "analyze", "--no-config", "--color", "never", "--format", "plan", "-o", "plans", "db/migrations")
            check(said in out, f"{tool}: the plan says what a failed step leaves and how to resume ({said}):\n{out}{err}")

    for f in failures:
        print("FAIL:", f)
    print(f"{'FAILED' if failures else 'ok'}: plan_deploy")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
