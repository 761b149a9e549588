"""A migration tool's settings surface: every file its own settings loading reads, followed as the
tool follows it (red team e, sections G, H, I, P, Q and item 14). A pull request that changes which
migrations run, or against which history table, in any of those files is HIGH
(migration-tool-settings-changed), and the migrations of a folder it newly names are judged; a
change to an unrelated key of the same files stays clean. Each case is a pull request on a real
git repository, through the real binary's `pgfence pr` (the first against the GitHub double).

    test_settings_surface.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_tool_settings as base  # noqa: E402
from test_tool_settings import Repo, check, findings, git  # noqa: E402

COUNTER = [0]


def pr_case(binary, tmp, base_files, head_files):
    """A fresh repository: base_files on main, head_files (None removes) on the pull request."""
    COUNTER[0] += 1
    d = os.path.join(tmp, f"case{COUNTER[0]}")
    os.makedirs(d)
    r = Repo(binary, d)
    b = r.commit(base_files, "base")
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit(head_files, "change")
    return r.pr_json(b, h)


def settings_changed(report, path):
    return [f["start"]["line"] for p, f in findings(report) if p == path and f["rule"] == "migration-tool-settings-changed"]


def expect_high(binary, tmp, name, base_files, head_files, path, line=None):
    proc, report = pr_case(binary, tmp, base_files, head_files)
    lines = settings_changed(report, path)
    check(proc.returncode == 1 and lines and (line is None or line in lines),
          f"{name}: {path} is reported at {line}: {lines}, exit {proc.returncode}\n"
          f"{[(p, f['rule'], f['start']['line']) for p, f in findings(report)]}\n{proc.stderr[-2000:]}")
    return report


def expect_clean(binary, tmp, name, base_files, head_files):
    proc, report = pr_case(binary, tmp, base_files, head_files)
    got = [(p, f["rule"]) for p, f in findings(report) if not f.get("pre_existing")]
    check(proc.returncode == 0 and not got, f"{name}: an unrelated change stays clean: {got}, exit {proc.returncode}\n{proc.stderr[-2000:]}")


def expect_judged(report, path, rule):
    got = [f["rule"] for p, f in findings(report) if p == path and not f.get("pre_existing")]
    check(rule in got, f"{path} is judged as a migration ({rule}): {got} {sorted(f['path'] for f in report['files'])}")


def first_on_double(binary, tmp, base_files, head_files):
    s = base.double_scenario(binary, tmp, base_files, head_files)

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-2000:]}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")

    base.with_double(s, body)


KNEX_MIGRATIONS = {
    "package.json": '{"name":"app","dependencies":{"knex":"^3","pg":"^8"}}\n',
    "migrations/20240101000000_init.js": "exports.up = (k) => k.raw('CREATE TABLE IF NOT EXISTS orders (id int)');\nexports.down = () => {};\n",
    "migrations/20240101000001_reset.js": "exports.up = (k) => k.raw('TRUNCATE orders');\nexports.down = () => {};\n",
}
KNEXFILE_REQ = ("const m = require('./config/mig');\nmodule.exports = { client: 'pg', connection: process.env.DATABASE_URL,\n"
                "  migrations: { directory: './migrations', tableName: m.table } };\n")


def knex_required_module(binary, tmp):
    """knex loads the knexfile with require(): a module it requires, and one that module requires
    (config/index.js -> ./mig.json), decide the migrations table (KREQCFG2, KREQCFG)."""
    base_files = {**KNEX_MIGRATIONS, "knexfile.js": KNEXFILE_REQ, "config/mig.js": "module.exports = { table: 'knex_migrations' };\n",
                  "src/app.js": "module.exports = { port: 3000 };\n"}
    first_on_double(binary, tmp, base_files, {"config/mig.js": "module.exports = { table: 'knex_migrations_v2' };\n"})
    expect_high(binary, tmp, "KREQCFG2", base_files, {"config/mig.js": "module.exports = { table: 'knex_migrations_v2' };\n"}, "config/mig.js", 1)
    # The whole knexfile is a require of another module (KREQCFG), through an index and a JSON file.
    deep = {**KNEX_MIGRATIONS, "knexfile.js": "module.exports = require('./config/knex');\n",
            "config/knex/index.js": "const t = require(\"./table.json\");\nmodule.exports = { client: 'pg', migrations: { tableName: t.name } };\n",
            "config/knex/table.json": '{"name": "knex_migrations"}\n'}
    expect_high(binary, tmp, "KREQCFG deep", deep, {"config/knex/table.json": '{"name": "knex_migrations_v2"}\n'}, "config/knex/table.json", 1)
    # The module holds migrations.directory: the folder it newly names is judged as knex's migrations.
    moved = {**KNEX_MIGRATIONS, "knexfile.js": "module.exports = require('./config/knex');\n",
             "config/knex.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n"}
    report = expect_high(binary, tmp, "knex module directory", moved,
                         {"config/knex.js": "module.exports = { client: 'pg', migrations: { directory: './db/extra' } };\n",
                          "db/extra/20240201000000_drop.js": "exports.up = (k) => k.raw('DROP TABLE orders');\nexports.down = () => {};\n"},
                         "config/knex.js", 1)
    expect_judged(report, "db/extra/20240201000000_drop.js", "drop-table")
    # A module by a computed name: whatever JSON or script the pull request changes may be it.
    computed = {**KNEX_MIGRATIONS, "knexfile.js": "const path = require('path');\nconst m = require(path.join(__dirname, 'config', 'mig'));\n"
                                                  "module.exports = { client: 'pg', migrations: { tableName: m.table } };\n",
                "config/mig.json": '{"table": "knex_migrations"}\n'}
    proc, report = pr_case(binary, tmp, computed, {"config/mig.json": '{"table": "knex_migrations_v2"}\n'})
    unknown = [f["start"]["line"] for p, f in findings(report) if p == "knexfile.js" and f["rule"] == "unknown-statement"]
    check(proc.returncode == 1 and unknown == [2], f"the computed require is unknown at its line: {unknown} exit {proc.returncode}")
    # The knexfile reads node-config (require('config')) and the environment (.env through dotenv).
    with_config = {**KNEX_MIGRATIONS, "knexfile.js": "require('dotenv').config();\nconst config = require('config');\n"
                                                     "module.exports = { client: 'pg', migrations: { tableName: process.env.KNEX_TABLE,\n"
                                                     "  schemaName: config.get('db.schema') } };\n",
                   "config/default.json": '{"db": {"schema": "public"}}\n', ".env": "KNEX_TABLE=knex_migrations\nPORT=3000\n"}
    expect_high(binary, tmp, "knex node-config", with_config, {"config/production.json": '{"db": {"schema": "v2"}}\n'},
                "config/production.json", 1)
    expect_high(binary, tmp, "knex .env", with_config, {".env": "KNEX_TABLE=knex_migrations_v2\nPORT=3000\n"}, ".env", 1)
    expect_clean(binary, tmp, "knex .env other key", with_config, {".env": "KNEX_TABLE=knex_migrations\nPORT=3001\n"})
    expect_clean(binary, tmp, "knex .env.example", with_config, {".env.example": "KNEX_TABLE=changeme\n"})
    # A file the knexfile reads itself, relative to the folder knex runs in.
    fs_read = {**KNEX_MIGRATIONS, "knexfile.js": "const fs = require('fs');\nconst t = JSON.parse(fs.readFileSync('db/table.json', 'utf8'));\n"
                                                 "module.exports = { client: 'pg', migrations: { tableName: t.name } };\n",
               "db/table.json": '{"name": "knex_migrations"}\n'}
    expect_high(binary, tmp, "knex readFileSync", fs_read, {"db/table.json": '{"name": "knex_migrations_v2"}\n'}, "db/table.json", 1)
    # A module no knexfile loads changes: nothing to say.
    expect_clean(binary, tmp, "knex unrelated module", base_files, {"src/app.js": "module.exports = { port: 3001 };\n"})


SEQ_BASE = {
    "package.json": '{"name":"app","dependencies":{"sequelize-cli":"^6","pg":"^8"}}\n',
    ".sequelizerc": "const path = require('path');\nmodule.exports = {\n  'config': path.resolve('db', 'cfg.json'),\n"
                    "  'migrations-path': path.resolve('migrations'),\n};\n",
    "db/cfg.json": '{"production":{"dialect":"postgres","use_env_variable":"DATABASE_URL"}}\n',
    "migrations/20240101000000-init.js": "module.exports = { up: (q) => q.sequelize.query('CREATE TABLE IF NOT EXISTS orders (id int)'), down: () => {} };\n",
    "migrations/20240101000001-reset.js": "module.exports = { up: (q) => q.sequelize.query('TRUNCATE orders'), down: () => {} };\n",
}


def sequelizerc_config(binary, tmp):
    """.sequelizerc's `config` names the file sequelize-cli reads migrationStorageTableName from (SEQRCCFG)."""
    expect_high(binary, tmp, "SEQRCCFG", SEQ_BASE,
                {"db/cfg.json": '{"production":{"dialect":"postgres","use_env_variable":"DATABASE_URL",\n"migrationStorageTableName":"sequelize_meta_v2"}}\n'},
                "db/cfg.json", 2)
    expect_high(binary, tmp, "SEQRC storage none", SEQ_BASE,
                {"db/cfg.json": '{"production":{"dialect":"postgres",\n"migrationStorage":"none"}}\n'}, "db/cfg.json", 2)
    # The red team's one-line .sequelizerc: both keys on one line.
    one_line = {**SEQ_BASE, ".sequelizerc": "const path = require('path'); module.exports = { 'config': path.resolve('db', 'cfg.json'), "
                                            "'migrations-path': path.resolve('migrations') };\n"}
    expect_high(binary, tmp, "SEQRCCFG one line", one_line,
                {"db/cfg.json": '{"production":{"dialect":"postgres","use_env_variable":"DATABASE_URL","migrationStorageTableName":"v2"}}\n'},
                "db/cfg.json", 1)
    # `exports.config = __dirname + ...`: computed, so a JSON file the pull request changes may be it.
    computed = {**SEQ_BASE, ".sequelizerc": "const path = require('path');\nexports.config = __dirname + '/db/cfg.json';\n"
                                            "exports['migrations-path'] = path.resolve('migrations');\n"}
    proc, report = pr_case(binary, tmp, computed,
                           {"db/cfg.json": '{"production":{"dialect":"postgres","migrationStorageTableName":"v2"}}\n'})
    unknown = [f["start"]["line"] for p, f in findings(report) if p == ".sequelizerc" and f["rule"] == "unknown-statement"]
    check(proc.returncode == 1 and 2 in unknown, f"a computed config path is unknown: {unknown} exit {proc.returncode}")
    # options-path: a JSON file of more options, which may name another config or migrations path.
    with_options = {**SEQ_BASE, ".sequelizerc": SEQ_BASE[".sequelizerc"].replace("};", "  'options-path': 'db/options.json',\n};"),
                    "db/options.json": '{"debug": false}\n'}
    expect_high(binary, tmp, "sequelize options-path", with_options, {"db/options.json": '{"debug": false,\n"config": "db/other.json"}\n'},
                "db/options.json", 2)
    expect_clean(binary, tmp, "sequelize config logging", SEQ_BASE,
                 {"db/cfg.json": '{"production":{"dialect":"postgres","use_env_variable":"DATABASE_URL","logging":false}}\n'})


