"""A pull request that changes only where a standing unknown's value comes from (issue #53, red team
R89b F1, F2, F4): approvals bind to what runs. A deploy command that reads a computed word (`$X`,
`$(X)`, `{{x}}`) was signed off for the values it had. `pr` reports it again when the pull request
changes any line of its own shell script, Makefile or justfile (a `local`, `readonly`, `declare`,
`printf -v`, `case` arm, `set --`, heredoc, `define`, target-specific variable or recipe parameter;
a removed line too), a Kubernetes env `value:` under `- name: X`, or a file the command file reads
values from (an included makefile, a `.env` make includes or just loads, a sourced file, `$(cat F)`,
`jq ... F`, `cat F >> $GITHUB_ENV`, a GitLab `include: local:`). A pull request that changes a file
no command file names, a README, a comment, or a Makefile with no unknowns reports nothing. `pr`
with `--ci --unknown block --max-risk low`, on real git repositories and the real binary.

    test_value_sources90.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import unknowns  # noqa: E402
from test_value_lines89 import KNEX, steps  # noqa: E402

OLD, NEW = "migrate:latest", "migrate:rollback --all"
WF = ".github/workflows/deploy.yml"
SH = "scripts/migrate.sh"


def run(step):
    return {WF: steps(f"      - run: {step}\n")}


def script(body):
    """scripts/migrate.sh with `body` (@V@ the value), run by the workflow: base and head texts."""
    text = "#!/bin/bash\nset -e\n" + body
    return {SH: text.replace("@V@", OLD), **run(f"bash {SH}")}, {SH: text.replace("@V@", NEW)}


# A Helm chart whose migration Job (a pre-upgrade hook) runs the task its values give, and an
# Ansible play and role task that run the task their variables give.
TEMPLATE = "chart/templates/migrate-job.yaml"
CHART = {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
         TEMPLATE: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n"
                   "    \"helm.sh/hook\": pre-install,pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
                   "      containers:\n        - name: migrate\n          image: \"{{ .Values.image }}\"\n"
                   "          command: [\"npx\", \"knex\", {{ .Values.migrate.task | quote }}]\n"}
TASKS = "- name: migrate\n  ansible.builtin.shell: npx knex {{ knex_task }}\n  args:\n    chdir: /srv/app\n"
PLAY = "- hosts: app\n  tasks:\n" + "".join("    " + l + "\n" for l in TASKS.splitlines())

# Each: the base's files, the pull request's, and the file and the text of the line reported.
CASES = {
    # F1: a value in another file.
    "mkinclude": ({"Makefile": "include config.mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", "config.mk": f"KNEX_TASK = {OLD}\n", **run("make migrate")},
                  {"config.mk": f"KNEX_TASK = {NEW}\n"}, "Makefile", "npx knex"),
    "mkdotenv": ({"Makefile": "include .env\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", ".env": f"KNEX_TASK={OLD}\n", **run("make migrate")},
                 {".env": f"KNEX_TASK={NEW}\n"}, "Makefile", "npx knex"),
    "justdotenv": ({"justfile": "set dotenv-load\n\nmigrate:\n    npx knex $KNEX_TASK\n", ".env": f"KNEX_TASK={OLD}\n", **run("just migrate")},
                   {".env": f'KNEX_TASK="{NEW}"\n'}, "justfile", "npx knex"),
    "shsource": ({SH: "#!/bin/sh\nset -e\n. ./deploy.env\nnpx knex $KNEX_TASK\n", "deploy.env": f"KNEX_TASK={OLD}\n", **run(f"sh {SH}")},
                 {"deploy.env": f'KNEX_TASK="{NEW}"\n'}, SH, "npx knex"),
    "ghenv": ({"deploy.env": f"KNEX_TASK={OLD}\n", WF: steps('      - run: cat deploy.env >> "$GITHUB_ENV"\n', "      - run: npx knex $KNEX_TASK\n")},
              {"deploy.env": f"KNEX_TASK={NEW}\n"}, WF, "npx knex"),
    "catfile": ({SH: "#!/bin/bash\nset -e\nnpx knex $(cat deploy/knex-task)\n", "deploy/knex-task": f"{OLD}\n", **run(f"bash {SH}")},
                {"deploy/knex-task": f"{NEW}\n"}, SH, "npx knex"),
    "jq": ({SH: "#!/bin/bash\nset -e\nnpx knex $(jq -r .knexTask deploy.json)\n", "deploy.json": f'{{"knexTask": "{OLD}"}}\n', **run(f"bash {SH}")},
           {"deploy.json": f'{{"knexTask": "{NEW}"}}\n'}, SH, "npx knex"),
    "gitlab_include": ({".gitlab-ci.yml": "include:\n  - local: ci/vars.yml\nmigrate:\n  script:\n    - npx knex $KNEX_TASK\n",
                        "ci/vars.yml": f"variables:\n  KNEX_TASK: {OLD}\n"},
                       {"ci/vars.yml": "variables:\n  KNEX_TASK: migrate:rollback\n"}, ".gitlab-ci.yml", "npx knex"),
    # F2: a Kubernetes env value under `- name: KNEX_TASK`, read by a shell or by Kubernetes' `$(KNEX_TASK)`.
    **{v: ({"k8s/migrate-job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n"
                                    "      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: ghcr.io/acme/app:latest\n"
                                    f"          command: {cmd}\n          env:\n            - name: NODE_ENV\n              value: production\n"
                                    f"            - name: KNEX_TASK\n              value: {OLD}\n", **run("kubectl apply -f k8s/migrate-job.yaml")},
               None, "k8s/migrate-job.yaml", "command:")
       for v, cmd in (("k8s_sh", '["sh", "-c", "npx knex $KNEX_TASK"]'), ("k8s_dollarparen", '["npx", "knex", "$(KNEX_TASK)"]'))},
    # F4: a value set in a form no key reader takes, in the same file.
    **{v: (*script(body), SH, "npx knex") for v, body in (
        ("local", 'migrate() {\n  local task="@V@"\n  npx knex $task\n}\nmigrate\n'),
        ("case", 'case "${DEPLOY_ENV:-production}" in\n  production) TASK="@V@" ;;\n  *) TASK="migrate:status" ;;\nesac\nnpx knex $TASK\n'),
        ("readonly", 'readonly TASK="@V@"\nnpx knex $TASK\n'),
        ("declare", 'declare -r TASK="@V@"\nnpx knex $TASK\n'),
        ("printfv", 'printf -v TASK "%s" "@V@"\nnpx knex $TASK\n'),
        ("setargs", 'set -- @V@\nnpx knex "$@"\n'),
        ("heredoc", 'while read -r t; do npx knex $t; done <<EOF\n@V@\nEOF\n'))},
    "justparam": ({"justfile": f'migrate task="{OLD}":\n    npx knex {{{{task}}}}\n', **run("just migrate")},
                  {"justfile": 'migrate task="migrate:rollback":\n    npx knex {{task}}\n'}, "justfile", "npx knex"),
    "mktargetvar": ({"Makefile": f"migrate: KNEX_TASK = {OLD}\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", **run("make migrate")},
                    {"Makefile": f"migrate: KNEX_TASK = {NEW}\nmigrate:\n\tnpx knex $(KNEX_TASK)\n"}, "Makefile", "npx knex"),
    "mkdefine": ({"Makefile": f"define KNEX_TASK\n{OLD}\nendef\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", **run("make migrate")},
                 {"Makefile": f"define KNEX_TASK\n{NEW}\nendef\nmigrate:\n\tnpx knex $(KNEX_TASK)\n"}, "Makefile", "npx knex"),
    # A removed line changes the value too: the script's override, a GitLab variable (the job's own
    # default, `migrate:latest`, then gives way to the project's CI/CD variable).
    "deleted_line": ({SH: f'#!/bin/bash\nset -e\nTASK="${{KNEX_TASK:-{NEW}}}"\nTASK="{OLD}"\nnpx knex $TASK\n', **run(f"bash {SH}")},
                     {SH: f'#!/bin/bash\nset -e\nTASK="${{KNEX_TASK:-{NEW}}}"\nnpx knex $TASK\n'}, SH, "npx knex"),
    "deleted_key": ({".gitlab-ci.yml": f"variables:\n  NODE_ENV: production\n  KNEX_TASK: {OLD}\nmigrate:\n  script:\n    - npx knex $KNEX_TASK\n"},
                    {".gitlab-ci.yml": "variables:\n  NODE_ENV: production\nmigrate:\n  script:\n    - npx knex $KNEX_TASK\n"},
                    ".gitlab-ci.yml", "npx knex"),
    # F5: a Helm template's or Ansible task's `{{ }}` word, its value in a values file, group_vars or a role's defaults.
    "helm_values": ({**CHART, "chart/values.yaml": f"image: ghcr.io/acme/app:latest\nmigrate:\n  task: {OLD}\n", **run("helm upgrade --install app ./chart")},
                    {"chart/values.yaml": "image: ghcr.io/acme/app:latest\nmigrate:\n  task: migrate:rollback\n"}, TEMPLATE, "command:"),
    "helm_values_env": ({**CHART, "chart/values.yaml": "image: ghcr.io/acme/app:latest\n", "deploy/production.yaml": f"migrate:\n  task: {OLD}\n",
                         **run("helm upgrade --install app ./chart -f deploy/production.yaml")},
                        {"deploy/production.yaml": "migrate:\n  task: migrate:rollback\n"}, TEMPLATE, "command:"),
    "helm_values_folder": ({**CHART, "chart/values.yaml": "image: ghcr.io/acme/app:latest\n", "chart/env/production.yaml": f"migrate:\n  task: {OLD}\n",
                            **run("helm upgrade --install app ./chart -f \"$VALUES\"")},
                           {"chart/env/production.yaml": "migrate:\n  task: migrate:rollback\n"}, TEMPLATE, "command:"),
    "ansible_group_vars": ({"ansible/deploy.yml": PLAY, "ansible/inventory": "[app]\napp1.example.com\n", "ansible/group_vars/all.yml": f"knex_task: {OLD}\n",
                            **run("ansible-playbook -i ansible/inventory ansible/deploy.yml")},
                           {"ansible/group_vars/all.yml": "knex_task: migrate:rollback\n"}, "ansible/deploy.yml", "npx knex"),
    "ansible_role_defaults": ({"site.yml": "- hosts: app\n  roles:\n    - migrate\n", "roles/migrate/tasks/main.yml": TASKS,
                               "roles/migrate/defaults/main.yml": f"knex_task: {OLD}\n", **run("ansible-playbook -i hosts site.yml")},
                              {"roles/migrate/defaults/main.yml": "knex_task: migrate:rollback\n"}, "roles/migrate/tasks/main.yml", "npx knex"),
    "ansible_vars_files": ({"deploy/site.yml": PLAY.replace("  tasks:", "  vars_files:\n    - vars/knex.yml\n  tasks:"), "deploy/vars/knex.yml": f"knex_task: {OLD}\n",
                            **run("ansible-playbook deploy/site.yml")},
                           {"deploy/vars/knex.yml": "knex_task: migrate:rollback\n"}, "deploy/site.yml", "npx knex"),
}
# The Kubernetes pull requests change only the `value:` line.
for _v in ("k8s_sh", "k8s_dollarparen"):
    _base = CASES[_v][0]
    CASES[_v] = (_base, {"k8s/migrate-job.yaml": _base["k8s/migrate-job.yaml"].replace(f"value: {OLD}", "value: migrate:rollback")}, *CASES[_v][2:])



# Red team R90 F1: a value file the script names in another form, or a computed path's folder.
def _sh(body, files, change):
    return ({SH: "#!/bin/bash\nset -e\n" + body + "npx knex $KNEX_TASK\n", **files, **run(f"bash {SH}")}, change, SH, "npx knex")


CASES.update({
    "grepxargs": _sh("export $(grep -v '^#' .env | xargs)\n", {".env": f"# deploy\nKNEX_TASK={OLD}\n"}, {".env": f"# deploy\nKNEX_TASK={NEW}\n"}),
    "dirsubst": _sh('. "$(dirname "$0")/../config/deploy.env"\n', {"config/deploy.env": f"KNEX_TASK={OLD}\n"},
                    {"config/deploy.env": f'KNEX_TASK="{NEW}"\n'}),
    "scriptdir": _sh('SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"\n. "$SCRIPT_DIR/../config/deploy.env"\n',
                     {"config/deploy.env": f"KNEX_TASK={OLD}\n"}, {"config/deploy.env": f'KNEX_TASK="{NEW}"\n'}),
    "shloop": _sh('for f in config/env/*.env; do . "./$f"; done\n', {"config/env/deploy.env": f"KNEX_TASK={OLD}\n"},
                  {"config/env/deploy.env": f'KNEX_TASK="{NEW}"\n'}),
    "readfile": _sh("read -r KNEX_TASK < deploy/knex-task\n", {"deploy/knex-task": f"{OLD}\n"}, {"deploy/knex-task": "migrate:rollback\n"}),
    "nodep": ({SH: "#!/bin/bash\nset -e\nnpx knex $(node -p \"require('./config/deploy.json').knexTask\")\n",
               "config/deploy.json": f'{{"knexTask": "{OLD}"}}\n', **run(f"bash {SH}")},
              {"config/deploy.json": '{"knexTask": "migrate:rollback"}\n'}, SH, "npx knex"),
    "mkcomputed": ({"Makefile": "ENV ?= production\ninclude config/$(ENV).mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n",
                    "config/production.mk": f"KNEX_TASK = {OLD}\n", **run("make migrate")},
                   {"config/production.mk": f"KNEX_TASK = {NEW}\n"}, "Makefile", "npx knex"),
    "mkglob": ({"Makefile": "include mk/*.mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", "mk/deploy.mk": f"KNEX_TASK = {OLD}\n", **run("make migrate")},
               {"mk/deploy.mk": f"KNEX_TASK = {NEW}\n"}, "Makefile", "npx knex"),
})


# Red team R90 F2: the workflow job's `env:` gives the value a script or a Makefile recipe reads.
def _job_env(step, value, more=""):
    return steps(f"      - run: {step}\n").replace("    runs-on: ubuntu-22.04\n", f"    runs-on: ubuntu-22.04\n    env:\n{more}      KNEX_TASK: {value}\n")


CASES.update({
    "wfenv_sh": ({SH: "#!/bin/sh\nset -e\nnpx knex $KNEX_TASK\n", WF: _job_env(f"sh {SH}", OLD)}, {WF: _job_env(f"sh {SH}", "migrate:rollback")},
                 SH, "npx knex"),
    "wfenv_make": ({"Makefile": "migrate:\n\tnpx knex $(KNEX_TASK)\n", WF: _job_env("make migrate", OLD)},
                   {WF: _job_env("make migrate", "migrate:rollback")}, "Makefile", "npx knex"),
})

# helm's `--set` on the deploy's line gives the chart's template its value (red team R90 F2).
HELM_SET = "helm upgrade --install app ./chart --set migrate.task={}"
CASES["helmset"] = ({**CHART, "chart/values.yaml": "image: ghcr.io/acme/app:latest\n", **run(HELM_SET.format("migrate:latest"))},
                    run(HELM_SET.format("migrate:rollback")), TEMPLATE, "command:")


def control_helmset(binary, tmp):
    """The deploy gives the chart `--set migrate.task=...`; the pull request adds another step to the
    workflow and leaves the helm line as it was: exit 0."""
    r = Repo(binary, os.path.join(tmp, "control_helmset"))
    b = r.commit({**KNEX, **CHART, "chart/values.yaml": "image: ghcr.io/acme/app:latest\n", **run(HELM_SET.format("migrate:latest"))})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({WF: steps(f"      - run: {HELM_SET.format('migrate:latest')}\n", "      - run: echo deployed\n")})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")

# npm gives a script `npm_package_config_<key>` from package.json's `config` (red team R90 F2).
def _pkg(task):
    return ('{\n  "name": "app",\n  "private": true,\n  "config": {\n    "knexTask": "' + task + '"\n  },\n'
            '  "scripts": {\n    "migrate": "sh scripts/migrate.sh"\n  },\n  "dependencies": {\n    "knex": "3.1.0",\n    "pg": "8.11.0"\n  }\n}\n')


def _pkg_db(task):
    return _pkg(task).replace('"migrate": "sh scripts/migrate.sh"', '"db": "knex $npm_package_config_knexTask"')


CASES["npmconfig_run"] = ({"package.json": _pkg_db(OLD), **run("npm run db")}, {"package.json": _pkg_db("migrate:rollback")}, WF, "npm run db")


def control_npm(binary, tmp):
    """`npm run db` runs `knex $npm_package_config_knexTask` (a standing unknown); the pull
    request bumps a dependency and the package's version, not its `config`: exit 0."""
    pkg = _pkg_db(OLD)
    r = Repo(binary, os.path.join(tmp, "control_npm"))
    b = r.commit({**KNEX, "package.json": pkg, **run("npm run db")})
    git(r.dir, "checkout", "-qb", "deps")
    h = r.commit({"package.json": pkg.replace('"pg": "8.11.0"', '"pg": "8.12.0"').replace('"private": true', '"version": "1.1.0",\n  "private": true')})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


