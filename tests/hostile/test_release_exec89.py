"""@semantic-release/exec's `cmd`, lodash templates, `shell` and `execCwd`; `nx exec` and `nx watch`
(red team R88c F3, F4). exec 6.0.3 runs `cmd` at every step without a command of its own (index.js),
renders each command as a lodash template (lib/exec.js `template(config[cmd])(...)`), runs it with
its `shell` in its `execCwd`; nx 21 `exec -- COMMAND` runs COMMAND in each project's folder. On
615d7aaa each of these ran `knex migrate:rollback --all` with 0 unknown.

    test_release_exec89.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_analyze, gate_both, workflow  # noqa: E402

WF = ".github/workflows/ci.yml"
RELEASE_WF = workflow("npx knex migrate:latest", "npx semantic-release")  # line 8 runs semantic-release
ROLLBACK = "npx knex migrate:rollback --all"
BASE = {**KNEX, WF: RELEASE_WF}
# .releaserc.yml with exec's options from line 5 on.
RC = 'branches: [main]\nplugins:\n  - "@semantic-release/commit-analyzer"\n  - - "@semantic-release/exec"\n'


def unknown_naming(s, path, line, *words):
    _, found = analyze(s)
    at = [f["message"] for f in found if f["rule"] == "unknown-statement" and f["path"] == path and f["line"] == line]
    check(any(all(w in m for w in words) for m in at), f"the unknown at {path}:{line} names {words}: {at}")


# F3: exec's `cmd`, run at every step that has no command of its own.
def exec_cmd_every_step(s):
    gate_both(s, {".releaserc.yml": RC + f"    - cmd: {ROLLBACK}\n"}, WF, 8, base=BASE, pr_at=(".releaserc.yml", 5))
    unknown_naming(s, WF, 8, "cmd", "migrate:rollback")


def exec_cmd_json(s):
    rc = json.dumps({"branches": ["main"], "plugins": [["@semantic-release/exec", {"cmd": ROLLBACK}]]}, indent=2) + "\n"
    line = 1 + rc.split("\n").index(f'        "cmd": "{ROLLBACK}"')
    gate_both(s, {".releaserc.json": rc}, WF, 8, base=BASE, pr_at=(".releaserc.json", line))


# F3: a command exec renders as a lodash template is computed by JavaScript.
def exec_template_code(s):
    gate_both(s, {".releaserc.yml": RC + '    - prepareCmd: "<%= \\"npx kn\\" + \\"ex migrate:rollback --all\\" %>"\n'}, WF, 8,
              base={**BASE, ".releaserc.yml": RC + "    - prepareCmd: echo ok\n"}, pr_at=(".releaserc.yml", 5))
    unknown_naming(s, WF, 8, "prepareCmd", "lodash")


def exec_template_es(s):
    """`${config.down}`: the plugin's own option, put in the command's text."""
    head = RC + "    - down: migrate:rollback --all\n      prepareCmd: npx knex ${config.down}\n"
    gate_analyze(s, {".releaserc.yml": head}, WF, 8, base=BASE)
    unknown_naming(s, WF, 8, "config.down", "lodash")


# F3: exec's shell runs every command; execCwd moves them to another folder.
def exec_shell_program(s):
    head = {".releaserc.yml": RC + "    - shell: ./ci/sh\n      prepareCmd: echo ok\n", "ci/sh": "#!/bin/sh\n" + ROLLBACK + "\n"}
    gate_both(s, head, WF, 8, base=BASE, pr_at=(".releaserc.yml", 5))
    unknown_naming(s, WF, 8, "shell", "./ci/sh")


def exec_cwd_scripts(s):
    """execCwd packages/api: `npm run db:check` runs that package's script, not the root's."""
    files = {"package.json": json.dumps({"name": "root", "private": True, "scripts": {"db:check": "echo ok"}}) + "\n",
             "packages/api/package.json": json.dumps({"name": "api", "scripts": {"db:check": "knex migrate:rollback --all"}}) + "\n",
             ".releaserc.yml": RC + "    - execCwd: packages/api\n      prepareCmd: npm run db:check\n"}
    gate_analyze(s, files, WF, 8, base=BASE)
    unknown_naming(s, WF, 8, "packages/api", "db:check")


def control_exec_clean(s):
    """Ordinary exec settings: a plain command, the version in a template, bash, execCwd with harmless scripts."""
    files = {"package.json": json.dumps({"name": "root", "private": True, "scripts": {"build": "tsc"}}) + "\n",
             "packages/api/package.json": json.dumps({"name": "api", "scripts": {"build": "tsc"}}) + "\n",
             ".releaserc.yml": RC + '    - publishCmd: "echo done"\n      prepareCmd: "echo ${nextRelease.version} > VERSION && npm run build"\n'
                                    '      successCmd: "echo released <%= nextRelease.version %>"\n      shell: /bin/bash\n      execCwd: packages/api\n',
             ".releaserc.json": json.dumps({"plugins": [["@semantic-release/exec", {"publishCmd": "echo done", "shell": True}]]}) + "\n"}
    clean(s, files, BASE)


# F4: `nx exec -- COMMAND` runs COMMAND in each project's folder; `nx watch -- COMMAND` where nx runs.
def nx_repo(api_scripts, *steps, root_scripts=None):
    return {**KNEX,
            "package.json": json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"], "scripts": root_scripts or {}}) + "\n",
            "nx.json": "{}\n",
            "packages/api/package.json": json.dumps({"name": "api", "scripts": api_scripts}) + "\n",
            "packages/api/knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n',
            "packages/web/package.json": json.dumps({"name": "web", "scripts": {"build": "tsc", "db:check": "echo ok"}}) + "\n",
            WF: workflow(*steps)}


def nx_exec_step(s):
    head = nx_repo({"build": "tsc", "db:reset": "knex migrate:rollback --all"}, "npm ci", "npx nx exec -- npm run db:reset")
    gate_analyze(s, head, WF, 8, base=KNEX)
    unknown_naming(s, WF, 8, "db:reset", "packages/api")


def nx_exec_script(s):
    """The step is on main; the pull request changes only the package script it runs."""
    step = ("npm ci", "npx nx exec --projects api -- npm run db:check")
    gate_analyze(s, nx_repo({"db:check": "knex migrate:rollback --all"}, *step), WF, 8, base=nx_repo({"db:check": "echo ok"}, *step))


def control_nx_exec_clean(s):
    clean(s, nx_repo({"build": "tsc", "db:check": "echo ok"}, "npm ci", "npx nx exec -- npm run build", "npx nx exec --projects api -- npm run db:check",
                     "npx nx watch --all -- echo changed", "npx nx exec -- tsc --noEmit"), KNEX)


# F4: what `nx release` runs: nx.json's preVersionCommand, and npm publish in each project with its lifecycle scripts.
def nx_release_pre_version(s):
    head = nx_repo({"build": "tsc"}, "npm ci", "npx nx release --yes")
    head["nx.json"] = json.dumps({"release": {"version": {"preVersionCommand": ROLLBACK}}}) + "\n"
    gate_analyze(s, head, WF, 8, base=KNEX)
    unknown_naming(s, WF, 8, "preVersionCommand", "migrate:rollback")


def nx_release_publish_script(s):
    step = ("npm ci", "npx nx release publish")
    gate_analyze(s, nx_repo({"build": "tsc", "prepublishOnly": "knex migrate:rollback --all"}, *step), WF, 8,
                 base=nx_repo({"build": "tsc", "prepublishOnly": "tsc"}, *step))
    unknown_naming(s, WF, 8, "prepublishOnly", "packages/api")


def control_nx_release_clean(s):
    head = nx_repo({"build": "tsc", "prepublishOnly": "npm run build"}, "npm ci", "npx nx release --yes", "npx nx release publish --tag next",
                   "npx nx release changelog 1.2.0", "npx nx release plan minor",
                   "npx nx release minor --skip-publish", "npx nx release version 1.2.0")
    head["nx.json"] = json.dumps({"release": {"projects": ["packages/*"], "version": {"preVersionCommand": "npx nx run-many -t build"}},
                                  "targetDefaults": {"build": {"executor": "nx:run-script", "dependsOn": ["^build"]}}}, indent=2) + "\n"
    clean(s, head, KNEX)


SCENARIOS = {
    "exec_cmd_every_step": exec_cmd_every_step,
    "exec_cmd_json": exec_cmd_json,
    "exec_template_code": exec_template_code,
    "exec_template_es": exec_template_es,
    "exec_shell_program": exec_shell_program,
    "exec_cwd_scripts": exec_cwd_scripts,
    "control_exec_clean": control_exec_clean,
    "nx_exec_step": nx_exec_step,
    "nx_exec_script": nx_exec_script,
    "control_nx_exec_clean": control_nx_exec_clean,
    "nx_release_pre_version": nx_release_pre_version,
    "nx_release_publish_script": nx_release_publish_script,
    "control_nx_release_clean": control_nx_release_clean,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