NPM_BASE = {
    "package.json": '{"name":"app","dependencies":{"node-pg-migrate":"^7","pg":"^8","config":"^3"},"scripts":{"migrate":"node-pg-migrate up"}}\n',
    "config/default.json": '{"db":{"url":"postgres://db/app","migrations-dir":"migrations"}}\n',
    "migrations/1700000000000_init.js": "exports.up = (pgm) => { pgm.sql('CREATE TABLE IF NOT EXISTS orders (id int)'); };\n",
    "migrations/1700000000001_reset.js": "exports.up = (pgm) => { pgm.sql('TRUNCATE orders'); };\n",
}


def node_config_files(binary, tmp):
    """node-pg-migrate reads the `config` package's merged tree: local.json, production.json,
    production.yaml, custom-environment-variables.json all count (NPMLOCALDB, NPMPRODDB, NPMPRODDBDIR,
    NPMPRODTABLE); a new migrations-dir's migrations are judged; a port change stays clean."""
    expect_high(binary, tmp, "NPMLOCALDB", NPM_BASE, {"config/local.json": '{"db":{"migrations-table":"pgmigrations_v2"}}\n'}, "config/local.json", 1)
    expect_high(binary, tmp, "NPMPRODTABLE", NPM_BASE, {"config/production.json": '{\n  "migrations-table": "pgmigrations_v2"\n}\n'},
                "config/production.json", 2)
    expect_high(binary, tmp, "production.yaml", NPM_BASE, {"config/production.yaml": "db:\n  migrations-schema: other\n"}, "config/production.yaml", 2)
    expect_high(binary, tmp, "custom env", NPM_BASE,
                {"config/custom-environment-variables.json": '{"db":{"migrations-table":"PGM_TABLE"}}\n'},
                "config/custom-environment-variables.json", 1)
    report = expect_high(binary, tmp, "NPMPRODDBDIR", NPM_BASE,
                         {"config/production.json": '{"db":{"migrations-dir":"db/extra"}}\n',
                          "db/extra/1700000000002_drop.js": "exports.up = (pgm) => { pgm.sql('DROP TABLE orders'); };\n"},
                         "config/production.json", 1)
    expect_judged(report, "db/extra/1700000000002_drop.js", "drop-table")
    expect_clean(binary, tmp, "production port", {**NPM_BASE, "config/production.json": '{"port": 8080}\n'},
                 {"config/production.json": '{"port": 8081}\n'})
    # Removing the file that set the table sends the history back to the default table.
    expect_high(binary, tmp, "local.json removed", {**NPM_BASE, "config/local.json": '{"db":{"migrations-table":"pgmigrations_v2"}}\n'},
                {"config/local.json": None}, "config/local.json", 1)
    # NODE_CONFIG_DIR moves node-config's folder: the script line that sets it.
    expect_high(binary, tmp, "NODE_CONFIG_DIR", NPM_BASE,
                {"package.json": NPM_BASE["package.json"].replace('"migrate":"node-pg-migrate up"',
                                                                  '"migrate":"NODE_CONFIG_DIR=ops/cfg node-pg-migrate up"')}, "package.json", 1)
    # A project that does not run node-pg-migrate: its config/ files are not node-pg-migrate's.
    rails = {"Gemfile": "gem 'rails'\n", "config/production.json": '{"schema": "v1"}\n'}
    expect_clean(binary, tmp, "no node-pg-migrate", rails, {"config/production.json": '{"schema": "v2"}\n'})