CASES["npmconfig"] = ({"package.json": _pkg(OLD), SH: "#!/bin/sh\nset -e\nnpx knex $npm_package_config_knexTask\n", **run("npm run migrate")},
                      {"package.json": _pkg("migrate:rollback")}, SH, "npx knex")

# nx loads the project root's `.env` for its tasks (red team R90 F2).
NX_PROJECT = ('{\n  "name": "api",\n  "targets": {\n    "migrate": {\n      "command": "knex $KNEX_TASK",\n'
              '      "options": { "cwd": "apps/api" }\n    }\n  }\n}\n')
NX = {"nx.json": '{"installation": {"version": "20.0.0"}}\n', "apps/api/project.json": NX_PROJECT,
      "apps/api/package.json": '{\n  "name": "api",\n  "private": true\n}\n', **run("npx nx run api:migrate")}
CASES["nxenv"] = ({**NX, "apps/api/.env": f"KNEX_TASK={OLD}\n"}, {"apps/api/.env": "KNEX_TASK=migrate:rollback\n"},
                  "apps/api/project.json", "knex $KNEX_TASK")


def control_nx(binary, tmp):
    """The nx project's `.env` gives KNEX_TASK; the pull request changes a README and a `.env` of a
    folder that is no nx project, and `.env.example` at the top: exit 0."""
    r = Repo(binary, os.path.join(tmp, "control_nx"))
    b = r.commit({**KNEX, **NX, "apps/api/.env": f"KNEX_TASK={OLD}\n", "apps/api/README.md": "# api\n", "tools/seed/.env": "A=1\n",
                  ".env.example": "PORT=3000\n"})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"apps/api/README.md": "# api\n\nnx run api:migrate\n", "tools/seed/.env": "A=2\n", ".env.example": "PORT=8080\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")

