"""A file a deploy command runs that is not in the repository (red team R88b F2) and an npx of the
repository's own package (R88b F7). On int88 `echo ... > cleanup.sql; psql -f cleanup.sql` (a cat
here-document, `prisma migrate diff --script >`, `curl -o`, `prisma db execute --file`, `bash` of a
downloaded script) read the missing file as an empty folder and passed clean; now each is unknown at
the line that runs it, naming the file. `npx @acme/db-tools` / `npx db-tools` of a workspace package
(npm exec runs node_modules/.bin first, where workspaces are linked) was taken for a registry
package; now its bin is followed as `node <bin>` is, and a pull request changing that bin is reviewed.
Controls: `psql -f db/seed.sql` of a repository file stays read; `npx prisma migrate deploy` stays clean.

    test_made_files.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import GATE, KNEX, analyze, clean, gate_both, workflow  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/deploy.yml"
PRISMA = {"prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
          "prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
          "package.json": '{"name": "app", "private": true, "dependencies": {"prisma": "5.0.0"}}\n'}


def block(*lines):
    """A workflow whose one step runs `lines` as a `run: |` block (its first line is line 8)."""
    return ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - run: |\n" + "".join(f"          {x}\n" for x in lines))


def made(s, line, name, *lines):
    """The step's line `line` runs `name`, a file the step makes: unknown there, naming it, in analyze and pr."""
    gate_both(s, {**PRISMA, WF: block(*lines)}, WF, line, base=PRISMA)
    _, found = analyze(s)
    at = [f["message"] for f in found if f["rule"] == "unknown-statement" and f["path"] == WF and f["line"] == line]
    check(any(name in m and "not a file of the repository" in m for m in at), f"the unknown at {WF}:{line} names {name}: {at}")


def made_echo(s):
    made(s, 9, "cleanup.sql", 'echo "DELETE FROM users WHERE id > 0;" > cleanup.sql', 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f cleanup.sql')


def made_heredoc(s):
    made(s, 11, "cleanup.sql", "cat <<'SQL' > cleanup.sql", "DROP TABLE users;", "SQL", 'psql "$DATABASE_URL" -f cleanup.sql')


def made_diff(s):
    made(s, 9, "drift.sql", 'npx prisma migrate diff --from-url "$DATABASE_URL" --to-schema-datamodel prisma/schema.prisma --script > drift.sql',
         'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f drift.sql')


def made_curl(s):
    made(s, 9, "fix.sql", 'curl -fsSL "$FIX_URL" -o fix.sql', 'psql "$DATABASE_URL" -f fix.sql')


def made_execute(s):
    made(s, 9, "cleanup.sql", 'echo "DROP TABLE users;" > cleanup.sql', 'npx prisma db execute --url "$DATABASE_URL" --file cleanup.sql')


def made_script(s):
    made(s, 9, "ops/fix.sh", 'curl -fsSL "$FIX_URL" -o ops/fix.sh', "bash ops/fix.sh")


def made_dist(s):
    """A built file (tsc's dist/) is not the repository's either."""
    made(s, 9, "dist/cleanup.js", "npx tsc -p .", "node dist/cleanup.js")


def control_dockerfile_image_path(s):
    """A Dockerfile runs the image's paths: `COPY scripts/install-deps.sh ./` then `RUN ./install-deps.sh`
    and `CMD node server.js` name files COPY put there, not missing ones (dittofeed's admin-cli): no unknown."""
    head = {**PRISMA, "scripts/install-deps.sh": "#!/bin/sh\nnpm ci\n",
            "Dockerfile": ("FROM node:20\nWORKDIR /app\nCOPY scripts/install-deps.sh ./\nRUN ./install-deps.sh\n"
                           "COPY . .\nCMD [\"sh\", \"-c\", \"bash install-deps.sh && node server.js\"]\n")}
    pull_request(s, head, PRISMA)
    _, found = analyze(s)
    check(not [f for f in found if f["rule"] == "unknown-statement" and f["path"] == "Dockerfile"], f"nothing in the Dockerfile is unknown: {found}")


def control_repo_file_read(s):
    """`psql -f db/seed.sql` of a repository file: read as before (its DROP is a finding, nothing unknown)."""
    head = {**PRISMA, "db/seed.sql": "DROP TABLE users;\n", WF: block('psql "$DATABASE_URL" -f db/seed.sql')}
    pull_request(s, head, PRISMA)
    _, found = analyze(s)
    check(not [f for f in found if f["rule"] == "unknown-statement"], f"nothing is unknown: {found}")
    check(any(f["path"] == "db/seed.sql" for f in found), f"db/seed.sql is read: {found}")


BIN = '#!/usr/bin/env node\nconsole.log("db tools");\n'
ROLLBACK_BIN = '#!/usr/bin/env node\nrequire("child_process").execSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n'


def monorepo(run, bin_text=BIN, root=None, tools_folder="packages/db-tools"):
    return {**KNEX,
            "package.json": json.dumps(root or {"name": "root", "private": True, "workspaces": ["packages/*"],
                                                "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}) + "\n",
            f"{tools_folder}/package.json": json.dumps({"name": "@acme/db-tools", "version": "1.0.0", "bin": {"db-tools": "bin/cli.js"}}) + "\n",
            f"{tools_folder}/bin/cli.js": bin_text,
            WF: workflow("npm ci", "npx knex migrate:latest", run)}


def npx_scoped(s):
    gate_both(s, monorepo("npx @acme/db-tools", ROLLBACK_BIN), WF, 9)


def npx_bin_name(s):
    gate_both(s, monorepo("npx --yes db-tools@1.0.0", ROLLBACK_BIN), WF, 9)


def npx_file_dependency(s):
    """No workspaces: a root dependency `file:tools/db` links its bin the same way."""
    root = {"name": "root", "private": True, "dependencies": {"knex": "3.1.0", "pg": "8.11.0", "@acme/db-tools": "file:tools/db"}}
    gate_both(s, monorepo("pnpm dlx db-tools", ROLLBACK_BIN, root, "tools/db"), WF, 9)


def pr_npx_bin_changed(s):
    """The pull request changes only the bin the workflow's npx runs: pr fails."""
    pull_request(s, {"packages/db-tools/bin/cli.js": ROLLBACK_BIN}, monorepo("npx @acme/db-tools"))
    s.start_double()
    pr = s.run_pr(*GATE)
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stdout[-800:]}{pr.stderr[-800:]}")


def control_npx_clean(s):
    """A harmless bin, and `npx prisma migrate deploy` in a workspace with no package named prisma: clean."""
    head = monorepo("npx @acme/db-tools")
    head[WF] = workflow("npm ci", "npx knex migrate:latest", "npx @acme/db-tools", "npx db-tools", "npx prisma migrate deploy")
    clean(s, head)


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in [made_echo, made_heredoc, made_diff, made_curl, made_execute, made_script, made_dist, control_repo_file_read, control_dockerfile_image_path,
                                  npx_scoped, npx_bin_name, npx_file_dependency, pr_npx_bin_changed, control_npx_clean]}))