def diesel_env(binary, tmp):
    """diesel_cli loads .env, whose DIESEL_CONFIG_FILE picks another diesel.toml (DIESELENV): the .env
    line is HIGH, the folder the named file gives is read (its DROP judged), and a later change to
    the named file (any name) is HIGH."""
    base_files = {"Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
                  "diesel.toml": '[migrations_directory]\ndir = "migrations"\n',
                  "migrations/2024-01-01-000000_init/up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
                  "migrations/2024-01-01-000000_init/down.sql": "DROP TABLE orders;\n"}
    head = {".env": "DIESEL_CONFIG_FILE=config/diesel-prod.toml\n",
            "config/diesel-prod.toml": '[migrations_directory]\ndir = "../db/extra"\n',
            "db/extra/2024-01-02-000000_cleanup/up.sql": "DROP TABLE orders;\n"}
    report = expect_high(binary, tmp, "DIESELENV", base_files, head, ".env", 1)
    expect_judged(report, "db/extra/2024-01-02-000000_cleanup/up.sql", "drop-table")
    named = {**base_files, ".env": "DIESEL_CONFIG_FILE=config/diesel-prod.toml\n",
             "config/diesel-prod.toml": '[print_schema]\nfile = "src/schema.rs"\n\n[migrations_directory]\ndir = "../migrations"\n'}
    expect_high(binary, tmp, "named toml", named, {"config/diesel-prod.toml": '[print_schema]\nfile = "src/schema.rs"\n\n[migrations_directory]\ndir = "../db/v2"\n'},
                "config/diesel-prod.toml", 5)