# A Job's `envFrom: configMapRef:` takes its values from a ConfigMap of its folder, or a kustomize
# configMapGenerator's env file (red team R90 F2).
ENV_JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
           "      containers:\n        - name: migrate\n          image: ghcr.io/acme/app:latest\n"
           "          command: [\"sh\", \"-c\", \"npx knex $KNEX_TASK\"]\n          envFrom:\n            - configMapRef:\n                name: migrate-env\n")


def _config_map(name, task):
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  KNEX_TASK: {task}\n"


KUSTOMIZATION = ("resources:\n  - migrate-job.yaml\nconfigMapGenerator:\n  - name: migrate-env\n    envs:\n      - migrate.env\n"
                 "generatorOptions:\n  disableNameSuffixHash: true\n")
CASES["configmap"] = ({"k8s/migrate-job.yaml": ENV_JOB, "k8s/migrate-config.yaml": _config_map("migrate-env", OLD), **run("kubectl apply -f k8s/")},
                      {"k8s/migrate-config.yaml": _config_map("migrate-env", "migrate:rollback")}, "k8s/migrate-job.yaml", "command:")
CASES["kustenv"] = ({"k8s/migrate-job.yaml": ENV_JOB, "k8s/kustomization.yaml": KUSTOMIZATION, "k8s/migrate.env": f"KNEX_TASK={OLD}\n",
                     **run("kubectl apply -k k8s")}, {"k8s/migrate.env": "KNEX_TASK=migrate:rollback\n"}, "k8s/migrate-job.yaml", "command:")


