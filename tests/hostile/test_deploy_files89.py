"""Deploy files pgfence did not read (issue #53, red team R89 F1, F2, F6, F7, F9): a Makefile named
with `make -f` or brought in by `include`, a justfile's `import`, Fly's per-environment
`fly.<env>.toml` and `fly deploy --config FILE`, just's and Task's `{{ }}` variables, a Dockerfile's
exec ENTRYPOINT with its CMD (and a compose `command:` or a Kubernetes `args:` over it), a workflow
`uses: docker://` step's entrypoint with its args. The pull request changes only that file to roll the
migrations back (or psql a DROP TABLE): `pr` and `analyze` must report it (before: both exit 0). The
control: ordinary projects with these files stay clean. `pr` with `--ci --unknown block --max-risk
low`, on real git repositories and the real binary.

    test_deploy_files89.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import WFP, analyze, unknowns  # noqa: E402

KNEX = {"package.json": '{"name":"app","private":true,"scripts":{"start":"node server.js"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
        "knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n',
        "server.js": 'console.log("up");\n',
        "migrations/20240101000000_users.js": 'exports.up = (knex) => knex.schema.createTable("users", (t) => { t.bigIncrements("id"); });\n'
                                              'exports.down = (knex) => knex.schema.dropTable("users");\n'}
UP, DOWN = "npx knex migrate:latest", "npx knex migrate:rollback --all"


def workflow(run, extra=""):
    return ("on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: {run}\n" + extra)


def changed(binary, tmp, name, base, head):
    """A knex project with `base` on main; the pull request writes `head`."""
    r = Repo(binary, os.path.join(tmp, name))
    b = r.commit({**KNEX, **base})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit(head, "deploy: re-run the migrations from scratch")
    return r, b, h


def caught(name, r, b, h, path, line=None):
    """pr exits 1 with an unknown in `path` (at `line` when given); analyze of the head has one too."""
    proc, report = pr(r, b, h)
    at = [u for u in unknowns(report) if u[0] == path and (line is None or u[1] == line)]
    check(at and proc.returncode == 1, f"{name}: pr unknown at {path}:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(proc.returncode == 1 and unknowns(report), f"{name}: analyze unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def recipe(cmd, tab="\t"):
    return f"migrate:\n{tab}{cmd}\n"


def make_file(binary, tmp):
    """`make -f deploy/db.conf`, `make -f Makefile.deploy`, `include ops/db.conf`, `make -f db.Makefile`
    from a package.json script (GNU make manual, "Including Other Makefiles", "Arguments to Specify the Makefile")."""
    cases = [("f_conf", "make -f deploy/db.conf migrate", {}, "deploy/db.conf"),
             ("f_named", "make -f Makefile.deploy migrate", {}, "Makefile.deploy"),
             ("include", "make migrate", {"Makefile": "# local overrides\ninclude ops/db.conf\n"}, "ops/db.conf"),
             ("pkg", "npm run db:deploy", {"package.json": KNEX["package.json"].replace('"start"', '"db:deploy":"make -f db.Makefile migrate","start"')}, "db.Makefile")]
    for name, run, extra, path in cases:
        r, b, h = changed(binary, tmp, name, {WFP: workflow(run), path: recipe(UP), **extra}, {path: recipe(DOWN)})
        caught(name, r, b, h, path, 2)


def just_import(binary, tmp):
    """A justfile's `import "just/db.justfile"` and `mod db` (just manual, "Imports", "Modules")."""
    for name, run, top, path in [("import", "just migrate", 'import "just/db.justfile"\n', "just/db.justfile"),
                                 ("mod", "just db migrate", "mod db 'ops/db.recipes'\n", "ops/db.recipes")]:
        r, b, h = changed(binary, tmp, name, {WFP: workflow(run), "justfile": top, path: recipe(UP, "    ")}, {path: recipe(DOWN, "    ")})
        caught(name, r, b, h, path, 2)


FLY = 'app = "acme-api"\nprimary_region = "ams"\n\n[deploy]\n  release_command = "{}"\n'


