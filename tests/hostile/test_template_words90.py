"""Template words and `$(` in commands (issue #53, red team R89b F5, F6): a Helm chart's Job that runs
`npx knex {{ .Values.migrate.task | quote }}`, an Ansible task's `shell: npx knex {{ knex_task }}`
(values pgfence does not render: unknown at the command's line), and psql given its connection by
`$(...)`: make's `psql $(DATABASE_URL) -c '...'`, `PSQL := psql $(DATABASE_URL)` + `$(PSQL) -c`, a
workflow's `psql $(heroku config:get DATABASE_URL -a x) -c 'DROP TABLE users'` (before: the `)` ended
the command and psql's -c or -f went unread; pr and analyze exit 0). The control: a Helm Job whose
only `{{ }}` is its image, Ansible `{{ }}` outside a migration tool, `psql "$(X)"`, a subshell and
read-only psql stay clean. `pr` with `--ci --unknown block --max-risk low`, on real git repositories
and the real binary.

    test_template_words90.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_deploy_files89 import caught, changed, workflow  # noqa: E402
from test_tool_settings import check, findings  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import WFP, analyze, unknowns  # noqa: E402

JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{{{ .Release.Name }}}}-migrate\n  annotations:\n"
       "    \"helm.sh/hook\": pre-install,pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
       "      containers:\n        - name: migrate\n          image: \"{{{{ .Values.image }}}}\"\n          command: [\"npx\", \"knex\", {}]\n")
CHART = {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n"}
VALUES = "image: ghcr.io/acme/app:latest\nmigrate:\n  task: {}\n"
TASK = "{{ .Values.migrate.task | quote }}"


def analyzed(name, r, path, line):
    """analyze of the head: an unknown at `path`:`line`, exit 1."""
    proc, report = analyze(r)
    check(proc.returncode == 1 and (path, line) in unknowns(report), f"{name}: analyze unknown at {path}:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def helm_task(binary, tmp):
    """The pull request makes the Job's knex verb a Helm value (rolled back in values.yaml): unknown at the
    template's command line in pr and analyze; the chart's values alone changing later: analyze still says it."""
    base = {**CHART, "chart/values.yaml": VALUES.format("migrate:latest"), "chart/templates/migrate-job.yaml": JOB.format('"migrate:latest"'),
            WFP: workflow("helm upgrade --install app ./chart --wait")}
    r, b, h = changed(binary, tmp, "helm_task", base, {"chart/templates/migrate-job.yaml": JOB.format(TASK),
                                                       "chart/values.yaml": VALUES.format("migrate:rollback")})
    caught("helm_task", r, b, h, "chart/templates/migrate-job.yaml", 14)
    analyzed("helm_task", r, "chart/templates/migrate-job.yaml", 14)


def helm_valuesfile(binary, tmp):
    """`helm upgrade -f chart/values-production.yaml`: the pull request changes only that file's task."""
    base = {**CHART, "chart/values.yaml": VALUES.format("migrate:latest"), "chart/values-production.yaml": "migrate:\n  task: migrate:latest\n",
            "chart/templates/migrate-job.yaml": JOB.format(TASK),
            WFP: workflow("helm upgrade --install app ./chart --wait -f chart/values-production.yaml")}
    r, b, h = changed(binary, tmp, "helm_valuesfile", base, {"chart/values-production.yaml": "migrate:\n  task: migrate:rollback\n"})
    analyzed("helm_valuesfile", r, "chart/templates/migrate-job.yaml", 14)


PLAY = "- hosts: app\n  tasks:\n    - name: migrate\n      ansible.builtin.shell: npx knex {{ knex_task }}\n      args:\n        chdir: /srv/app\n"
PLAY_VARS = "- hosts: app\n  vars:\n    knex_task: {}\n  tasks:\n    - name: migrate\n      ansible.builtin.shell: npx knex {{{{ knex_task }}}}\n"
ANSIBLE_RUN = "ansible-playbook -i ansible/inventory ansible/deploy.yml"


def ansible(binary, tmp):
    """The knex verb in group_vars (the pull request rolls it back there): analyze unknown at the task's line."""
    r, b, h = changed(binary, tmp, "ansible", {"ansible/deploy.yml": PLAY, "ansible/group_vars/all.yml": "knex_task: migrate:latest\n",
                                               WFP: workflow(ANSIBLE_RUN)},
                      {"ansible/group_vars/all.yml": "knex_task: migrate:rollback\n"})
    analyzed("ansible", r, "ansible/deploy.yml", 4)


def ansible_same(binary, tmp):
    """The play's own `vars:` line changes: pr reviews the task that uses it; analyze says it too."""
    r, b, h = changed(binary, tmp, "ansible_same", {"ansible/deploy.yml": PLAY_VARS.format("migrate:latest"), WFP: workflow(ANSIBLE_RUN)},
                      {"ansible/deploy.yml": PLAY_VARS.format("migrate:rollback")})
    caught("ansible_same", r, b, h, "ansible/deploy.yml", 6)


MAKEFILE = "PSQL := psql $(DATABASE_URL)\n\n.PHONY: db\ndb:\n\t{}\n"


