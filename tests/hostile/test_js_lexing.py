"""What pgfence's JavaScript lexer reads differently from Node (red team R79 B16, B17, B4).

Each pull request below made knex's real migrate:latest (or sequelize-cli, typeorm) drop users
while pgfence 0.159625b1 exited 0:

- B16: a legacy octal escape in a string (ECMA-262 12.9.4, LegacyOctalEscapeSequence): Node reads
  `\\052` as `*`, closing a SQL comment pgfence read as open; `require('../lib/h\\145lper')` loads
  lib/helper.js while pgfence followed lib/h145lper.js.
- B17: a '/' read the other way: `{} instanceof /"/` is a regex (pgfence divided, and read a string
  from its quote), `o.of / 1` divides (pgfence saw the keyword `of` and read a regex).
- B4: what stops the lexer in a knexfile, a Sequelize config or a TypeORM data source (an escape in a
  name, a '/' after '}') hid the rest of it from every settings check.

Each is now read as Node reads it, or unknown at its line, in `analyze --ci` and `pr`.

    test_js_lexing.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import BASE, EVIL, gate_both  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

MIGRATION = "migrations/20240101000000_s.js"
DOWN = "exports.down = async () => {};\n"


def octal_comment(s):
    """`\\052/` is `*/` to Node: the comment ends and DROP TABLE runs."""
    text = 'exports.up = async k => { await k.raw("SELECT 1 /* \\052/ ; DROP TABLE users; -- */") }; // expect: drop-table\n' + DOWN
    gate_pull_request(s, MIGRATION, text, BASE, unknown=False)


def octal_comment_slash(s):
    text = 'exports.up = async k => { await k.raw("SELECT 1 /* *\\57 ; DROP TABLE users; -- */") }; // expect: drop-table\n' + DOWN
    gate_pull_request(s, MIGRATION, text, BASE, unknown=False)


def octal_template(s):
    """A template's octal escape is a SyntaxError (a tagged one gets undefined): not read."""
    text = "exports.up = async k => { await k.raw(`SELECT 1 /* \\052/ ; DROP TABLE users; -- */`) }; // expect: unknown-statement\n" + DOWN
    gate_pull_request(s, MIGRATION, text, BASE)


def octal_specifier(s):
    """The module Node loads is lib/helper.js (the DROP), not the lib/h145lper.js the pull request adds."""
    text = ("const h = require('../lib/h\\145lper');\n"
            "exports.up = async k => { await h.run(k) }; // expect: drop-table\n" + DOWN)
    gate_pull_request(s, MIGRATION, text,
                      {**BASE, "lib/helper.js": 'exports.run = async k => { await k.raw("DROP TABLE users"); };\n',
                       "lib/h145lper.js": 'exports.run = async k => { await k.raw("SELECT 1"); };\n'}, unknown=False)


def regex_instanceof(s):
    text = ('exports.up = async k => { await k.raw("SELECT 1") };\n' + DOWN +
            "const ok = {} instanceof /\"/.constructor; exports.up = async k => { await k.raw('DROP TABLE users') }; /\"/; "
            "// expect: drop-table\n")
    gate_pull_request(s, MIGRATION, text, BASE)


def regex_member_of(s):
    text = ('exports.up = async k => { await k.raw("SELECT 1") };\n' + DOWN +
            "const o = { of: 2 }; let x = o.of / 1; exports.up = async k => { await k.raw('DROP TABLE users') }; x = 1 / 1; "
            "// expect: drop-table\n")
    gate_pull_request(s, MIGRATION, text, BASE)


# B4: the rest of a settings script after the lexer's stop is unknown at the stop.
CALLS_SELECT = 'exports.up = async k => { await k.raw("SELECT 1") };\n' + DOWN
KNEX_STOP = ("const c = { client: 'pg', migrations: { directory: './migrations' } };\n"
             "function noop() {}\n"
             "/x/; c.searchPath = ['public\"; DROP TABLE IF EXISTS users; --'];\n"
             "module.exports = c;\n")
KNEX_UESCAPE = ("module.exports = {\n  client: 'pg',\n  migrations: { directory: './migrations' },\n"
                "  search\\u0050ath: ['public\"; DROP TABLE IF EXISTS users; --'],\n};\n")
SEQUELIZE_STOP = ("const c = { development: { dialect: 'postgres', database: 'x' } };\n"
                  "function noop() {}\n"
                  "/x/; c.development.searchPath = 'public; DROP TABLE IF EXISTS users'; c.development.dialectOptions = { prependSearchPath: true };\n"
                  "module.exports = c;\n")