def fly_config(binary, tmp):
    """`flyctl deploy --config fly.production.toml` (fly.io/docs/launch/monorepo) and `-c deploy/prod.toml`:
    the release_command the pull request changes; a computed --config is unknown at its line."""
    for name, run, path in [("env", "flyctl deploy --remote-only --config fly.production.toml", "fly.production.toml"),
                            ("other", "fly deploy -c deploy/prod.toml", "deploy/prod.toml")]:
        r, b, h = changed(binary, tmp, name, {WFP: workflow(run), path: FLY.format(UP)}, {path: FLY.format(DOWN)})
        caught(name, r, b, h, path, 5)
    r, b, h = changed(binary, tmp, "computed", {WFP: workflow("flyctl deploy"), "fly.toml": FLY.format(UP)},
                      {WFP: workflow('flyctl deploy --config "fly.$APP_ENV.toml"')})
    caught("computed", r, b, h, WFP, 10)


def just_vars(binary, tmp):
    """just's `task := "..."` and Task's `vars:` put into `{{ }}`: the pull request changes only the
    variable's line; `{{ env_var("T") }}` given to knex is a computed word (unknown)."""
    just = 'task := "{}"\n\n# run the pending migrations\nmigrate:\n    npx knex {{{{task}}}}\n'
    r, b, h = changed(binary, tmp, "just", {WFP: workflow("just migrate"), "justfile": just.format("migrate:latest")},
                      {"justfile": just.format("migrate:rollback --all")})
    caught("just", r, b, h, "justfile", 5)
    task = 'version: "3"\nvars:\n  KNEX_TASK: {}\ntasks:\n  migrate:\n    cmds:\n      - npx knex {{{{.KNEX_TASK}}}}\n'
    r, b, h = changed(binary, tmp, "task", {WFP: workflow("task migrate"), "Taskfile.yml": task.format("migrate:latest")},
                      {"Taskfile.yml": task.format("migrate:rollback --all")})
    caught("task", r, b, h, "Taskfile.yml", 7)
    r, b, h = changed(binary, tmp, "computed", {WFP: workflow("just migrate"), "justfile": just.format("migrate:latest")},
                      {"justfile": 'task := env_var("KNEX_TASK")\n\n# run the pending migrations\nmigrate:\n    npx knex {{task}}\n'})
    caught("computed", r, b, h, "justfile", 5)


DOCKERFILE = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nENTRYPOINT ["npx", "knex"]\nCMD [{}]\n'
JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
       "      containers:\n        - name: migrate\n          image: ghcr.io/acme/api:latest\n          args: [{}]\n")


def entrypoint_cmd(binary, tmp):
    """ENTRYPOINT ["npx", "knex"] + CMD (Docker docs, "Understand how CMD and ENTRYPOINT interact"): the
    pull request changes the CMD, a compose `command:` (`build: .`) or a Job's `args:`."""
    up, down = '"migrate:latest"', '"migrate:rollback", "--all"'
    r, b, h = changed(binary, tmp, "dockerfile", {"Dockerfile": DOCKERFILE.format(up)}, {"Dockerfile": DOCKERFILE.format(down)})
    caught("dockerfile", r, b, h, "Dockerfile", 6)
    compose = "services:\n  migrate:\n    build: .\n    command: [{}]\n"
    r, b, h = changed(binary, tmp, "compose", {"Dockerfile": DOCKERFILE.format(up), "docker-compose.yml": compose.format(up)},
                      {"docker-compose.yml": compose.format(down)})
    caught("compose", r, b, h, "docker-compose.yml", 4)
    r, b, h = changed(binary, tmp, "k8s", {"Dockerfile": DOCKERFILE.format(up), "k8s/migrate-job.yaml": JOB.format(up)},
                      {"k8s/migrate-job.yaml": JOB.format(down)})
    caught("k8s", r, b, h, "k8s/migrate-job.yaml")


