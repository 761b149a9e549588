"""Which pop/popx files run on PostgreSQL, and which folders are a Go library's test fixtures
(review86, fix 1: ory/kratos). Each builds a real git repository and runs `pgfence analyze .`.

- pop_wide_version, pop_duplicate_versions: a file named like another database's pop migration
  (`.cockroach.up.sql`) whose version has no PostgreSQL file is read as golang-migrate's (red team
  R68 B28), unless golang-migrate cannot run it either: a version over 64 bits (source/parse.go
  ParseUint fails, the file is skipped) or two files of one version and direction in its folder
  (source/migration.go Append: the folder is refused). pop_duplicate_subfolder_control: duplicates
  in another folder say nothing (golang-migrate reads one folder).
- pop_fizz_unknown: pop's fizz DSL is not SQL: one unknown at line 1, no unparsable statement.
  pop_fizz_sql_control: a `.fizz` name holding SQL is still read (golang-migrate sends it).
- go_library_stub: a `stub` folder of another Go module (a library copied in, kratos's oryx/) that
  no code of that module names is left out. Controls: the project's own `stub` folder, and a
  library whose code embeds its `stub` folder, are read.
- go_library_embed_star, go_library_embed_above, go_library_fixture_concat (red team R87b F7): a
  `//go:embed *` in the fixture's parent folder, a `//go:embed p*` in a folder above it, or a path
  built as `"test"+"data"` reaches the folder without naming it: read. go_library_embed_sibling_control:
  an embed in a sibling folder cannot reach it (package embed's docs: no `..`): still left out.

    test_pop_dialects.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import repository, run  # noqa: E402

UNKNOWN = "unknown-statement"
USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"


def analyze(s, files):
    """analyze . of a repository of `files`: {path: file report}."""
    repository(s, files, {"README.md": "change\n"})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return {(f["path"][2:] if f["path"].startswith("./") else f["path"]): f for f in report["files"]}


def rules(files, path):
    return {(x["rule"], x["start"]["line"]) for x in files.get(path, {}).get("findings", [])}


def pop_wide_version(s):
    """kratos's versions have 20 digits (20191100000010000002 > 2^64-1): golang-migrate skips the file."""
    d = "persistence/migrations/"
    files = analyze(s, {d + "20191100000001000000_users.postgres.up.sql": USERS,
                        d + "20191100000001000000_users.cockroach.up.sql": USERS,
                        d + "20191100000010000002_errors.cockroach.up.sql": "DROP TABLE users;\n",
                        d + "20191100000010000002_errors.sqlite3.up.sql": "DROP TABLE users;\n"})
    for name in ("20191100000010000002_errors.cockroach.up.sql", "20191100000010000002_errors.sqlite3.up.sql"):
        f = files.get(d + name, {})
        check(f.get("skipped") is True, f"{name}: skipped: {f}")
        check(not rules(files, d + name), f"{name}: no finding: {rules(files, d + name)}")
    check("64 bits" in (files[d + "20191100000010000002_errors.cockroach.up.sql"].get("skip_reason") or ""), "the reason is said")


def duplicate_folder(sub=""):
    d = "db/migrations/"
    return {d + "00001_users.postgres.up.sql": USERS, d + sub + "00001_users.mysql.up.sql": USERS,
            d + "00002_cleanup.mysql.up.sql": "DROP TABLE users;\n"}


def pop_duplicate_versions(s):
    """Version 1 has two up files in the folder: golang-migrate refuses it, pop runs no MySQL file here."""
    files = analyze(s, duplicate_folder())
    f = files.get("db/migrations/00002_cleanup.mysql.up.sql", {})
    check(f.get("skipped") is True and not rules(files, "db/migrations/00002_cleanup.mysql.up.sql"), f"skipped: {f}")
    check("golang-migrate refuses this folder" in (f.get("skip_reason") or ""), f"the reason is said: {f.get('skip_reason')}")


def pop_duplicate_subfolder_control(s):
    """The second version-1 file is in a subfolder, which golang-migrate does not read: it runs version 2."""
    files = analyze(s, duplicate_folder("old/"))
    check(("drop-table", 1) in rules(files, "db/migrations/00002_cleanup.mysql.up.sql"),
          f"read as golang-migrate's: {files.get('db/migrations/00002_cleanup.mysql.up.sql')}")


def pop_fizz_unknown(s):
    d = "migrations/"
    files = analyze(s, {d + "20200101000000_users.up.fizz": "create_table(\"users\") {\n  t.Column(\"email\", \"string\", {})\n}\n",
                        d + "20200101000000_users.down.fizz": "drop_table(\"users\")\n",
                        d + "20200102000000_nick.up.fizz": "add_column(\"users\", \"nick\", \"string\", {})\n"})
    found = rules(files, d + "20200102000000_nick.up.fizz")
    check((UNKNOWN, 1) in found, f"unknown at line 1: {found}")
    check(not any(r == "unparsable-statement" for r, _ in found), f"not parsed as SQL: {found}")
    why = [x["message"] for x in files[d + "20200102000000_nick.up.fizz"]["findings"] if x["rule"] == UNKNOWN]
    check(any("fizz" in m for m in why), f"the reason is said: {why}")