def control_configmap(binary, tmp):
    """The Job takes migrate-env; the pull request changes another ConfigMap of its folder (web-env): exit 0."""
    r = Repo(binary, os.path.join(tmp, "control_configmap"))
    b = r.commit({**KNEX, "k8s/migrate-job.yaml": ENV_JOB, "k8s/migrate-config.yaml": _config_map("migrate-env", OLD),
                  "k8s/web-config.yaml": _config_map("web-env", "x"), **run("kubectl apply -f k8s/")})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"k8s/web-config.yaml": _config_map("web-env", "y")})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


def control_wfenv(binary, tmp):
    """The job's `env:` gives KNEX_TASK, which the script reads; the pull request changes another
    name of it (NODE_OPTIONS), which no command reads: exit 0."""
    r = Repo(binary, os.path.join(tmp, "control_wfenv"))
    b = r.commit({**KNEX, SH: "#!/bin/sh\nset -e\nnpx knex $KNEX_TASK\n", WF: _job_env(f"sh {SH}", OLD, "      NODE_OPTIONS: --max-old-space-size=2048\n")})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({WF: _job_env(f"sh {SH}", OLD, "      NODE_OPTIONS: --max-old-space-size=4096\n")})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


def symlink(binary, tmp):
    """scripts/migrate.sh sources ./deploy.env, a symbolic link to config/production.env; the pull
    request changes only the link's target: the script's unknown again, exit 1."""
    r = Repo(binary, os.path.join(tmp, "symlink"))
    os.makedirs(os.path.join(r.dir, "config"), exist_ok=True)
    os.symlink("config/production.env", os.path.join(r.dir, "deploy.env"))
    body = "#!/bin/sh\nset -e\n. ./deploy.env\nnpx knex $KNEX_TASK\n"
    b = r.commit({**KNEX, SH: body, "config/production.env": f"KNEX_TASK={OLD}\n", **run(f"sh {SH}")})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"config/production.env": f'KNEX_TASK="{NEW}"\n'}, "deploy: re-run the migrations from scratch")
    proc, report = pr(r, b, h)
    at = unknowns(report)
    check((SH, 4) in at and proc.returncode == 1, f"unknown at {SH}:4: {at} exit {proc.returncode}\n{proc.stderr}")