SPRING_BASE = {"src/main/resources/application.yml": "spring:\n  flyway:\n    enabled: true\nserver:\n  port: 8080\n",
               "src/main/resources/db/migration/V1__init.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n"}


def spring_yaml(binary, tmp):
    """Every spring.flyway.* / spring.liquibase.* key of application.yml counts, as in
    application.properties (SPRINGYMLCLEAN): clean-disabled, clean-on-validation-error, table."""
    expect_high(binary, tmp, "SPRINGYMLCLEAN", SPRING_BASE,
                {"src/main/resources/application.yml": "spring:\n  flyway:\n    enabled: true\n    clean-disabled: false\n"
                                                       "    clean-on-validation-error: true\nserver:\n  port: 8080\n",
                 "src/main/resources/db/migration/V1__init.sql": "-- orders\nCREATE TABLE orders (id bigint PRIMARY KEY);\n"},
                "src/main/resources/application.yml", 5)
    expect_high(binary, tmp, "profile yaml table", SPRING_BASE,
                {"src/main/resources/application-prod.yaml": "spring:\n  liquibase:\n    database-change-log-table: changelog_v2\n"},
                "src/main/resources/application-prod.yaml", 3)
    # A removed key goes back to Spring Boot's default: the history table named before is left.
    with_table = {**SPRING_BASE, "src/main/resources/application.yml": "spring:\n  flyway:\n    enabled: true\n    table: history_v2\n"}
    expect_high(binary, tmp, "spring table removed", with_table,
                {"src/main/resources/application.yml": "spring:\n  flyway:\n    enabled: true\n"}, "src/main/resources/application.yml", 1)
    # A file spring.config.import brings in, of any name: its keys under spring.flyway count.
    imported = {**SPRING_BASE, "src/main/resources/db.yml": "spring:\n  flyway:\n    baseline-on-migrate: false\n"}
    expect_high(binary, tmp, "imported yaml", imported,
                {"src/main/resources/db.yml": "spring:\n  flyway:\n    baseline-on-migrate: false\n    table: history_v2\n"},
                "src/main/resources/db.yml", 4)
    expect_clean(binary, tmp, "spring server port", SPRING_BASE,
                 {"src/main/resources/application.yml": "spring:\n  flyway:\n    enabled: true\nserver:\n  port: 9090\n"})