def pop_fizz_sql_control(s):
    d = "migrations/"
    files = analyze(s, {d + "20200101000000_users.up.sql": USERS, d + "20200101000000_users.postgres.down.sql": "SELECT 1;\n",
                        d + "20200102000000_cleanup.up.fizz": "DROP TABLE users;\n"})
    check(("drop-table", 1) in rules(files, d + "20200102000000_cleanup.up.fizz"), f"read as SQL: {files.get(d + '20200102000000_cleanup.up.fizz')}")


STUB = "lib/popx/stub/migrations/20200101000000_drop.postgres.up.sql"
GO_BASE = {"go.mod": "module example.com/app\n\ngo 1.22\n\nreplace example.com/lib => ./lib\n",
           "main.go": "package main\n\nfunc main() {}\n",
           "lib/go.mod": "module example.com/lib\n\ngo 1.22\n",
           "lib/popx/box.go": "package popx\n\n// Box runs migrations.\nfunc Box() {}\n",
           "lib/popx/box_test.go": "package popx\n\n//go:embed stub/migrations\nvar stub string\n",
           "db/migrations/000001_users.up.sql": USERS,
           STUB: "DROP TABLE users;\n"}


def go_library_stub(s):
    files = analyze(s, GO_BASE)
    check(STUB not in files, f"the library's test fixtures are left out: {files.get(STUB)}")


def go_project_stub_control(s):
    """The same folder in the project's own module (no go.mod of its own): read."""
    base = {k: v for k, v in GO_BASE.items() if k != "lib/go.mod"}
    files = analyze(s, base)
    check(("drop-table", 1) in rules(files, STUB), f"read: {files.get(STUB)}")


def go_library_stub_named_control(s):
    """The library's own code embeds its stub folder: read."""
    base = dict(GO_BASE)
    base["lib/popx/box.go"] = "package popx\n\nimport \"embed\"\n\n//go:embed stub/migrations/*.sql\nvar Migrations embed.FS\n"
    files = analyze(s, base)
    check(("drop-table", 1) in rules(files, STUB), f"read: {files.get(STUB)}")


def go_library_stub_deploy_control(s):
    """A deploy job runs golang-migrate on the library's stub folder: read."""
    base = dict(GO_BASE)
    base[".github/workflows/deploy.yml"] = ("name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  migrate:\n"
                                            "    runs-on: ubuntu-latest\n    environment: production\n    steps:\n"
                                            "      - uses: actions/checkout@v4\n"
                                            "      - run: migrate -path lib/popx/stub/migrations -database \"$DATABASE_URL\" up\n")
    files = analyze(s, base)
    check(("drop-table", 1) in rules(files, STUB), f"read: {files.get(STUB)}")


def embed_case(s, path, text, fixture=STUB):
    base = dict(GO_BASE)
    if fixture != STUB:
        base[fixture] = base.pop(STUB)
    base[path] = text
    return analyze(s, base), fixture


def go_library_embed_star(s):
    files, fixture = embed_case(s, "lib/popx/box.go", "package popx\n\nimport \"embed\"\n\n//go:embed *\nvar files embed.FS\n")
    check(("drop-table", 1) in rules(files, fixture), f"read: {files.get(fixture)}")


def go_library_embed_above(s):
    files, fixture = embed_case(s, "lib/lib.go", "package lib\n\nimport \"embed\"\n\n//go:embed p*\nvar files embed.FS\n")
    check(("drop-table", 1) in rules(files, fixture), f"read: {files.get(fixture)}")


def go_library_fixture_concat(s):
    files, fixture = embed_case(s, "lib/popx/box.go",
                                "package popx\n\nimport (\n\t\"os\"\n\t\"path\"\n)\n\n"
                                "var files = os.DirFS(path.Join(\"test\"+\"data\", \"migrations\"))\n",
                                fixture="lib/popx/testdata/migrations/000002_drop.up.sql")
    check(("drop-table", 1) in rules(files, fixture), f"read: {files.get(fixture)}")


def go_library_embed_sibling_control(s):
    files, fixture = embed_case(s, "lib/other/other.go", "package other\n\nimport \"embed\"\n\n//go:embed *\nvar files embed.FS\n")
    check(fixture not in files, f"an embed in a sibling folder cannot reach it: {files.get(fixture)}")


SCENARIOS = {f.__name__: f for f in (pop_wide_version, pop_duplicate_versions, pop_duplicate_subfolder_control, pop_fizz_unknown,
                                     pop_fizz_sql_control, go_library_stub, go_project_stub_control, go_library_stub_named_control,
                                     go_library_stub_deploy_control, go_library_embed_star, go_library_embed_above,
                                     go_library_fixture_concat, go_library_embed_sibling_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
