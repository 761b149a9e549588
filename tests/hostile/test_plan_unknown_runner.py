"""A plan for plain SQL files whose runner pgfence does not know is never offered when it needs a
step outside a transaction (stranger review 88, miss 1 and plans 3). fider runs `./fider migrate`
(Dockerfile) through its own Go runner (app/pkg/dbx/migrate.go: BeginTx, Exec(the whole file),
INSERT history, Commit): every file is one transaction. pgfence read the plain `.sql` files as
autocommit and offered a plan of CREATE INDEX CONCURRENTLY files, four in one, which the real
runner fails: "cannot run inside a transaction block". The plan is now declined, naming why; a
folder a workflow runs with `psql -f` (a runner known from the project's words) keeps its plan.

    test_plan_unknown_runner.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
Scenarios:
  fider_indexes      fider's shape, a file with two CREATE INDEX: declined ("is not known", "cannot prove a
                     plan deploys"), no step with CONCURRENTLY
  fider_one_index    the same with one CREATE INDEX in its own file: declined too
  psql_control       the same folder, a workflow runs each file with `psql -f`: the plan is offered, each
                     index built CONCURRENTLY outside a transaction
  golang_one_query   a golang-migrate folder (which sends a file as one query), two CREATE INDEX: a plan
                     whose files hold one CONCURRENTLY statement each
  psql_config        a plain folder nothing runs, with `tool = "psql"` in .pgfence.toml: the plan is offered,
                     each index CONCURRENTLY outside a transaction, no unknown-runner note; --no-config: declined
  trace_config       the same folder under `trace --plan`: with `--config` naming `tool = "psql"` (and with the
                     .pgfence.toml found from the repository) the plan is rehearsed and proven; --no-config: declined
                     (skipped without PostgreSQL's server binaries)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_review_precision import env, repository  # noqa: E402

INIT = ("CREATE TABLE posts (id serial PRIMARY KEY, tenant_id int NOT NULL, user_id int);\n"
        "CREATE TABLE comments (id serial PRIMARY KEY, tenant_id int NOT NULL, post_id int);\n")
TWO = ("CREATE INDEX posts_user_id_idx ON posts (tenant_id, user_id);\n"
       "CREATE INDEX comments_post_id_idx ON comments (tenant_id, post_id);\n")
ONE = "CREATE INDEX posts_user_id_idx ON posts (tenant_id, user_id);\n"
GO_RUNNER = ('package dbx\n\nimport (\n\t"context"\n\t"database/sql"\n\t"os"\n)\n\n'
             "func runMigration(db *sql.DB, path string) error {\n"
             "\ttx, err := db.BeginTx(context.Background(), nil)\n\tif err != nil {\n\t\treturn err\n\t}\n"
             "\tcontent, _ := os.ReadFile(path)\n"
             "\tif _, err := tx.Exec(string(content)); err != nil {\n\t\ttx.Rollback()\n\t\treturn err\n\t}\n"
             "\tif _, err := tx.Exec(\"INSERT INTO migrations_history (version) VALUES ($1)\", path); err != nil {\n"
             "\t\treturn err\n\t}\n\treturn tx.Commit()\n}\n")
FIDER = {
    "go.mod": "module github.com/getfider/fider\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n",
    "Dockerfile": "FROM alpine:3\nCOPY fider /app/fider\nCOPY migrations /app/migrations\nWORKDIR /app\n"
                  "CMD ./fider migrate && ./fider\n",
    "app/cmd/migrate.go": 'package cmd\n\nimport "github.com/getfider/fider/app/pkg/dbx"\n\n'
                          'func RunMigrate() int {\n\tif err := dbx.Migrate("/migrations"); err != nil {\n\t\treturn 1\n\t}\n\treturn 0\n}\n',
    "app/pkg/dbx/migrate.go": GO_RUNNER,
    "migrations/201701010000_init.sql": INIT,
}
UNKNOWN = "is not known"
PROVE = "cannot prove a plan deploys"


def plan_of(s, path, config=("--no-config",)):
    # The repository, not the one file: its workflows are the project's words about the runner.
    proc = subprocess.run([s.args.binary, "analyze", *config, "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    files = [f for f in json.loads(proc.stdout)["files"] if os.path.normpath(f["path"]) == path]
    check(len(files) == 1, f"one report for {path}: {proc.stdout[:400]}")
    return files[0].get("plan") or {}


def concurrent_lines(sql):
    return [ln for ln in sql.splitlines() if "CONCURRENTLY" in ln.upper() and not ln.lstrip().startswith("--")]


def declined_for_runner(s, path):
    plan = plan_of(s, path)
    why = plan.get("declined") or ""
    check(UNKNOWN in why and PROVE in why and "migrations/" in why,
          f"{path}: the plan is declined for the unknown runner, naming the folder: {json.dumps(plan)[:1200]}")
    check("cannot run inside a transaction block" in why, f"{path}: the decline says why the plan would fail: {why}")
    check('tool = "psql"' in why, f"{path}: the decline says how to name psql as the runner: {why}")
    steps = plan.get("steps") or []
    check(not any(concurrent_lines(st.get("sql", "")) for st in steps), f"{path}: no CONCURRENTLY step is offered: {steps}")


def fider_indexes(s):
    path = "migrations/202105161823_create_indexes.sql"
    repository(s, {**FIDER, path: TWO})
    declined_for_runner(s, path)


def fider_one_index(s):
    path = "migrations/202406111146_add_posts_user_id_index.sql"
    repository(s, {**FIDER, path: ONE})
    declined_for_runner(s, path)


def psql_control(s):
    path = "migrations/202105161823_create_indexes.sql"
    files = {k: v for k, v in FIDER.items() if not k.startswith(("app/", "go.mod", "Dockerfile"))}
    files[".github/workflows/deploy.yml"] = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                                             "      - uses: actions/checkout@v4\n"
                                             "      - run: for f in migrations/*.sql; do psql -v ON_ERROR_STOP=1 \"$DATABASE_URL\" "
                                             "-f \"$f\"; done\n")
    repository(s, {**files, path: TWO})
    plan = plan_of(s, path)
    check(not plan.get("declined"), f"psql -f runs the folder: the plan is offered: {json.dumps(plan)[:1200]}")
    steps = plan.get("steps") or []
    outside = [st for st in steps if st.get("run") == "no transaction"]
    check(len(sum((concurrent_lines(st.get("sql", "")) for st in steps), [])) == 2 and outside,
          f"both indexes are built CONCURRENTLY outside a transaction: {steps}")
    check(not any(n.startswith("pgfence does not know how the project's runner") for n in plan.get("notes", [])),
          f"the runner is known: no note says it is not: {plan.get('notes')}")


def golang_one_query(s):
    path = "db/migrations/2_indexes.up.sql"
    repository(s, {"db/migrations/1_init.up.sql": INIT, "db/migrations/1_init.down.sql": "DROP TABLE comments, posts;\n",
                   path: TWO, "db/migrations/2_indexes.down.sql": "DROP INDEX comments_post_id_idx, posts_user_id_idx;\n"})
    plan = plan_of(s, path)
    steps = plan.get("steps") or []
    check(not plan.get("declined") and steps, f"golang-migrate: a plan is offered: {json.dumps(plan)[:1200]}")
    counts = [len(concurrent_lines(st.get("sql", ""))) for st in steps]
    check(sum(counts) == 2 and max(counts) == 1, f"golang-migrate sends a file as one query: one CONCURRENTLY a file: {counts}")


PLAIN = {"migrations/201701010000_init.sql": INIT, "migrations/202105161823_create_indexes.sql": TWO,
         ".pgfence.toml": 'tool = "psql"\n'}


def psql_config(s):
    path = "migrations/202105161823_create_indexes.sql"
    repository(s, PLAIN)
    plan = plan_of(s, path, config=())
    check(not plan.get("declined"), f'tool = "psql": the plan is offered: {json.dumps(plan)[:1200]}')
    steps = plan.get("steps") or []
    outside = [st for st in steps if st.get("run") == "no transaction"]
    check(len(sum((concurrent_lines(st.get("sql", "")) for st in steps), [])) == 2 and outside,
          f"both indexes are built CONCURRENTLY outside a transaction: {steps}")
    check(not any(n.startswith("pgfence does not know how the project's runner") for n in plan.get("notes", [])),
          f"the runner is named: no note says it is not known: {plan.get('notes')}")
    declined_for_runner(s, path)  # without the configuration the same folder's runner is not known


def trace_config(s):
    import glob
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        print("SKIP: no PostgreSQL server binaries")
        return
    path = "migrations/202105161823_create_indexes.sql"
    os.chmod(s.tmp, 0o755)  # the server's folder goes there, and a root run starts it as another user
    repository(s, PLAIN)
    setup = os.path.join(s.tmp, "setup.sql")
    with open(setup, "w") as f:
        f.write(INIT + "INSERT INTO posts (tenant_id, user_id) SELECT 1, g FROM generate_series(1, 500) g;\n")
    trace_env = {**env(), "PATH": os.path.dirname(bins[-1]) + ":" + os.environ.get("PATH", ""), "TMPDIR": s.tmp}

    def verdict(*config):
        out = os.path.join(s.tmp, "trace.json")
        proc = subprocess.run([s.args.binary, "trace", "--plan", *config, "--format", "json", "-o", out, "--setup", setup, path],
                              cwd=s.repo, env=trace_env, capture_output=True, text=True, timeout=600)
        check(proc.returncode in (0, 1), f"trace {config}: exit {proc.returncode}: {proc.stderr[-800:]}")
        plans = json.load(open(out)).get("plans", [])
        check(len(plans) == 1, f"trace {config}: one plan: {plans}")
        return (plans[0].get("verdict") or {}).get("result"), json.dumps(plans[0])[:1500]

    other = os.path.join(s.tmp, "psql.toml")
    with open(other, "w") as f:
        f.write('tool = "psql"\n')
    os.remove(os.path.join(s.repo, ".pgfence.toml"))
    got, text = verdict("--config", other)
    check(got == "proven", f"trace --config (tool = psql): the plan is rehearsed and proven: {text}")
    got, text = verdict()
    check(got == "declined", f"trace with no configuration: the plan is declined: {text}")
    with open(os.path.join(s.repo, ".pgfence.toml"), "w") as f:
        f.write('tool = "psql"\n')
    got, text = verdict()
    check(got == "proven", f"trace finds .pgfence.toml as analyze does: the plan is proven: {text}")
    got, text = verdict("--no-config")
    check(got == "declined", f"trace --no-config: the plan is declined: {text}")


SCENARIOS = {"fider_indexes": fider_indexes, "fider_one_index": fider_one_index, "psql_control": psql_control,
             "golang_one_query": golang_one_query, "psql_config": psql_config, "trace_config": trace_config}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