def submodule(binary, tmp):
    """config/ is a git submodule holding deploy.env, which scripts/migrate.sh sources; the pull
    request bumps the submodule: the script's unknown again, exit 1."""
    sub = Repo(binary, os.path.join(tmp, "submodule-settings"))
    sub.commit({"deploy.env": f"KNEX_TASK={OLD}\n"})
    r = Repo(binary, os.path.join(tmp, "submodule"))
    git(r.dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "config")
    b = r.commit({**KNEX, SH: "#!/bin/sh\nset -e\n. ./config/deploy.env\nnpx knex $KNEX_TASK\n", **run(f"sh {SH}")})
    git(r.dir, "checkout", "-qb", "feature")
    sub.commit({"deploy.env": f'KNEX_TASK="{NEW}"\n'})
    git(os.path.join(r.dir, "config"), "-c", "protocol.file.allow=always", "pull", "-q", "origin", git(sub.dir, "rev-parse", "--abbrev-ref", "HEAD"))
    h = r.commit({}, "deploy: bump the settings")
    proc, report = pr(r, b, h)
    at = unknowns(report)
    check((SH, 4) in at and proc.returncode == 1, f"unknown at {SH}:4: {at} exit {proc.returncode}\n{proc.stderr}")


def control_named(binary, tmp):
    """Scripts and a Makefile that read values from config/ and mk/ (computed paths) and a lint
    script that names its settings file: the pull request changes files outside those folders, a
    README, and the lint settings (its script has no unknown): exit 0."""
    base = {**KNEX, SH: '#!/bin/bash\nset -e\n. "$(dirname "$0")/../config/deploy.env"\nnpx knex $KNEX_TASK\n',
            "config/deploy.env": f"KNEX_TASK={OLD}\n", "Makefile": "include mk/*.mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n",
            "mk/deploy.mk": f"KNEX_TASK = {OLD}\n", "scripts/lint.sh": "#!/bin/sh\nnpx eslint -c .eslintrc.json src\n",
            ".eslintrc.json": '{"root": true}\n', "docs/config.md": "# config\n", "other/settings.env": "A=1\n", "README.md": "# app\n",
            WF: steps("      - run: make migrate\n", f"      - run: bash {SH}\n", "      - run: sh scripts/lint.sh\n")}
    r = Repo(binary, os.path.join(tmp, "control_named"))
    b = r.commit(base)
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"docs/config.md": "# config\n\nSee config/deploy.env.\n", "other/settings.env": "A=2\n", "README.md": "# app\n\nmake migrate\n",
                  ".eslintrc.json": '{"root": true, "env": {"node": true}}\n'})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


