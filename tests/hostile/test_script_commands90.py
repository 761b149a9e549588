"""Commands in Python and Ruby scripts and in deploy tools' files (red team R89b F3, F9; issue #53).

F3: `analyze` read psql in a Python or Ruby script (unknown at its line), but `pgfence pr` printed it
only as a note: a pull request turning `subprocess.run("psql ... -c 'ANALYZE users'")` into DROP TABLE
users passed with "findings: 0". A changed script psql_scripts reads is now reviewed as a command file.
F9: Fabric's `c.run("...")`, Capistrano's `execute "..."` and PM2's ecosystem `post-deploy` hooks
were read for psql only: `npx knex migrate:rollback --all` there passed. Their commands are now read
as a deploy's command lines, as a Rakefile's tasks are. An application's `subprocess.run(["git",
"status"])`, a fabfile that only rsyncs and an ecosystem file with `apps:` only stay clean.

    test_script_commands90.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, workflow  # noqa: E402
from test_module_writes import unknown_at  # noqa: E402
from test_own_runner import review  # noqa: E402

WF = ".github/workflows/deploy.yml"
UP = "npx knex migrate:latest"
DOWN = "npx knex migrate:rollback --all"
ANALYZE = "psql $DATABASE_URL -c 'ANALYZE users'"
DROP = "psql $DATABASE_URL -c 'DROP TABLE users'"


def gate(s, base, head, path, line, analyze_too=True):
    """`pr` (base on main, `head` on the branch) fails with an unknown at `path`:`line`; `analyze`
    of the head is unknown there too."""
    proc, found = review(s, {**KNEX, **base}, head)
    check(proc.returncode == 1, f"pr --ci --unknown block fails: {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-800:]}")
    check(unknown_at(found, path, line), f"pr: unknown at {path}:{line}: {found}")
    if analyze_too:
        proc, found = analyze(s)
        check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")


def maintenance(body):
    return "import subprocess\n\n# refresh planner statistics after the deploy\n" + body


# F3: psql in a Python or Ruby script.
def py(s):
    text = lambda sql: maintenance(f'subprocess.run("{sql}", shell=True, check=True)\n')
    gate(s, {"scripts/db_maintenance.py": text(ANALYZE), WF: workflow(UP, "python3 scripts/db_maintenance.py")},
         {"scripts/db_maintenance.py": text(DROP)}, "scripts/db_maintenance.py", 4)


def pynew(s):
    """The script printed a line; the pull request makes it run psql -c."""
    gate(s, {"scripts/db_maintenance.py": 'print("no maintenance")\n', WF: workflow(UP, "python3 scripts/db_maintenance.py")},
         {"scripts/db_maintenance.py": maintenance(f'subprocess.run("{DROP}", shell=True, check=True)\n')}, "scripts/db_maintenance.py", 4)


def pyargv(s):
    text = lambda sql: maintenance(f'subprocess.run(["psql", os.environ["DATABASE_URL"], "-c", "{sql}"], check=True)\n').replace(
        "import subprocess", "import os, subprocess")
    gate(s, {"scripts/db_maintenance.py": text("ANALYZE users"), WF: workflow(UP, "python3 scripts/db_maintenance.py")},
         {"scripts/db_maintenance.py": text("DROP TABLE users")}, "scripts/db_maintenance.py", 4)


def fabfile(command):
    return f'from fabric import task\n\n\n@task\ndef deploy(c):\n    with c.cd("/srv/app"):\n        c.run("git pull")\n        c.run("{command}")\n'


def fab(s):
    gate(s, {"fabfile.py": fabfile(ANALYZE), WF: workflow(UP, "fab -H app.example.com deploy")}, {"fabfile.py": fabfile(DROP)}, "fabfile.py", 8)


def capistrano(command):
    return ('namespace :deploy do\n  task :migrate do\n    on roles(:app) do\n'
            f'      execute "cd #{{release_path}} && {command}"\n    end\n  end\nend\nafter "deploy:updated", "deploy:migrate"\n')


def rb(s):
    gate(s, {"config/deploy.rb": capistrano(ANALYZE), "Capfile": 'require "capistrano/setup"\nrequire "capistrano/deploy"\n',
             WF: workflow("bundle exec cap production deploy")}, {"config/deploy.rb": capistrano(DROP)}, "config/deploy.rb", 4)


# F9: the deploy tools' commands, read as a deploy's.
def ecosystem(hook):
    return ('module.exports = {\n  apps: [{ name: "app", script: "server.js" }],\n  deploy: {\n    production: {\n'
            '      user: "deploy", host: ["10.0.0.5"], ref: "origin/main", repo: "git@github.com:acme/app.git", path: "/srv/app",\n'
            f'      "post-deploy": "npm ci && {hook} && pm2 reload ecosystem.config.js --env production"\n    }}\n  }}\n}};\n')


def pm2(s):
    gate(s, {"ecosystem.config.js": ecosystem(UP), WF: workflow("npx pm2 deploy ecosystem.config.js production")},
         {"ecosystem.config.js": ecosystem(DOWN)}, "ecosystem.config.js", 6)


def fab_knex(s):
    gate(s, {"fabfile.py": fabfile(UP), WF: workflow("fab -H app.example.com deploy")}, {"fabfile.py": fabfile(DOWN)}, "fabfile.py", 8)
    found = [f for f in analyze(s)[1] if f["path"] == "fabfile.py"]
    check(any("rollback" in f["message"] for f in found), f"the unknown names the down direction: {found}")


def cap_knex(s):
    gate(s, {"config/deploy.rb": capistrano(UP), WF: workflow("bundle exec cap production deploy")},
         {"config/deploy.rb": capistrano(DOWN)}, "config/deploy.rb", 4)


def cap_symbol(s):
    """SSHKit's `execute :npx, "knex", ...`: a symbol and words."""
    task = lambda verb: f'namespace :deploy do\n  task :migrate do\n    on roles(:db) do\n      execute :npx, "knex", "{verb}"\n    end\n  end\nend\n'
    gate(s, {"lib/capistrano/tasks/db.rake": task("migrate:latest")}, {"lib/capistrano/tasks/db.rake": task("migrate:rollback")},
         "lib/capistrano/tasks/db.rake", 4)