SEQUELIZE_MIGRATION = ("module.exports = { async up(queryInterface) { await queryInterface.sequelize.query('SELECT 1'); },\n"
                       "  async down() {} };\n")
SEQUELIZE = '{"dependencies": {"sequelize": "6", "sequelize-cli": "6", "pg": "8"}}\n'
TYPEORM_UESCAPE = ('const { DataSource } = require("typeorm");\n'
                   "module.exports = new DataSource({\n  type: \"postgres\",\n  url: process.env.DATABASE_URL,\n"
                   '  migrations: ["migrations/*.js"],\n'
                   "  migrationsTable\\u004eame: 'typeorm_migrations\" (id int); DROP TABLE IF EXISTS users; CREATE TABLE \"typeorm_migrations_x',\n"
                   "});\n")
TYPEORM_MIGRATION = ('module.exports = class Noop1700000000001 { name = "Noop1700000000001";\n'
                     '  async up(q) { await q.query("SELECT 1"); }\n  async down(q) {} };\n')
TYPEORM = '{"dependencies": {"typeorm": "0.3.20", "pg": "8"}, "scripts": {"migrate": "typeorm migration:run -d data-source.js"}}\n'


def knexfile_stop_regex(s):
    gate_both(s, {"knexfile.js": KNEX_STOP, MIGRATION: CALLS_SELECT}, "knexfile.js", 3)


def knexfile_uescape(s):
    gate_both(s, {"knexfile.js": KNEX_UESCAPE, MIGRATION: CALLS_SELECT}, "knexfile.js", 4)


def sequelize_stop(s):
    gate_both(s, {"config/config.js": SEQUELIZE_STOP, "migrations/20240101000000-s.js": SEQUELIZE_MIGRATION}, "config/config.js", 3,
              base={"package.json": SEQUELIZE})


def typeorm_uescape(s):
    gate_both(s, {"data-source.js": TYPEORM_UESCAPE, "migrations/1700000000001-Noop.js": TYPEORM_MIGRATION}, "data-source.js", 6,
              base={"package.json": TYPEORM})


# The settings walk that finds a tool's migration folder read strings by itself and took the
# quote inside a regular expression (`/'/`) for a string's start: the `directory` after it was
# lost, and knex ran a folder pgfence never listed (analyze exited 0 on 432d3fdf).
KNEX_REGEX_QUOTE = ("const quoted = /'/;\n"
                    "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './db/changes' } };\n")
KNEX_PACKAGE = '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n'
DROP_USERS = "exports.up = (knex) => knex.raw('DROP TABLE users');\nexports.down = () => {};\n"


# The same walk read only `key:` inside object literals: a member assignment after the object and a
# bracketed key named knex's folder where pgfence did not look (analyze exited 0 on 432d3fdf).
KNEXFILE_FORMS = {
    "regex_quote": KNEX_REGEX_QUOTE,
    "member_directory": "const c = { client: 'pg', migrations: {} };\nc.migrations.directory = './db/changes';\nmodule.exports = c;\n",
    "bracket_migrations": "module.exports = { client: 'pg', ['migrations']: { directory: './db/changes' } };\n",
    # Red team R81a B1: the folder from a shorthand, a spread or Object.assign onto the migrations object.
    "shorthand_directory": "const directory = './db/changes';\nmodule.exports = { client: 'pg', migrations: { directory } };\n",
    "spread_migrations": "const dirs = { directory: './db/changes' };\nmodule.exports = { client: 'pg', migrations: { ...dirs } };\n",
    "assign_migrations": ("const c = { client: 'pg', migrations: {} };\nObject.assign(c.migrations, { directory: './db/changes' });\n"
                          "module.exports = c;\n"),
}


def knexfile_form_blocks(form):
    """The forms pgfence cannot fold to a folder: analyze blocks (the folder is unknown)."""
    def scenario(s):
        from test_tool_reach import repository, run
        repository(s, {"README.md": "app\n"}, {"package.json": KNEX_PACKAGE, "knexfile.js": KNEXFILE_FORMS[form],
                                               "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('SELECT 1');\nexports.down = () => {};\n",
                                               "db/changes/20240301000000_cleanup.js": DROP_USERS})
        proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", ".")
        check(proc.returncode == 1, f"analyze blocks: exit {proc.returncode}\n{proc.stdout[-1500:]}")
    scenario.__name__ = f"knexfile_{form}"
    return scenario