# A Makefile larger than pgfence reads settings files (1 MiB): whether config.mk, which the pull
# request changes, feeds its commands is not known, so that is unknown at its line 1.
CASES["unread_large"] = ({"Makefile": "include config.mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n" + "# padding\n" * 120000,
                          "config.mk": f"KNEX_TASK = {OLD}\n", **run("make migrate")},
                         {"config.mk": f"KNEX_TASK = {NEW}\n"}, "Makefile", "include config.mk")


def line_of(text, needle):
    return next(i + 1 for i, l in enumerate(text.split("\n")) if needle in l)


def value_changed(case):
    def scenario(binary, tmp):
        base, change, path, needle = CASES[case]
        r = Repo(binary, os.path.join(tmp, case))
        b = r.commit({**KNEX, **base})
        git(r.dir, "checkout", "-qb", "feature")
        h = r.commit(change, "deploy: re-run the migrations from scratch")
        proc, report = pr(r, b, h)
        at = unknowns(report)
        where = (path, line_of({**base, **change}[path], needle))
        check(where in at and proc.returncode == 1, f"unknown at {where[0]}:{where[1]}: {at} exit {proc.returncode}\n{proc.stderr}")
    return scenario


def control(binary, tmp):
    """The files above with their standing unknowns; the pull request changes a .env and a config
    file no command file names, a README, a comment and a blank line in the script, the Makefile's
    comment, a Makefile with no unknown, a compose file's image and another Job env entry: exit 0."""
    base = {**KNEX, "Makefile": "include config.mk\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", "config.mk": f"KNEX_TASK = {OLD}\n",
            "tools/Makefile": "build:\n\tnpm run build\n", "README.md": "# app\n", ".env.example": "PORT=3000\n", "other/settings.env": "A=1\n",
            SH: "#!/bin/sh\nset -e\n. ./deploy.env\n# run the migrations\nnpx knex $KNEX_TASK\n", "deploy.env": f"KNEX_TASK={OLD}\n",
            "k8s/migrate-job.yaml": CASES["k8s_sh"][0]["k8s/migrate-job.yaml"],
            WF: steps("      - run: make migrate\n", f"      - run: sh {SH}\n", "      - run: kubectl apply -f k8s/migrate-job.yaml\n")}
    r = Repo(binary, os.path.join(tmp, "control"))
    b = r.commit(base)
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"README.md": "# app\n\nDeploys with make.\n", ".env.example": "PORT=8080\n", "other/settings.env": "A=2\n",
                  "tools/Makefile": "build:\n\tnpm run build -- --prod\n",
                  "Makefile": "include config.mk\n\n# the deploy's step\nmigrate:\n\tnpx knex $(KNEX_TASK)\n",
                  SH: "#!/bin/sh\nset -e\n\n. ./deploy.env\n# run the migrations, as deploy.env says\nnpx knex $KNEX_TASK\n",
                  "k8s/migrate-job.yaml": base["k8s/migrate-job.yaml"].replace("value: production", "value: staging")})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


