"""psql -c in a GitHub Actions workflow read as the runner runs it (review86 class D: linkwarden's
Playwright job). The runner puts `${{ env.X }}` in before the shell runs the step; where the
workflow binds X to a literal (its `env:`), the SQL psql sends is known and read: a CREATE USER or
CREATE DATABASE changes no table. A value the workflow does not give as a literal (a secret, one a
step writes to $GITHUB_ENV) leaves the command unknown, as does SQL that writes. Each builds a
real git repository and runs `pgfence analyze .`.

    test_workflow_values_psql.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import repository, run  # noqa: E402

UNKNOWN = "unknown-statement"
WF = ".github/workflows/e2e.yml"


def workflow(sql, env="  TEST_USER: test_user\n  TEST_DB: test_db\n", extra=""):
    return ("name: e2e\non:\n  push:\n    branches: [main]\n  pull_request:\n"
            f"env:\n  PGHOST: localhost\n{env}"
            "jobs:\n  e2e:\n    runs-on: ubuntu-22.04\n"
            "    services:\n      postgres:\n        image: postgres:16-alpine\n        ports:\n          - 5432:5432\n"
            "    steps:\n      - uses: actions/checkout@v4\n" + extra +
            "      - name: Initialize PostgreSQL\n        run: |\n"
            f"          psql -h localhost -U postgres -d postgres -c \"{sql}\"\n")


def unknown_lines(s, files):
    repository(s, files, {"README.md": "change\n"})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return {x["start"]["line"] for f in report["files"] if f["path"].removeprefix("./") == WF
            for x in f["findings"] if x["rule"] == UNKNOWN}


BASE = {"prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"}


def env_create_user(s):
    files = dict(BASE)
    files[WF] = workflow("CREATE USER ${{ env.TEST_USER }} WITH PASSWORD 'password';")
    found = unknown_lines(s, files)
    check(not found, f"CREATE USER with the workflow's literal env is read, and changes no table: {found}")


def env_create_database(s):
    files = dict(BASE)
    files[WF] = workflow("CREATE DATABASE ${{ env.TEST_DB }} OWNER ${{ env.TEST_USER }};")
    found = unknown_lines(s, files)
    check(not found, f"CREATE DATABASE with the workflow's literal env is read: {found}")


def env_drop_control(s):
    """The same literal put in, but the SQL writes: still unknown."""
    files = dict(BASE)
    files[WF] = workflow("DROP TABLE ${{ env.TEST_USER }};")
    check(unknown_lines(s, files), "DROP TABLE stays unknown")


def secret_control(s):
    """A secret is no literal of the workflow: unknown."""
    files = dict(BASE)
    files[WF] = workflow("CREATE USER ${{ secrets.TEST_USER }} WITH PASSWORD 'password';")
    check(unknown_lines(s, files), "a secret's value is not known")


def github_env_control(s):
    """A step writes TEST_USER to $GITHUB_ENV: its value at the psql step is not the literal."""
    files = dict(BASE)
    files[WF] = workflow("CREATE USER ${{ env.TEST_USER }} WITH PASSWORD 'password';",
                         extra="      - run: echo \"TEST_USER=x; DROP TABLE users; --\" >> $GITHUB_ENV\n")
    check(unknown_lines(s, files), "a value a step sets stays unknown")


SCENARIOS = {f.__name__: f for f in (env_create_user, env_create_database, env_drop_control, secret_control, github_env_control)}

# R87b F1: YAML decodes a double-quoted scalar's escapes and folds a plain scalar's next line; the
# runner puts in the decoded value. pgfence does not decode, so such a value leaves psql -c unknown.
ESCAPED = {
    "escape_newline": "  REPORT_USER: \"report_reader WITH PASSWORD 'password'; --\\nDROP TABLE users; --\"\n",
    "escape_hex": "  REPORT_USER: \"report_reader WITH PASSWORD 'password'; --\\x0aDROP TABLE users; --\"\n",
    "folded_plain": "  REPORT_USER: report_reader\n    WITH PASSWORD 'x'; DROP TABLE users; --\n",
}


def escaped(name):
    def scenario(s):
        files = dict(BASE)
        files[WF] = workflow("CREATE USER ${{ env.REPORT_USER }} WITH PASSWORD 'password';", env=ESCAPED[name])
        check(unknown_lines(s, files), f"{name}: a value YAML decodes is not read as written")
    scenario.__name__ = name
    return scenario


def single_quote_doubled_control(s):
    """`''` in a single-quoted value is one quote to YAML: unknown."""
    files = dict(BASE)
    files[WF] = workflow("CREATE USER ${{ env.REPORT_USER }} WITH PASSWORD 'password';",
                         env="  REPORT_USER: 'report_reader WITH PASSWORD ''password''; DROP TABLE users; --'\n")
    check(unknown_lines(s, files), "a single-quoted value with '' stays unknown")


def matrix_workflow(a, b):
    return ("name: e2e\non:\n  push:\n    branches: [main]\n"
            "jobs:\n  e2e:\n    runs-on: ubuntu-22.04\n"
            f"    strategy:\n      matrix:\n        a: {a}\n        b: {b}\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            "      - name: Initialize PostgreSQL\n        run: |\n"
            "          psql -h localhost -U postgres -d postgres -c \"CREATE USER ${{ matrix.a }}${{ matrix.b }};\"\n")


def matrix_combination(s):
    """GitHub runs every combination: (u1, '; DROP TABLE users') drops, though each pair by index is clean."""
    files = dict(BASE)
    files[WF] = matrix_workflow("[u1, 'u2; --']", "[x, '; DROP TABLE users']")
    check(unknown_lines(s, files), "a matrix combination that writes is unknown")


def matrix_combination_control(s):
    """Every combination only creates users: read, no unknown."""
    files = dict(BASE)
    files[WF] = matrix_workflow("[u1, u2]", "[x, y]")
    found = unknown_lines(s, files)
    check(not found, f"every combination is a CREATE USER: {found}")


SCENARIOS.update({n: escaped(n) for n in ESCAPED})
SCENARIOS.update({f.__name__: f for f in (single_quote_doubled_control, matrix_combination, matrix_combination_control)})

# R88 F5: a tag before a value (`!!str "..."`, `!!str |`): the runner takes the value the YAML parser
# decodes (actions/runner YamlObjectReader.cs accepts the str tag), not the text after the tag. On
# 36c1dfba the text was read as written: `-- !!str "a\nDROP TABLE users; --"` is one SQL comment, the
# decoded value a DROP on the next line.
NOTE_SQL = "SELECT 1; -- ${{ env.SEED_NOTE }}"
TAGGED = {
    "tag_escape": "  SEED_NOTE: !!str \"seeded by CI\\nDROP TABLE users; --\"\n",
}


def tagged(name):
    def scenario(s):
        files = dict(BASE)
        files[WF] = workflow(NOTE_SQL, env=TAGGED[name])
        check(unknown_lines(s, files), f"{name}: a tagged value is not read as written")
    scenario.__name__ = name
    return scenario


def tag_matrix(s):
    files = dict(BASE)
    files[WF] = ("name: e2e\non:\n  push:\n    branches: [main]\njobs:\n  e2e:\n    runs-on: ubuntu-22.04\n"
                 "    strategy:\n      matrix:\n        note: [ci, !!str \"x\\nDROP TABLE users; --\"]\n"
                 "        include:\n          - note: !!str \"y\\nDROP TABLE users; --\"\n"
                 "    steps:\n      - uses: actions/checkout@v4\n"
                 "      - run: psql -h localhost -U postgres -d postgres -c \"SELECT 1; -- ${{ matrix.note }}\"\n")
    check(unknown_lines(s, files), "a tagged matrix value is not read as written")


def tag_control_quoted(s):
    """An ordinary quoted env value, the same comment: read, clean."""
    files = dict(BASE)
    files[WF] = workflow(NOTE_SQL, env="  SEED_NOTE: \"seeded by CI\"\n")
    found = unknown_lines(s, files)
    check(not found, f"an ordinary quoted value is read: {found}")


SCENARIOS.update({n: tagged(n) for n in TAGGED})
SCENARIOS.update({f.__name__: f for f in (tag_matrix, tag_control_quoted)})


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
