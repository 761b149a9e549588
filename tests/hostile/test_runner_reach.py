"""SQL files a deploy runs through a runner pgfence must read (issue #53, red team R68 B9, B10, B12):
psql command lines in scripts that are not shell command files (a #! script without an extension,
Rake, Capistrano, Fabric, subprocess argv lists, Ansible's postgresql_script), a psql run over a
folder (a `for` loop's glob, find -exec, cat ... | psql), and the other clients that run a file's SQL
(prisma db execute, heroku pg:psql, manage.py dbshell, rails dbconsole, usql) or compute DDL from a
desired-state file (psqldef, atlas schema apply, dbmate load). In each scenario the base branch
holds the runner, unchanged, and the pull request edits or adds only the SQL file: the file is
analysed (its DROP TABLE found), or, where pgfence cannot read what runs, unknown at line 1.

    test_runner_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import gated, pr_findings  # noqa: E402

INIT = {"db/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"}
DROP = "DROP TABLE users;\n"


def edits(files):
    """Base: `files` (the runners) and scripts/sN.sql = SELECT 1 for each N named; the pull request
    makes each scripts/sN.sql a DROP TABLE."""
    base = dict(INIT)
    base.update(files)
    sql = sorted({m for text in files.values() for m in re.findall(r"scripts/s[0-9]+\.sql", text)})
    for f in sql:
        base[f] = "SELECT 1;\n"
    return base, {f: DROP for f in sql}, sql


def script_runners(s):
    """Red team R68 B12: psql -f in a #! script without an extension, a Rakefile and a .rake task
    (`sh "psql ..."`, with Ruby's #{...}), Capistrano's config/deploy.rb (`execute "..."`), a
    fabfile (`c.run("...")`), a Python subprocess argv list and an Ansible postgresql_script task.
    Each SQL file the pull request edits is analysed."""
    base, head, sql = edits({
        "tools/post-deploy": '#!/usr/bin/env bash\nset -e\npsql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f scripts/s1.sql\n',
        "Rakefile": 'namespace :db do\n  task :post do\n    sh "psql #{ENV[\'DATABASE_URL\']} -v ON_ERROR_STOP=1 -f scripts/s2.sql"\n  end\nend\n',
        "lib/tasks/db.rake": 'namespace :db do\n  task :post2 do\n    sh "psql $DATABASE_URL -v ON_ERROR_STOP=1 -f scripts/s3.sql"\n  end\nend\n',
        "config/deploy.rb": ('namespace :deploy do\n  task :post_sql do\n    on roles(:db) do\n'
                             '      execute "psql $DATABASE_URL -v ON_ERROR_STOP=1 -f scripts/s4.sql"\n    end\n  end\nend\n'),
        "fabfile.py": 'from fabric import task\n@task\ndef post(c):\n    c.run("psql $DATABASE_URL -v ON_ERROR_STOP=1 -f scripts/s5.sql")\n',
        "tools/post_deploy.py": ('import subprocess\nsubprocess.run(\n    ["psql", "-v", "ON_ERROR_STOP=1",\n     "-f", "scripts/s6.sql"],\n'
                                 '    check=True)\n'),
        "ansible/deploy.yml": ("- hosts: db\n  tasks:\n    - name: post deploy sql\n      community.postgresql.postgresql_script:\n"
                               "        db: app\n        path: scripts/s7.sql\n"),
    })
    check(len(sql) == 7, f"seven SQL files: {sql}")
    gated(s, base, head, {(f, "drop-table", 1) for f in sql}, analyze=False)


def folder_runners(s):
    """Red team R68 B9 and B10's addendum: an unchanged deploy script runs psql over a folder (a
    `for` loop over a glob, find -exec with its -name, cat of a glob piped into psql) and pipes one
    fixed file into psql inside a container. The pull request adds a file to each folder and edits
    the piped file: each is analysed, as the files the runner runs."""
    base = dict(INIT)
    base.update({
        "scripts/deploy.sh": ("#!/bin/sh\nset -e\nfor f in db/patches/*.sql; do\n  psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f \"$f\"\ndone\n"
                              "find db/fixes -name '*.sql' -exec psql \"$DATABASE_URL\" -f {} \\;\n"
                              "cat db/seeds/*.sql | psql \"$DATABASE_URL\"\n"
                              "cat db/post.sql | docker exec -i db psql -U app app\n"),
        "db/patches/readme_check.sql": "SELECT 1;\n",
        "db/fixes/a.sql": "SELECT 1;\n",
        "db/seeds/a.sql": "SELECT 1;\n",
        "db/post.sql": "SELECT 1;\n",
    })
    head = {"db/patches/cleanup.sql": DROP, "db/fixes/2024/cleanup.sql": DROP, "db/seeds/cleanup.sql": DROP, "db/post.sql": DROP}
    gated(s, base, head, {(f, "drop-table", 1) for f in head}, analyze=False)


def computed_runner(s):
    """Red team R68 B9: a psql run whose file the line computes (`-f "$(ls ... | tail -1)"`, a loop
    over a command's output) cannot be resolved: every .sql file the pull request adds or changes,
    wherever it is, is unknown at line 1 (no longer only a note)."""
    base = dict(INIT)
    base["scripts/deploy.sh"] = ("#!/bin/sh\nset -e\npsql \"$DATABASE_URL\" -f \"$(ls -t ops/*.sql | head -1)\"\n"
                                 "for f in $(cat ops/list); do psql -f \"$f\"; done\n")
    gated(s, base, {"ops/2024/cleanup.sql": "SELECT 1;\n"}, {("ops/2024/cleanup.sql", "unknown-statement", 1)}, analyze=False)


def other_clients(s):
    """Red team R68 B10: prisma db execute --file, heroku pg:psql -f, manage.py dbshell < F, rails
    dbconsole < F and usql -f run the file's SQL (analysed); psqldef --file, atlas schema apply --to
    file:// and dbmate load compute DDL from the desired-state file (unknown at line 1)."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: npx prisma db execute --file scripts/s1.sql --schema prisma/schema.prisma\n"
                "      - run: heroku pg:psql -a myapp -f scripts/s2.sql\n"
                "      - run: python manage.py dbshell < scripts/s3.sql\n"
                "      - run: bin/rails dbconsole -p < scripts/s4.sql\n"
                "      - run: usql \"$DATABASE_URL\" -f scripts/s5.sql\n"
                "      - run: psqldef -U app app --enable-drop --file scripts/s6.sql\n"
                "      - run: atlas schema apply -u \"$DATABASE_URL\" --to file://scripts/s7.sql --auto-approve\n"
                "      - run: dbmate --schema-file scripts/s8.sql load\n")
    base, head, sql = edits({".github/workflows/deploy.yml": workflow})
    check(len(sql) == 8, f"eight SQL files: {sql}")
    expected = {(f, "drop-table", 1) for f in sql[:5]} | {(f, "unknown-statement", 1) for f in sql[5:]}
    gated(s, base, head, expected, analyze=False)