def control_helm(binary, tmp):
    """A chart whose templates run no tool with a `{{ }}` word (the migration Job's command is
    literal) beside a worker chart whose Job does (a standing unknown), and an Ansible role whose
    task does beside a role with a literal one: the pull request changes the first chart's
    values.yaml and the env values file `helm -f` gives it, and the other role's defaults: exit 0."""
    base = {**KNEX, "chart/Chart.yaml": CHART["chart/Chart.yaml"],
            TEMPLATE: CHART[TEMPLATE].replace("{{ .Values.migrate.task | quote }}", '"migrate:latest"'),
            "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
                                               "  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n"
                                               "        - name: web\n          image: \"{{ .Values.image }}\"\n"
                                               "          command: [\"node\", \"server.js\", {{ .Values.port | quote }}]\n",
            "chart/values.yaml": "image: ghcr.io/acme/app:latest\nreplicas: 2\nport: \"3000\"\n", "chart/env/production.yaml": "replicas: 3\n",
            "ansible/deploy.yml": PLAY.replace("{{ knex_task }}", "migrate:latest"), "ansible/inventory": "[app]\napp1.example.com\n",
            "ansible/group_vars/all.yml": "app_port: 3000\n",
            "worker/Chart.yaml": CHART["chart/Chart.yaml"].replace("app", "worker"), "worker/values.yaml": f"migrate:\n  task: {OLD}\n",
            "worker/templates/migrate-job.yaml": CHART[TEMPLATE],
            "site.yml": "- hosts: app\n  roles:\n    - web\n    - seed\n", "roles/seed/tasks/main.yml": TASKS,
            "roles/seed/defaults/main.yml": f"knex_task: {OLD}\n", "roles/web/tasks/main.yml": TASKS.replace("{{ knex_task }}", "migrate:latest"),
            "roles/web/defaults/main.yml": "web_port: 3000\n",
            WF: steps("      - run: helm upgrade --install app ./chart -f chart/env/production.yaml\n",
                      "      - run: ansible-playbook -i ansible/inventory ansible/deploy.yml\n")}
    r = Repo(binary, os.path.join(tmp, "control_helm"))
    b = r.commit(base)
    git(r.dir, "checkout", "-qb", "scale")
    h = r.commit({"chart/values.yaml": "image: ghcr.io/acme/app:v2\nreplicas: 4\nport: \"8080\"\n", "chart/env/production.yaml": "replicas: 6\n",
                  "roles/web/defaults/main.yml": "web_port: 8080\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {**{c: value_changed(c) for c in CASES}, "control": control, "control_helm": control_helm, "symlink": symlink,
             "submodule": submodule, "control_named": control_named, "control_wfenv": control_wfenv,
             "control_helmset": control_helmset, "control_nx": control_nx,
             "control_configmap": control_configmap,
             "control_npm": control_npm}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
