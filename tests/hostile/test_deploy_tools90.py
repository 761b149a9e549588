"""Deploy tools' files and programs pgfence did not read (issue #53, red team R90 F4, F6): pyinvoke's
tasks.py (`c.run`), shipit's shipitfile.js (`shipit.local`/`shipit.remote`), Deployer's deploy.php
(`run`), Laravel Envoy's `@task` bodies, a Ruby program a step runs (`ruby script/deploy.rb`, a
`bin/` file with a ruby #!), a call whose command is no literal (`c.run(MIGRATE)`, `system(cmd)`),
Ruby's Open3, Kernel.system and IO.popen, Mina's `command`. The pull request changes that file to roll
the migrations back: `pr` and `analyze` must report it (before: analyze exits 0). The control: ordinary
projects with these files stay clean.

    test_deploy_tools90.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import check, findings  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import WFP, analyze, unknowns  # noqa: E402
from test_deploy_files89 import DOWN, UP, changed, workflow  # noqa: E402


def caught(name, r, b, h, path, line, pr_line=True):
    """pr exits 1 with an unknown at path:line (or, when the pull request changes another line, a
    finding in `path`); analyze of the head has the unknown at path:line."""
    proc, report = pr(r, b, h)
    at = [u[:2] for u in unknowns(report)] if pr_line else [(path, line) for p, _ in findings(report) if p == path]
    check(proc.returncode == 1 and (path, line) in at,
          f"{name}: pr unknown at {path}:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(proc.returncode == 1 and any(u[0].endswith(path) and u[1] == line for u in unknowns(report)),
          f"{name}: analyze unknown at {path}:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def each(binary, tmp, cases, judge=None):
    for name, run, path, text, line, *pr_line in cases:
        r, b, h = changed(binary, tmp, name, {WFP: workflow(run), path: text.format(UP)}, {path: text.format(DOWN)})
        if judge:
            judge(name, r, b, h, path)
        else:
            caught(name, r, b, h, path, line, *pr_line)


INVOKE = 'from invoke import task\n\n\n@task\ndef deploy(c):\n    c.run("git log -1 --oneline")\n    c.run("{}")\n'
SHIPIT_LOCAL = ('module.exports = (shipit) => {{\n  shipit.initConfig({{ production: {{ servers: "deploy@prod.acme.dev" }} }});\n'
                '  shipit.task("migrate", () => shipit.local("{}"));\n}};\n')
SHIPIT_REMOTE = ('module.exports = (shipit) => {{\n  require("shipit-deploy")(shipit);\n'
                 '  shipit.initConfig({{ production: {{ servers: "deploy@prod.acme.dev", deployTo: "/srv/app" }} }});\n'
                 '  shipit.on("deployed", () => shipit.start("migrate"));\n'
                 '  shipit.blTask("migrate", () => shipit.remote("cd /srv/app/current && {}", {{ cwd: "/srv/app" }}));\n}};\n')
DEPLOYER = ('<?php\nnamespace Deployer;\n\nrequire "recipe/common.php";\n\nhost("prod.acme.dev")->set("deploy_path", "/srv/app");\n\n'
            'task("deploy:migrate", function () {{\n    run("cd {{{{release_path}}}} && {}");\n}});\n\nafter("deploy:vendors", "deploy:migrate");\n')
ENVOY = ('@servers(["web" => "deploy@prod.acme.dev"])\n\n@task("deploy", ["on" => "web"])\n    cd /srv/app\n    git pull origin main\n'
         '    npm ci\n    {}\n@endtask\n')


def deploy_tool(binary, tmp):
    """`inv deploy` (pyinvoke/invoke invoke/loader.py loads tasks.py), `npx shipit production migrate`
    (shipit.local and shipit.remote), `vendor/bin/dep deploy` (deploy.php run), `envoy run deploy`."""
    each(binary, tmp, [("invoke", "pip install invoke && inv deploy", "tasks.py", INVOKE, 7),
                       ("shipitlocal", "npx shipit production migrate", "shipitfile.js", SHIPIT_LOCAL, 3),
                       ("shipit", "npx shipit production deploy", "shipitfile.js", SHIPIT_REMOTE, 5),
                       ("deployer", "vendor/bin/dep deploy production", "deploy.php", DEPLOYER, 9),
                       ("envoy", "php vendor/bin/envoy run deploy", "Envoy.blade.php", ENVOY, 7)])


def step_caught(name, r, b, h, path):
    """A program the step runs: pr exits 1 with a finding in `path`; analyze has an unknown at the
    step (line 10 of the workflow) that names `path`."""
    proc, report = pr(r, b, h)
    check(proc.returncode == 1 and any(p.endswith(path) for p, _ in findings(report)),
          f"{name}: pr finding in {path}: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    at = [f for p, f in findings(report) if f["rule"] == "unknown-statement" and p.endswith(WFP) and f["start"]["line"] == 10]
    check(proc.returncode == 1 and any(path in f.get("message", "") for f in at),
          f"{name}: analyze unknown at the step naming {path}: {findings(report)} exit {proc.returncode}\n{proc.stderr}")


def ruby_program(binary, tmp):
    """`ruby script/deploy.rb`, `bundle exec ruby`, `bin/release` with a ruby #!: its system, Open3,
    backquotes (as a Python script's subprocess calls are read)."""
    rb = '#!/usr/bin/env ruby\nsystem("git log -1 --oneline") or abort\nsystem("{}") or abort\n'
    o3 = 'require "open3"\n\nout, status = Open3.capture2e("{}")\nputs out\n'
    each(binary, tmp, [("rbscript", "ruby script/deploy.rb", "script/deploy.rb", rb, 3),
                       ("bundle", "bundle exec ruby script/migrate.rb", "script/migrate.rb", o3, 3),
                       ("binruby", "./bin/release", "bin/release", rb, 3),
                       ("backquote", "ruby script/deploy.rb", "script/deploy.rb", 'puts `git log -1`\nputs `{}`\n', 2)],
         step_caught)


def computed_call(binary, tmp):
    """`c.run(MIGRATE)` (the pull request changes the constant: followed), a wrapper `def sh(c, cmd)`
    (its callers' strings are read), `c.run(" ".join(...))` and `system(cmd)` (unknown at the call),
    Open3 and Kernel.system in a Capistrano task, IO.popen, Mina's `command`."""
    fab = 'from fabric import task\n\nMIGRATE = "{}"\n\n\n@task\ndef deploy(c):\n    c.run("git pull")\n    c.run(MIGRATE)\n'
    open3 = ('require "open3"\n\nnamespace :deploy do\n  task :migrate do\n    out, status = Open3.capture2e("{}")\n    puts out\n'
             '  end\nend\n')
    kernel = 'namespace :deploy do\n  task :migrate do\n    Kernel.system("{}")\n  end\nend\n'
    popen = 'namespace :deploy do\n  task :migrate do\n    IO.popen("{}") {{ |io| puts io.read }}\n  end\nend\n'
    var = 'namespace :deploy do\n  task :migrate do\n    cmd = "{}"\n    system(cmd)\n  end\nend\n'
    mina = ('require "mina/git"\n\nset :domain, "prod.acme.dev"\nset :deploy_to, "/srv/app"\n\ntask :deploy do\n  deploy do\n'
            '    invoke :"git:clone"\n    command "npm ci"\n    command "{}"\n  end\nend\n')
    wrap = ('from fabric import task\n\n\ndef sh(c, cmd):\n    c.run(cmd, echo=True)\n\n\n@task\ndef deploy(c):\n'
            '    sh(c, "git pull")\n    sh(c, "{}")\n')
    expr = 'from fabric import task\n\n\n@task\ndef deploy(c):\n    c.run(" ".join(["npx", "knex", "{}"]))\n'
    each(binary, tmp, [("fabvar", "fab -H deploy@prod deploy", "fabfile.py", fab, 9, False),
                       ("wrapper", "fab -H deploy@prod deploy", "fabfile.py", wrap, 11),
                       ("expression", "fab -H deploy@prod deploy", "fabfile.py", expr, 6),
                       ("open3", "bundle exec cap production deploy:migrate", "config/deploy.rb", open3, 5),
                       ("kernel", "bundle exec cap production deploy:migrate", "config/deploy.rb", kernel, 3),
                       ("popen", "bundle exec cap production deploy:migrate", "config/deploy.rb", popen, 3),
                       ("sysvar", "bundle exec cap production deploy:migrate", "config/deploy.rb", var, 4, False),
                       ("mina", "mina deploy", "config/deploy.rb", mina, 10)])


def control(binary, tmp):
    """No false unknowns: an invoke tasks.py that builds and tests (and defines `run`), a Celery
    tasks.py (no invoke) that calls subprocess.run on a variable, a shipitfile and a deploy.php that
    restart the app, an Envoy task that pulls, a Ruby script and a Mina deploy that install, Rails'
    bin/setup (its `system!` wrapper of `system(*args)`); the pull
    request changes harmless lines of each: pr clean, exit 0; analyze has no unknown."""
    inv = ('from invoke import task\n\n\ndef run(c, cmd):\n    return c.run(cmd)\n\n\n@task\ndef build(c):\n'
           '    c.run("npm run {}", pty=True)\n    c.run("npx tsc -p .")\n')
    celery = 'import subprocess\nfrom celery import shared_task\n\n\n@shared_task\ndef thumbnail(path):\n    subprocess.run(["convert", path, "{}"])\n'
    shipit = ('module.exports = (shipit) => {{\n  shipit.initConfig({{ production: {{ servers: "deploy@prod.acme.dev" }} }});\n'
              '  shipit.task("restart", () => shipit.remote("pm2 restart {}"));\n}};\n')
    php = 'run("cd {{{{release_path}}}} && npm ci");'
    deployer = DEPLOYER.replace('run("cd {{{{release_path}}}} && {}");', php + '\n    run("pm2 restart {}");')
    envoy = ENVOY.replace("    {}\n", "    pm2 restart {}\n")
    rb = '#!/usr/bin/env ruby\nsystem("git log -1 --oneline") or abort\nout, _ = Open3.capture2("git rev-parse {}")\n'
    mina = 'require "mina/git"\n\ntask :deploy do\n  deploy do\n    command "npm ci"\n    command "pm2 restart {}"\n  end\nend\n'
    setup = ('#!/usr/bin/env ruby\nrequire "fileutils"\n\nAPP_ROOT = File.expand_path("..", __dir__)\n\ndef system!(*args)\n'
             '  system(*args, exception: true)\nend\n\nFileUtils.chdir APP_ROOT do\n  # {}\n'
             '  system("bundle check") || system!("bundle install")\n  system! "bin/rails log:clear tmp:clear"\nend\n')
    files = {"bin/setup": setup, "tasks.py": inv, "app/tasks.py": celery, "shipitfile.js": shipit, "deploy.php": deployer, "Envoy.blade.php": envoy,
             "script/deploy.rb": rb, "config/deploy.rb": mina}
    run = (UP + " && inv build && npx shipit production restart && vendor/bin/dep deploy && php vendor/bin/envoy run deploy"
           " && ruby script/deploy.rb && mina deploy && bin/setup")
    r, b, h = changed(binary, tmp, "control", {WFP: workflow(run), **{p: t.format("web") for p, t in files.items()}},
                      {p: t.format("api") for p, t in files.items()})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"deploy_tool": deploy_tool, "ruby_program": ruby_program, "computed_call": computed_call, "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