def plain_scripts_control(s):
    """Python and Ruby files that only mention psql in a message, and a #! script that runs a
    read-only psql -c, give nothing: the pull request that edits an unrelated .sql file under docs/
    passes."""
    base = dict(INIT)
    base.update({"app/main.py": 'print("install psql first")\n', "lib/x.rb": "puts 'psql is needed'\n",
                 "bin/wait-db": "#!/bin/sh\nuntil psql \"$DATABASE_URL\" -c 'SELECT 1'; do sleep 1; done\n",
                 "docs/example.sql": "SELECT 1;\n"})
    from test_tool_reach import repository
    repository(s, base, {"docs/example.sql": "SELECT 2;\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(not pr_findings(s), f"no findings: {pr_findings(s)}")


def many_fixed_runs(s):
    """Red team R69 C12: a post-deploy script with 40 fixed `psql -f` lines names more files than
    pgfence follows from one file (64 entries, two each here): the pull request edits the 40th,
    which is past the cap, and it is unknown at line 1, never only a note."""
    lines = "".join(f'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f scripts/s{i}.sql\n' for i in range(1, 41))
    base, _, sql = edits({"tools/post-deploy.sh": "#!/bin/sh\nset -e\n" + lines})
    check(len(sql) == 40, f"forty SQL files: {len(sql)}")
    gated(s, base, {"scripts/s40.sql": DROP}, {("scripts/s40.sql", "unknown-statement", 1)}, analyze=False)


def not_unknown(s, paths):
    """None of `paths` is among the pull request's findings."""
    found = pr_findings(s)
    for p in paths:
        check(not any(f[0] == p for f in found), f"{p} is not reported: {sorted(found)}")


def computed_any_name(s):
    """Red team R69 C3: `for f in $(cat db/patches/ORDER)` runs `psql -f "db/patches/$f"`; psql runs
    a file of any name, so a .psql file the pull request adds under db/patches is unknown at line 1
    (not only .sql files); a file outside the folder the line spells, and documentation, are not."""
    base = dict(INIT)
    base.update({
        "scripts/post-deploy.sh": ('#!/bin/sh\nset -e\nfor f in $(cat db/patches/ORDER); do\n'
                                   '  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f "db/patches/$f"\ndone\n'),
        "db/patches/001_check.psql": "SELECT 1;\n", "db/patches/ORDER": "001_check.psql\n",
        "app/notes.psql": "SELECT 1;\n", "docs/ops.md": "# ops\n",
    })
    head = {"db/patches/002_cleanup.psql": DROP, "db/patches/ORDER": "001_check.psql\n002_cleanup.psql\n",
            "app/notes.psql": "SELECT 2;\n", "docs/ops.md": "# ops\nmore\n"}
    gated(s, base, head, {("db/patches/002_cleanup.psql", "unknown-statement", 1), ("db/patches/ORDER", "unknown-statement", 1)},
          analyze=False)
    not_unknown(s, ["app/notes.psql", "docs/ops.md"])


def computed_no_folder(s):
    """Red team R69 C3: `ls ops | while read f; do psql -f "$f"; done` spells no folder: any file the
    pull request adds or changes but documentation may be the one psql runs (a .pgsql one here)."""
    base = dict(INIT)
    base.update({"scripts/post-deploy.sh": '#!/bin/sh\nset -e\nls ops | while read f; do psql "$DATABASE_URL" -f "$f"; done\n',
                 "docs/ops.md": "# ops\n"})
    base.update({"Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci; npm run build\n", "scripts/build.sh": "#!/bin/sh\nset -e\nnpm ci\n",
                 "seed/users.csv": "id,email\n1,a@example.com\n", ".env.example": "PORT=3000\n"})
    # Which file psql runs is known only by its text (red team R71 F1 and N1): SQL under any name
    # (.yaml, .md) may be it; a Dockerfile, a shell script, a CSV or an .env file psql would not run.
    head = {"ops/cleanup.pgsql": DROP, "docs/ops.md": "# ops\nmore\n", "ops/purge.yaml": DROP, "ops/wipe.md": DROP,
            "Dockerfile": "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci; npm run build\n",
            "scripts/build.sh": "#!/bin/sh\nset -e\nnpm ci; echo built\n", "seed/users.csv": "id,email\n1,b@example.com\n",
            ".env.example": "PORT=3001\n"}
    gated(s, base, head, {("ops/cleanup.pgsql", "unknown-statement", 1), ("ops/purge.yaml", "unknown-statement", 1),
                          ("ops/wipe.md", "unknown-statement", 1)}, analyze=False)
    not_unknown(s, ["docs/ops.md", "Dockerfile", "scripts/build.sh", "seed/users.csv", ".env.example"])


def ansible_capistrano(s):
    """Red team R69 C4: Ansible's shell and command modules running psql (with `args: chdir:`),
    postgresql_db `state: restore` of a target, Capistrano's SSHKit `execute :psql, ..., "-f", F`
    and Ruby's %x(...) run the SQL file: each is analysed. A file named by an absolute path that
    ends in a repository path is that file; one that does not makes each file of its name unknown."""
    base, head, sql = edits({
        "ansible/deploy.yml": ("- hosts: db\n  tasks:\n    - name: apply patch\n"
                               "      ansible.builtin.shell: psql app -v ON_ERROR_STOP=1 -f scripts/s1.sql\n"
                               "      args:\n        chdir: /srv/app\n"
                               "    - name: load patch\n      community.postgresql.postgresql_db:\n        name: app\n"
                               "        target: scripts/s2.sql\n        state: restore\n"
                               "    - name: absolute\n      ansible.builtin.command: psql app -f /srv/app/scripts/s5.sql\n"
                               "    - name: elsewhere\n      ansible.builtin.command: psql app -f /opt/sql/s6.sql\n"),
        "config/deploy.rb": ('namespace :db do\n  task :patch do\n    on roles(:db) do\n      within release_path do\n'
                             '        execute :psql, "$DATABASE_URL", "-v", "ON_ERROR_STOP=1", "-f", "scripts/s3.sql"\n'
                             '      end\n    end\n  end\nend\n'),
        "lib/tasks/patch.rake": "task :patch do\n  %x(psql $DATABASE_URL -v ON_ERROR_STOP=1 -f scripts/s4.sql)\nend\n",
    })
    check(len(sql) == 5, f"five SQL files: {sql}")
    base["scripts/s6.sql"] = "SELECT 1;\n"
    head["scripts/s6.sql"] = DROP
    expected = {(f, "drop-table", 1) for f in sql} | {("scripts/s6.sql", "unknown-statement", 1)}
    gated(s, base, head, expected, analyze=False)


def desired_state_clients(s):
    """Red team R69 C5: atlas schema apply with an HCL desired state (`-u` before `--to`),
    pg-schema-diff apply --schema-dir, and Django's `dbshell -- -f F` (psql's own -f). The pull
    request edits only the files: the desired-state ones are unknown at line 1, F is analysed."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: atlas schema apply -u \"$DATABASE_URL\" --to file://db/schema.pg.hcl --auto-approve\n"
                "      - run: pg-schema-diff apply --dsn \"$DATABASE_URL\" --schema-dir db/desired --allow-hazards DELETES_DATA\n"
                "      - run: python manage.py dbshell -- -v ON_ERROR_STOP=1 -f scripts/s1.sql\n")
    base, head, sql = edits({".github/workflows/deploy.yml": workflow})
    table = 'table "orders" {\n  schema = schema.public\n  column "id" { type = bigint }\n}\n'
    base.update({"db/schema.pg.hcl": 'schema "public" {}\n' + table,
                 "db/desired/tables.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE invoices (id bigint PRIMARY KEY);\n"})
    head.update({"db/schema.pg.hcl": 'schema "public" {}\n', "db/desired/tables.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY);\n"})
    gated(s, base, head, {("scripts/s1.sql", "drop-table", 1), ("db/schema.pg.hcl", "unknown-statement", 1),
                          ("db/desired/tables.sql", "unknown-statement", 1)}, analyze=False)


def psql_cd(s):
    r"""Red team R69 C9: `\cd db/lib` then `\i cleanup.sql` runs db/lib/cleanup.sql, which the pull
    request edits: analysed. An include of a file the tree does not hold at the path pgfence
    resolves (psql runs from another folder) makes a file of that name the pull request edits
    unknown at line 1."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/deploy.sql\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/main.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow,
                 "db/deploy.sql": "\\cd db/lib\n\\i cleanup.sql\n", "db/lib/cleanup.sql": "SELECT 1;\n",
                 "db/main.sql": "\\i tables/orders.sql\n", "db/tables/orders.sql": "SELECT 1;\n"})
    head = {"db/lib/cleanup.sql": DROP, "db/tables/orders.sql": DROP}
    gated(s, base, head, {("db/lib/cleanup.sql", "drop-table", 1), ("db/tables/orders.sql", "unknown-statement", 1)}, analyze=False)