STEP = ("      - name: drop the legacy table\n        uses: docker://postgres:15\n        with:\n          entrypoint: {}\n"
        '          args: ${{{{ secrets.DATABASE_URL }}}} -v ON_ERROR_STOP=1 -c "DROP TABLE users"\n')


def docker_action(binary, tmp):
    """A `uses: docker://postgres:15` step's `with.entrypoint: psql` + `with.args: ... -c "DROP TABLE
    users"` (GitHub "Workflow syntax": jobs.<job_id>.steps[*].with.entrypoint, .args): added, or its
    entrypoint changed from pg_isready."""
    r, b, h = changed(binary, tmp, "add", {WFP: workflow(UP)}, {WFP: workflow(UP, STEP.format("psql"))})
    caught("add", r, b, h, WFP, 15)
    r, b, h = changed(binary, tmp, "swap", {WFP: workflow(UP, STEP.format("pg_isready"))}, {WFP: workflow(UP, STEP.format("psql"))})
    caught("swap", r, b, h, WFP, 15)


def control(binary, tmp):
    """No false unknowns: `ENTRYPOINT ["node"]` + `CMD ["server.js"]` with compose `command:` and a
    Deployment's `args:`, a Makefile that includes common.mk (no database) and a computed dependency
    include, fly.toml and fly.staging.toml with no release_command, a justfile and a Taskfile whose
    `{{ }}` name an image tag, a docker:// step that runs pg_isready; the pull request changes harmless
    lines of each: pr clean, exit 0; analyze has no unknown."""
    dockerfile = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["node"]\nCMD ["server.js"]\n'
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n"
              "        - name: web\n          image: ghcr.io/acme/web:latest\n          args: [\"--port\", \"{}\"]\n")
    just = 'image := "ghcr.io/acme/web"\n\nbuild:\n    docker build -t {{{{image}}}}:{{{{ tag }}}} .\n\ndeploy: build\n    {}\n'
    task = 'version: "3"\nvars:\n  IMAGE: ghcr.io/acme/web\ntasks:\n  build:\n    cmds:\n      - docker build -t {{{{.IMAGE}}}}:{{{{.TAG}}}} .\n      - {}\n'
    make = "include common.mk\n-include $(OBJS:.o=.d)\n\nbuild:\n\tdocker build -t $(IMAGE) .\n"
    base = {"Dockerfile": dockerfile, "docker-compose.yml": "services:\n  web:\n    build: .\n    command: [\"server.js\"]\n",
            "k8s/web.yaml": deploy.format("8080"), "Makefile": make, "common.mk": "IMAGE = ghcr.io/acme/web\nlint:\n\tnpx eslint .\n",
            "fly.toml": 'app = "acme"\n\n[http_service]\n  internal_port = 8080\n', "fly.staging.toml": 'app = "acme-staging"\n',
            "justfile": just.format("echo deployed"), "Taskfile.yml": task.format("echo built"),
            WFP: workflow(UP + " && make build && just deploy && task build && flyctl deploy -c fly.staging.toml",
                          "      - uses: docker://postgres:15\n        with:\n          entrypoint: pg_isready\n          args: -h db -t 5\n")}
    r, b, h = changed(binary, tmp, "control", base,
                      {"k8s/web.yaml": deploy.format("8081"), "common.mk": "IMAGE = ghcr.io/acme/web2\nlint:\n\tnpx eslint .\n",
                       "fly.toml": 'app = "acme"\n\n[http_service]\n  internal_port = 8081\n', "fly.staging.toml": 'app = "acme-stg"\n',
                       "justfile": just.format("echo done"), "Taskfile.yml": task.format("echo done"),
                       "Dockerfile": dockerfile.replace("server.js", "main.js"), "docker-compose.yml": "services:\n  web:\n    build: .\n    command: [\"main.js\"]\n",
                       "main.js": 'console.log("up");\n'})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"make_file": make_file, "just_import": just_import, "fly_config": fly_config, "just_vars": just_vars,
             "entrypoint_cmd": entrypoint_cmd, "docker_action": docker_action, "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