# knex's own TypeScript template (`knex init -x ts`) and its path.join(__dirname, ...) folder:
# clean, and the folder read (false unknowns on 432d3fdf).
KNEXFILE_TEMPLATE = ('import type { Knex } from "knex";\nimport path from "path";\n\n'
                     "const config: { [key: string]: Knex.Config } = {\n"
                     "  development: {\n    client: \"pg\",\n    connection: process.env.DATABASE_URL,\n"
                     "    migrations: { directory: path.join(__dirname, \"db\", \"changes\") },\n  },\n};\n\n"
                     "module.exports = config;\n")


def knexfile_template_control(s):
    from test_tool_reach import repository, run
    repository(s, {"README.md": "app\n"}, {"package.json": KNEX_PACKAGE, "knexfile.ts": KNEXFILE_TEMPLATE,
                                           "db/changes/20240301000000_cleanup.js": DROP_USERS})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    found = [(f["path"].removeprefix("./"), x["rule"]) for f in report["files"] for x in f["findings"]]
    check(("db/changes/20240301000000_cleanup.js", "drop-table") in found, f"the folder path.join names is read: {found}")
    check(not [x for x in found if x[1].startswith("unknown")], f"nothing unknown: {found}")


def knexfile_form(form):
    def scenario(s):
        from test_tool_reach import gated
        base = {"package.json": KNEX_PACKAGE, "knexfile.js": KNEXFILE_FORMS[form],
                "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('SELECT 1');\nexports.down = () => {};\n"}
        gated(s, base, {"db/changes/20240301000000_cleanup.js": DROP_USERS}, {("db/changes/20240301000000_cleanup.js", "drop-table", 1)})
    scenario.__name__ = f"knexfile_{form}"
    return scenario


# .sequelizerc's keys were read line by line, by their spelling: a key JavaScript reads as
# 'migrations-path' but written otherwise was not seen, and sequelize-cli ran db/changes, which
# pgfence never listed (each exited 0 on 432d3fdf).
SEQ_PACKAGE = ('{"name":"app","scripts":{"db:migrate":"sequelize-cli db:migrate"},"dependencies":{"pg":"^8","sequelize":"^6"},'
               '"devDependencies":{"sequelize-cli":"^6"}}\n')
SEQ_DROP = "module.exports = { async up(qi) { await qi.sequelize.query('DROP TABLE users'); }, async down() {} };\n"
SEQUELIZERC_KEYS = {
    "escaped": "module.exports = { 'migrations\\x2dpath': 'db/changes' };\n",
    "comment_colon": "module.exports = { 'migrations-path' /* where */ : 'db/changes' };\n",
    "bracket": "module.exports = { ['migrations-path']: 'db/changes' };\n",
    "member": "module.exports = {};\nmodule.exports['migrations-path'] = 'db/changes';\n",
}


def sequelizerc_key(form):
    def scenario(s):
        from test_tool_reach import gated
        base = {"package.json": SEQ_PACKAGE, ".sequelizerc": SEQUELIZERC_KEYS[form],
                "config/config.js": "module.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' } };\n",
                "db/changes/20240101000000-init.js": SEQUELIZE_MIGRATION}
        gated(s, base, {"db/changes/20240301000000-cleanup.js": SEQ_DROP}, {("db/changes/20240301000000-cleanup.js", "drop-table", 1)})
    scenario.__name__ = f"sequelizerc_key_{form}"
    return scenario


SCENARIOS = {
    "octal_comment": octal_comment,
    "octal_comment_slash": octal_comment_slash,
    "octal_template": octal_template,
    "octal_specifier": octal_specifier,
    "regex_instanceof": regex_instanceof,
    "regex_member_of": regex_member_of,
    "knexfile_stop_regex": knexfile_stop_regex,
    "knexfile_uescape": knexfile_uescape,
    "sequelize_stop": sequelize_stop,
    "typeorm_uescape": typeorm_uescape,
    **{f"knexfile_{form}": (knexfile_form_blocks(form) if form in ("shorthand_directory", "spread_migrations", "assign_migrations")
                            else knexfile_form(form)) for form in KNEXFILE_FORMS},
    "knexfile_template_control": knexfile_template_control,
    **{f"sequelizerc_key_{form}": sequelizerc_key(form) for form in SEQUELIZERC_KEYS},
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
