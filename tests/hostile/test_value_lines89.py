"""A pull request that changes only a value an unchanged command reads (issue #53, red team R89 F3,
F4): approvals bind to what runs. `pr` reads the command files as `analyze` does, in the base and the
head: a command that resolves to other words (a Kubernetes container's `args:` apart from its
`command:`, a make variable, a Cloud Build step's block `args:`) is reported at its line, and so is
an unknown command whose value changed (a shell variable above it, GitLab `variables:`, npm's
`config`, a composite action's input `default:`, a caller's `with:`). A pull request that changes
only unrelated lines of the same files reports nothing. `pr` with `--ci --unknown block --max-risk
low`, on real git repositories and the real binary.

    test_value_lines89.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import unknowns  # noqa: E402

KNEX = {"package.json": '{"name":"app","private":true,"scripts":{"start":"node server.js"},'
                        '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
        "knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n',
        "server.js": 'console.log("up")\n',
        "migrations/20240101000000_users.js": 'exports.up = (knex) => knex.schema.createTable("users", (t) => { t.bigIncrements("id"); });\n'
                                              'exports.down = (knex) => knex.schema.dropTable("users");\n'}
OLD, NEW = "migrate:latest", "migrate:rollback --all"
WF = ".github/workflows/deploy.yml"
HEAD = "name: deploy\non:\n  push:\n    branches: [main]\njobs:\n"


def steps(*more):
    return HEAD + "  deploy:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n" + "".join(more)


JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
       "      containers:\n        - name: migrate\n          image: ghcr.io/acme/api:latest\n          command: [\"npx\", \"knex\"]\n")
ACTION = ("name: migrate\ndescription: run knex\ninputs:\n  task:\n    description: the task to run\n    default: migrate:latest\n"
          "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: npx knex ${{ inputs.task }}\n")
REUSABLE = ("name: migrate\non:\n  workflow_call:\n    inputs:\n      task:\n        type: string\n        default: migrate:latest\njobs:\n"
            "  m:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx knex ${{ inputs.task }}\n")
GITLAB = "variables:\n  KNEX_TASK: migrate:latest\nmigrate:\n  stage: deploy\n  image: node:20\n  script:\n    - npm ci\n    - npx knex $KNEX_TASK\n"

# Each: the base's files, the pull request's, and the file and text of the command reported.
CASES = {
    "k8s_flow": ({"deploy/k8s/migrate-job.yaml": JOB + '          args: ["migrate:latest"]\n'},
                 {"deploy/k8s/migrate-job.yaml": JOB + '          args: ["migrate:rollback", "--all"]\n'}, "deploy/k8s/migrate-job.yaml", None),
    "k8s_block": ({"deploy/k8s/migrate-job.yaml": JOB + "          args:\n            - migrate:latest\n"},
                  {"deploy/k8s/migrate-job.yaml": JOB + "          args:\n            - migrate:rollback\n            - --all\n"},
                  "deploy/k8s/migrate-job.yaml", None),
    "makevar": ({"Makefile": f"KNEX_TASK = {OLD}\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n", WF: steps("      - run: make migrate\n")},
                {"Makefile": f"KNEX_TASK = {NEW}\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n"}, "Makefile", "npx knex"),
    "cloudbuild": ({"cloudbuild.yaml": "steps:\n  - name: node:20\n    entrypoint: npx\n    args:\n      - knex\n      - migrate:latest\n"},
                   {"cloudbuild.yaml": "steps:\n  - name: node:20\n    entrypoint: npx\n    args:\n      - knex\n      - migrate:rollback\n      - --all\n"},
                   "cloudbuild.yaml", None),
    "composite": ({".github/actions/migrate/action.yml": ACTION, WF: steps(f"      - uses: ./.github/actions/migrate\n        with:\n          task: {OLD}\n")},
                  {WF: steps(f"      - uses: ./.github/actions/migrate\n        with:\n          task: {NEW}\n")},
                  ".github/actions/migrate/action.yml", "npx knex"),
    "default": ({".github/actions/migrate/action.yml": ACTION, WF: steps("      - uses: ./.github/actions/migrate\n")},
                {".github/actions/migrate/action.yml": ACTION.replace(OLD, NEW)}, ".github/actions/migrate/action.yml", "npx knex"),
    "reusable": ({".github/workflows/migrate.yml": REUSABLE, WF: HEAD + f"  deploy:\n    uses: ./.github/workflows/migrate.yml\n    with:\n      task: {OLD}\n"},
                 {WF: HEAD + f"  deploy:\n    uses: ./.github/workflows/migrate.yml\n    with:\n      task: {NEW}\n"},
                 ".github/workflows/migrate.yml", "npx knex"),
    "shellvar": ({WF: steps(f'      - name: migrate\n        run: |\n          TASK="{OLD}"\n          npx knex $TASK\n')},
                 {WF: steps(f'      - name: migrate\n        run: |\n          TASK="{NEW}"\n          npx knex $TASK\n')}, WF, "npx knex"),
    "gitlab_vars": ({".gitlab-ci.yml": GITLAB}, {".gitlab-ci.yml": GITLAB.replace(OLD, NEW)}, ".gitlab-ci.yml", "npx knex"),
    "npm_config": ({"package.json": '{"name":"app","private":true,\n"config":{\n  "task":"migrate:latest"\n},\n'
                                    '"scripts":{\n  "migrate":"knex $npm_package_config_task",\n  "start":"node server.js"\n},\n'
                                    '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n', WF: steps("      - run: npm run migrate\n")},
                   {"package.json": '{"name":"app","private":true,\n"config":{\n  "task":"migrate:rollback --all"\n},\n'
                                    '"scripts":{\n  "migrate":"knex $npm_package_config_task",\n  "start":"node server.js"\n},\n'
                                    '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n'}, "package.json", "knex $npm"),
}


def line_of(text, needle):
    return next(i + 1 for i, l in enumerate(text.split("\n")) if needle in l)


def value_changed(case):
    def run(binary, tmp):
        base, change, path, needle = CASES[case]
        r = Repo(binary, os.path.join(tmp, case))
        b = r.commit({**KNEX, **base})
        git(r.dir, "checkout", "-qb", "feature")
        h = r.commit(change, "deploy: re-run the migrations from scratch")
        proc, report = pr(r, b, h)
        at = unknowns(report)
        text = {**base, **change}[path]
        if needle is None:
            check(any(p == path for p, _ in at) and proc.returncode == 1, f"unknown in {path}: {at} exit {proc.returncode}\n{proc.stderr}")
        else:
            check((path, line_of(text, needle)) in at and proc.returncode == 1,
                  f"unknown at {path}:{line_of(text, needle)}: {at} exit {proc.returncode}\n{proc.stderr}")
    return run


def k8s_setting(binary, tmp):
    """The container's `args:` gain `--env staging` (a knexfile environment pgfence did not read as the
    one that runs): the command the cluster runs changed, a settings change at the manifest (before:
    exit 0, nothing)."""
    r = Repo(binary, os.path.join(tmp, "setting"))
    b = r.commit({**KNEX, "deploy/k8s/migrate-job.yaml": JOB + '          args: ["migrate:latest"]\n'})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"deploy/k8s/migrate-job.yaml": JOB + '          args: ["migrate:latest", "--env", "staging"]\n'})
    proc, report = pr(r, b, h)
    at = [(p, f["start"]["line"]) for p, f in findings(report)]
    check(any(p == "deploy/k8s/migrate-job.yaml" for p, _ in at) and proc.returncode == 1, f"a finding in the manifest: {at} exit {proc.returncode}\n{proc.stderr}")


def control(binary, tmp):
    """Every file above with a standing unknown (a shell variable, an input, GitLab's and npm's values);
    the pull request changes a step's name, an unrelated step, a cache key, an input's description, a Job's image,
    a caller's unrelated `with:` key, another GitLab variable, another config key and a comment in the
    Makefile: nothing new, exit 0. (Any other line of a Makefile may set the value its unknown reads:
    test_value_sources90.py.)"""
    wf = lambda name, key, extra: steps(  # noqa: E731
        f"      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: {key}\n",
        f"      - uses: ./.github/actions/migrate\n        with:\n          task: {OLD}\n          verbose: {extra}\n",
        f'      - name: {name}\n        run: |\n          TASK="{OLD}"\n          npx knex $TASK\n', f"      - run: echo {extra}\n")
    pkg = lambda v: ('{"name":"app","private":true,\n"config":{\n  "task":"migrate:latest",\n  "port":"' + v + '"\n},\n'  # noqa: E731
                     '"scripts":{\n  "migrate":"knex $npm_package_config_task",\n  "start":"node server.js"\n},\n'
                     '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n')
    gl = lambda v: GITLAB.replace("variables:\n", f"variables:\n  NODE_ENV: {v}\n")  # noqa: E731
    r = Repo(binary, os.path.join(tmp, "control"))
    b = r.commit({**KNEX, "package.json": pkg("3000"), ".github/actions/migrate/action.yml": ACTION, WF: wf("migrate", "npm-a", "one"),
                  ".gitlab-ci.yml": gl("production"), "deploy/k8s/migrate-job.yaml": JOB + '          args: ["migrate:latest"]\n', "Makefile": f"KNEX_TASK = {OLD}\nPORT = 1\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n"})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"package.json": pkg("8080"), ".github/actions/migrate/action.yml": ACTION.replace("the task to run", "which task to run"),
                  WF: wf("run the migrations", "npm-b", "two"), ".gitlab-ci.yml": gl("staging"),
                  "deploy/k8s/migrate-job.yaml": JOB.replace("api:latest", "api:v2") + '          args: ["migrate:latest"]\n',
                  "Makefile": f"KNEX_TASK = {OLD}\nPORT = 1\n\n# the deploy's step\nmigrate:\n\tnpx knex $(KNEX_TASK)\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {[(p, f['start']['line'], f['rule']) for p, f in findings(report)]} "
                                                         f"exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {**{c: value_changed(c) for c in CASES}, "k8s_setting": k8s_setting, "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