# Controls.
def control_scripts(s):
    """An application's Python module that runs git, a fabfile that only rsyncs and restarts, a
    fabfile helper named for the down direction, an ecosystem file with `apps:` only, a Capistrano
    file that links shared files: each changed by the pull request, nothing unknown."""
    base = {**KNEX, "app/vcs.py": 'import subprocess\n\n\ndef status():\n    return subprocess.run(["git", "status"], capture_output=True)\n',
            "fabfile.py": ('from fabric import task\n\n\n@task\ndef deploy(c):\n    c.local("rsync -az dist/ app:/srv/app/")\n'
                           '    c.run("sudo systemctl restart app")\n\n\n@task\ndef rollback(c):\n    c.run("npx knex migrate:rollback")\n'),
            "ecosystem.config.js": 'module.exports = {\n  apps: [{ name: "app", script: "server.js", env: { NODE_ENV: "production" } }]\n};\n',
            "config/deploy.rb": 'set :application, "app"\nappend :linked_files, "config/database.yml"\n',
            WF: workflow(UP, "fab deploy", "npx pm2 start ecosystem.config.js", "bundle exec cap production deploy")}
    head = {"app/vcs.py": base["app/vcs.py"].replace('"status"]', '"status", "--short"]'),
            "fabfile.py": base["fabfile.py"].replace("rsync -az", "rsync -avz"),
            "ecosystem.config.js": base["ecosystem.config.js"].replace("server.js", "dist/server.js"),
            "config/deploy.rb": base["config/deploy.rb"] + 'append :linked_dirs, "log", "tmp/pids"\n'}
    proc, found = review(s, base, head)
    check(not [f for f in found if f["rule"] in ("unknown-statement", "migration-tool-settings-changed")], f"pr: nothing needs a person: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")


def control_unchanged_psql(s):
    """A script whose psql -c line the pull request does not touch (it changes a comment): the
    standing run is analyze's to report, not this pull request's."""
    text = maintenance(f'subprocess.run("{ANALYZE}", shell=True, check=True)\n')
    proc, found = review(s, {**KNEX, "scripts/db_maintenance.py": text}, {"scripts/db_maintenance.py": text.replace("refresh planner", "refresh the planner's")})
    check(not [f for f in found if f["path"] == "scripts/db_maintenance.py"], f"pr: the unchanged run is not this pull request's: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (py, pynew, pyargv, fab, rb, pm2, fab_knex, cap_knex, cap_symbol, control_scripts, control_unchanged_psql)}))