GOOSE_BASE = {"Makefile": "migrate:\n\tgoose -dir migrations postgres $$DATABASE_URL up\n\ntest:\n\tgo test ./...\n",
              "migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE IF NOT EXISTS orders (id bigint);\n",
              "migrations/00002_reset.sql": "-- +goose Up\nTRUNCATE orders;\n"}


def command_lines(binary, tmp):
    """A goose / dbmate / golang-migrate command line in a Makefile, a justfile or a CI workflow
    decides the folder and the history table (GOOSEMAKE, GOOSEMAKEDIR): HIGH, and the new folder's
    migrations are judged; another target's change stays clean."""
    expect_high(binary, tmp, "GOOSEMAKE", GOOSE_BASE,
                {"Makefile": GOOSE_BASE["Makefile"].replace("-dir migrations", "-dir migrations -table goose_v2")}, "Makefile", 2)
    report = expect_high(binary, tmp, "GOOSEMAKEDIR", GOOSE_BASE,
                         {"Makefile": GOOSE_BASE["Makefile"].replace("-dir migrations", "-dir sql/extra"),
                          "sql/extra/00003_x.sql": "-- +goose Up\nDROP TABLE orders;\n"}, "Makefile", 2)
    expect_judged(report, "sql/extra/00003_x.sql", "drop-table")
    report = expect_high(binary, tmp, "justfile", GOOSE_BASE,
                         {"justfile": "deploy:\n    dbmate --migrations-dir db/other up\n",
                          "db/other/20240101_x.sql": "-- migrate:up\nDROP TABLE orders;\n"}, "justfile", 2)
    expect_judged(report, "db/other/20240101_x.sql", "drop-table")
    report = expect_high(binary, tmp, "workflow", GOOSE_BASE,
                         {".github/workflows/deploy.yml": "on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n"
                                                          "      - run: migrate -path db/gm -database $DATABASE_URL up\n",
                          "db/gm/1_x.up.sql": "DROP TABLE orders;\n"}, ".github/workflows/deploy.yml", 6)
    expect_judged(report, "db/gm/1_x.up.sql", "drop-table")
    with_table = {**GOOSE_BASE, "Makefile": "export GOOSE_TABLE=goose_v2\n" + GOOSE_BASE["Makefile"]}
    expect_high(binary, tmp, "GOOSE_TABLE removed", with_table, {"Makefile": GOOSE_BASE["Makefile"]}, "Makefile", 1)
    report = expect_high(binary, tmp, "diesel --migration-dir", GOOSE_BASE,
                         {"Makefile": GOOSE_BASE["Makefile"] + "\ndiesel:\n\tdiesel migration run --migration-dir db/dsl\n",
                          "db/dsl/2024-01-01-000000_x/up.sql": "DROP TABLE orders;\n"}, "Makefile", 8)
    expect_judged(report, "db/dsl/2024-01-01-000000_x/up.sql", "drop-table")
    expect_high(binary, tmp, "fly.toml", GOOSE_BASE,
                {"fly.toml": "[deploy]\n  release_command = \"goose -dir migrations -table goose_v2 postgres $DATABASE_URL up\"\n"}, "fly.toml", 2)
    # The settings file a command line names: knex --knexfile, flyway -configFiles.
    named = {**KNEX_MIGRATIONS, "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest --knexfile db/knex.config.js"}}\n',
             "db/knex.config.js": "module.exports = { client: 'pg', migrations: { directory: '../migrations' } };\n"}
    expect_high(binary, tmp, "knex --knexfile", named,
                {"db/knex.config.js": "module.exports = { client: 'pg', migrations: { directory: '../migrations',\n  tableName: 'v2' } };\n"},
                "db/knex.config.js", 2)
    flyway = {"Makefile": "migrate:\n\tflyway -configFiles=conf/prod.conf,conf/extra.conf migrate\n", "conf/prod.conf": "flyway.locations=filesystem:sql\n",
              "sql/V1__init.sql": "CREATE TABLE orders (id bigint);\n"}
    expect_high(binary, tmp, "flyway -configFiles", flyway, {"conf/extra.conf": "flyway.cleanDisabled=false\n"}, "conf/extra.conf", 1)
    expect_high(binary, tmp, "k8s job", GOOSE_BASE,
                {"deploy/migrate-job.yaml": "kind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n"
                                            "          command: [\"goose\", \"-table\", \"goose_v2\", \"up\"]\n"}, "deploy/migrate-job.yaml", 7)
    expect_clean(binary, tmp, "Makefile test target", GOOSE_BASE, {"Makefile": GOOSE_BASE["Makefile"].replace("go test", "go test -race")})


SCENARIOS = {"knex_required_module": knex_required_module, "sequelizerc_config": sequelizerc_config,
             "node_config_files": node_config_files, "diesel_env": diesel_env, "spring_yaml": spring_yaml,
             "command_lines": command_lines}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    p.add_argument("--double")
    p.add_argument("--schemas")
    p.add_argument("--sarif-schema")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    base.ARGS = args
    if not (args.double and args.schemas and os.path.isdir(args.schemas)):
        print(f"SKIP: {args.scenario} needs the GitHub double and its schemas")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SCENARIOS[args.scenario](args.binary, tmp)
        except AssertionError as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