def psql_cd_in_include(s):
    r"""Red team R71 F10: psql's `\cd` is the process's chdir, so one in an included file holds for
    the rest of the run. db/deploy.sql includes db/setup.sql (`\cd db/lib`), then `\i cleanup.sql`
    reads db/lib/cleanup.sql, not the top's cleanup.sql; its `\ir extra.sql` joins the name psql
    holds for db/deploy.sql (db/extra.sql) and opens it from db/lib: db/lib/db/extra.sql (real psql
    15 ran both). db/main.sql includes db/env.sql, whose `\cd :target` pgfence cannot resolve: its
    later `\i tables.sql` may be any tables.sql. The pull request edits only the files psql runs."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/deploy.sql\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -v target=db/x -f db/main.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow,
                 "db/deploy.sql": "\\i db/setup.sql\n\\i cleanup.sql\n\\ir extra.sql\n",
                 "db/setup.sql": "\\set ON_ERROR_STOP on\n\\cd db/lib\n",
                 "cleanup.sql": "SELECT 2;\n", "db/lib/cleanup.sql": "SELECT 1;\n",
                 "db/extra.sql": "SELECT 1;\n", "db/lib/db/extra.sql": "SELECT 1;\n",
                 "db/main.sql": "\\i db/env.sql\n\\i tables.sql\n", "db/env.sql": "\\cd :target\n",
                 "tables.sql": "SELECT 1;\n", "db/x/tables.sql": "SELECT 1;\n"})
    head = {"db/lib/cleanup.sql": DROP, "db/lib/db/extra.sql": DROP, "db/x/tables.sql": DROP}
    gated(s, base, head, {("db/lib/cleanup.sql", "drop-table", 1), ("db/lib/db/extra.sql", "drop-table", 1),
                          ("db/x/tables.sql", "unknown-statement", 1)}, analyze=False)


def psql_cd_in_if(s):
    r"""Red team R72 F5: a `\cd` inside a `\if` block runs or not by a condition pgfence does not
    evaluate (`\if false`: psql skips it), so the folder after it is unknown, in the included file
    and for its includer: the next `\i cleanup.sql` may be the top's cleanup.sql (real psql 15 ran
    that one) or db/lib's. The pull request edits the top's cleanup.sql, and another file's
    `\if false ... \cd ... \endif` before its own `\i cleanup2.sql`."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/deploy.sql\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/main.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow,
                 "db/deploy.sql": "\\i db/setup.sql\n\\i cleanup.sql\n",
                 "db/setup.sql": "\\set ON_ERROR_STOP on\n\\if false\n\\cd db/lib\n\\endif\n",
                 "cleanup.sql": "SELECT 2;\n", "db/lib/cleanup.sql": "SELECT 1;\n",
                 "db/main.sql": "\\if false\n\\cd db/lib\n\\endif\n\\i cleanup2.sql\n",
                 "cleanup2.sql": "SELECT 2;\n", "db/lib/cleanup2.sql": "SELECT 1;\n"})
    head = {"cleanup.sql": DROP, "cleanup2.sql": DROP}
    gated(s, base, head, {("cleanup.sql", "unknown-statement", 1), ("cleanup2.sql", "unknown-statement", 1)}, analyze=False)