def make_psql(binary, tmp, name, old, new):
    """A knex project whose deploy runs `make db`; the pull request changes the recipe's line 5."""
    base = {"Makefile": MAKEFILE.format(old), "db/cleanup.sql": "DROP TABLE users;\n",
            WFP: workflow("npx knex migrate:latest && make db")}
    r, b, h = changed(binary, tmp, name, base, {"Makefile": MAKEFILE.format(new)})
    return r, b, h


def make_c(binary, tmp):
    r, b, h = make_psql(binary, tmp, "make_c", "echo nothing to do", "psql $(DATABASE_URL) -c 'DROP TABLE users'")
    caught("make_c", r, b, h, "Makefile", 5)


def make_dashd(binary, tmp):
    r, b, h = make_psql(binary, tmp, "make_dashd", "echo nothing to do", "psql -d $(DATABASE_URL) -c 'DROP TABLE users'")
    caught("make_dashd", r, b, h, "Makefile", 5)


def make_progvar(binary, tmp):
    """`$(PSQL) -c`: make puts in its literal PSQL before the shell runs the recipe (GNU make manual, "Recipe Syntax")."""
    r, b, h = make_psql(binary, tmp, "make_progvar", "echo nothing to do", "$(PSQL) -c 'DROP TABLE users'")
    caught("make_progvar", r, b, h, "Makefile", 5)


def make_change(binary, tmp):
    """The -c SQL of an existing `psql $(DATABASE_URL) -c 'ANALYZE users'` becomes a DROP."""
    r, b, h = make_psql(binary, tmp, "make_change", "psql $(DATABASE_URL) -c 'ANALYZE users'", "psql $(DATABASE_URL) -c 'DROP TABLE users'")
    caught("make_change", r, b, h, "Makefile", 5)


def make_f(binary, tmp):
    """`psql $(DATABASE_URL) -f db/cleanup.sql`: the file is analysed (its DROP TABLE is a finding), pr fails."""
    r, b, h = make_psql(binary, tmp, "make_f", "echo nothing to do", "psql $(DATABASE_URL) -f db/cleanup.sql")
    proc, report = pr(r, b, h)
    rules = [(p, f["rule"]) for p, f in findings(report)]
    check(proc.returncode == 1 and ("db/cleanup.sql", "drop-table") in rules, f"make_f: pr drop-table in db/cleanup.sql: {rules} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(proc.returncode == 1 and any(p.endswith("db/cleanup.sql") and f["rule"] == "drop-table" for p, f in findings(report)),
          f"make_f: analyze drop-table: {[(p, f['rule']) for p, f in findings(report)]} exit {proc.returncode}")


def wf_subst(binary, tmp):
    """A workflow step `psql $(heroku config:get DATABASE_URL -a acme) -c 'DROP TABLE users'`."""
    wf = ".github/workflows/maintenance.yml"
    step = "on:\n  push:\n    branches: [main]\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {}\n"
    r, b, h = changed(binary, tmp, "wf_subst", {wf: step.format("echo nothing to do")},
                      {wf: step.format("psql $(heroku config:get DATABASE_URL -a acme) -c 'DROP TABLE users'")})
    caught("wf_subst", r, b, h, wf, 8)


def control(binary, tmp):
    """No false unknowns: a Helm Job whose `{{ }}` are its name and image with a literal `npx knex
    migrate:latest`, an Ansible play with `{{ }}` in a non-tool task and `npx knex migrate:latest`,
    make's `psql $(DATABASE_URL) -c 'SELECT 1'` and a subshell `(cd db && psql $(DATABASE_URL) -c
    'SELECT 1')`, a workflow's `psql "$(heroku config:get DATABASE_URL)" -c 'SELECT 1'`; the pull request
    changes harmless lines of each: pr clean, exit 0; analyze has no unknown."""
    play = ("- hosts: app\n  vars:\n    greeting: {}\n  tasks:\n    - shell: echo {{{{ greeting }}}}\n"
            "    - ansible.builtin.shell: npx knex migrate:latest\n      args:\n        chdir: /srv/app\n")
    make = "db:\n\tpsql $(DATABASE_URL) -c 'SELECT 1'\n\t(cd db && psql $(DATABASE_URL) -c 'SELECT 1')\n\t@echo {}\n"
    base = {**CHART, "chart/values.yaml": VALUES.format("migrate:latest"), "chart/templates/migrate-job.yaml": JOB.format('"migrate:latest"'),
            "ansible/deploy.yml": play.format("hello"), "Makefile": make.format("done"),
            WFP: workflow("npx knex migrate:latest && make db && psql \"$(heroku config:get DATABASE_URL -a acme)\" -c 'SELECT 1'")}
    r, b, h = changed(binary, tmp, "control", base, {"chart/values.yaml": VALUES.format("migrate:latest").replace("latest\n", "v2\n", 1),
                                                     "ansible/deploy.yml": play.format("hi"), "Makefile": make.format("finished")})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"helm_task": helm_task, "helm_valuesfile": helm_valuesfile, "ansible": ansible, "ansible_same": ansible_same,
             "make_c": make_c, "make_f": make_f, "make_dashd": make_dashd, "make_progvar": make_progvar, "make_change": make_change,
             "wf_subst": wf_subst, "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