def psql_session_files(s):
    r"""Red team R72 L3: psql runs the -f files of one command in one session, in order (startup.c:
    each -f an ACT_FILE for process_file). db/setup.sql's `\cd db/lib` makes the next `-f deploy.sql`
    open db/lib/deploy.sql, not the top's deploy.sql, and its `\i cleanup.sql` read db/lib/cleanup.sql:
    the pull request's DROP TABLE in each is analysed. db/legacy.sql's `SET standard_conforming_strings
    = off` holds for the next file: the pull request's `SELECT 'a\''; DROP TABLE users; --';` in
    db/backfill.sql, one literal to a default reading and a DROP TABLE to the server, is unknown."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/setup.sql -f deploy.sql\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/legacy.sql -f db/backfill.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow,
                 "db/setup.sql": "\\set ON_ERROR_STOP on\n\\cd db/lib\n", "deploy.sql": "SELECT 2;\n", "cleanup.sql": "SELECT 2;\n",
                 "db/lib/deploy.sql": "\\i cleanup.sql\nSELECT 1;\n", "db/lib/cleanup.sql": "SELECT 1;\n",
                 "db/legacy.sql": "SET standard_conforming_strings = off;\n", "db/backfill.sql": "SELECT 1;\n"})
    head = {"db/lib/deploy.sql": "\\i cleanup.sql\n" + DROP, "db/lib/cleanup.sql": DROP,
            "db/backfill.sql": "SELECT 'a\\''; DROP TABLE users; --';\n"}
    gated(s, base, head, {("db/lib/deploy.sql", "drop-table", 2), ("db/lib/cleanup.sql", "drop-table", 1),
                          ("db/backfill.sql", "unknown-statement", 1)}, analyze=False)


def psql_session_reading(s):
    r"""Red team R73 F4: what else in one psql session may change how a later -f file is read: a -c
    command (run in the same session), a DO block that EXECUTEs a SET whose name it builds, a psql
    variable that names the setting (`-v scs=standard_conforming_strings`, `SET :scs = off`; psql 15 ran
    the DROP TABLE for each). The pull request's db/backfill*.sql is unknown after each."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: psql \"$DATABASE_URL\" -c \"SET standard_conforming_strings = off\" -f db/backfill1.sql\n"
                "      - run: psql \"$DATABASE_URL\" -f db/legacy2.sql -f db/backfill2.sql\n"
                "      - run: psql \"$DATABASE_URL\" -v scs=standard_conforming_strings -f db/legacy3.sql -f db/backfill3.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow,
                 "db/legacy2.sql": "DO $$ BEGIN EXECUTE 'SET standard_' || 'conforming_strings = off'; END $$;\n",
                 "db/legacy3.sql": "SET :scs = off;\n",
                 **{f"db/backfill{k}.sql": "SELECT 1;\n" for k in (1, 2, 3)}})
    head = {f"db/backfill{k}.sql": "SELECT 'a\\''; DROP TABLE users; --';\n" for k in (1, 2, 3)}
    gated(s, base, head, {(f"db/backfill{k}.sql", "unknown-statement", 1) for k in (1, 2, 3)}, analyze=False)


def command_lines_once(s):
    """Precision review of 2026-11-28 (AppFlowy-Cloud, automatisch, daily-api): a script's `psql -c`
    whose SQL pgfence does not read is one unknown at its line, said as a command (not as a folder
    setting), with no identifier-too-long from the shell text; a quoted COMPOSE_FILE names its file;
    a route file calling an app's queryDataSource() is not read as TypeORM settings."""
    long_name = "x" * 70
    base = dict(INIT)
    base.update({
        "scripts/check.sh": ('#!/bin/bash\nfor t in users; do\n'
                             f'  n=$(psql "$DATABASE_URL" -tAc "DELETE FROM {long_name} WHERE table_name = \'$t\'")\ndone\n'
                             'COMPOSE_FILE="deploy/compose.yml"\n'),
        "deploy/compose.yml": "services:\n  web:\n    image: nginx\n",
        "src/routes/boot.ts": ("import { queryDataSource } from '../db';\n"
                               "export const boot = async (con, k) => { const o = {}; o[k] = await queryDataSource(con, k); return { ...o }; };\n"),
    })
    from test_tool_reach import repository, analyze_findings
    repository(s, base, {"docs/readme.md": "x\n"})
    found = analyze_findings(s)
    mine = sorted(f for f in found if f[0] in ("scripts/check.sh", "src/routes/boot.ts", "deploy/compose.yml"))
    check(mine == [("scripts/check.sh", "unknown-statement", 3)], f"one unknown, at the psql line: {mine}")
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."], cwd=s.repo, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    for f in report["files"]:
        if f["path"].endswith("scripts/check.sh"):
            check(len(f["statements"]) == 1, f"one statement for the line: {len(f['statements'])}")
            message = f["findings"][0]["message"]
            check("folder" not in message and "psql runs SQL given on its command line" in message, f"said as a command: {message}")


SCENARIOS = {f.__name__: f for f in (command_lines_once, script_runners, folder_runners, computed_runner, other_clients, plain_scripts_control, many_fixed_runs,
                                     computed_any_name, computed_no_folder, ansible_capistrano, desired_state_clients, psql_cd,
                                     psql_cd_in_include, psql_cd_in_if, psql_session_files, psql_session_reading)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
