"""Issue #53 items 3 and 4: the migration tool's settings decide what runs. Flyway replaces
${name} placeholders as text (inside literals and comments too) with values from flyway.conf or
flyway.toml, and reads its migrations from flyway.locations. A pull request that puts SQL into a
placeholder's value, or appends a folder to the locations, must not come out clean; the settings
a migration was read with are part of what an approval binds to. Real git repositories and the
real binary.

    test_tool_settings.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}).stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Repo:
    def __init__(self, binary, tmp):
        self.binary = binary
        self.dir = os.path.join(tmp, "repo")
        os.makedirs(self.dir)
        git(self.dir, "init", "-q", "-b", "main")

    def commit(self, files, message="change"):
        for path, text in files.items():
            if text is None:
                os.remove(os.path.join(self.dir, path))
            else:
                write(os.path.join(self.dir, path), text)
        git(self.dir, "add", "-A")
        git(self.dir, "commit", "-qm", message)
        return git(self.dir, "rev-parse", "HEAD")

    def run(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        proc = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=120, cwd=self.dir, env=env)
        check(proc.returncode in (0, 1, 2), f"crash: exit {proc.returncode}\n{proc.stderr}")
        return proc

    def pr_json(self, base, head):
        proc = self.run("pr", "--repo", self.dir, "--base", base, "--head", head, "--ci", "--format", "json")
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"pr --format json printed no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc, report


def findings(report):
    return [(f["path"], f) for f in report["files"] for f in [dict(x, path=f["path"]) for x in f.get("findings", [])]]


def rules_of(report):
    return sorted({f["rule"] for _, f in findings(report)})


BASE_CONF = "flyway.locations=filesystem:db/migration\nflyway.placeholders.users_note=Accounts of the service\n"
V1 = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
V2 = "COMMENT ON TABLE users IS '${users_note}';\n"
INJECTED = "x'; DROP TABLE users CASCADE; --"


def placeholder_injection(binary, tmp):
    """A pull request that changes only flyway.conf: the placeholder's new value becomes SQL that
    drops the table. pr reports the settings change and the DROP TABLE in the migration that reads
    the placeholder, at the placeholder's line; analyze of the head checkout reports the DROP too."""
    r = Repo(binary, tmp)
    base = r.commit({"flyway.conf": BASE_CONF, "db/migration/V1__users.sql": V1, "db/migration/V2__note.sql": V2})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"flyway.conf": BASE_CONF.replace("Accounts of the service", INJECTED)})
    proc, report = r.pr_json(base, head)
    got = rules_of(report)
    check(proc.returncode == 1, f"pr --ci fails on the injected placeholder: exit {proc.returncode}, rules {got}\n{proc.stderr}")
    check("migration-tool-settings-changed" in got, f"the settings change is a finding: {got}")
    drops = [f for p, f in findings(report) if f["rule"] in ("drop-table", "truncate-cascade") or "DROP TABLE" in f.get("message", "")]
    v2 = [f for p, f in findings(report) if p == "db/migration/V2__note.sql"]
    check(any(f["rule"] == "drop-table" for f in v2), f"V2 runs DROP TABLE users with the new value: {v2}")
    check(all(f["start"]["line"] == 1 for f in v2), f"its findings stand at the placeholder line: {[(f['rule'], f['start']) for f in v2]}")
    settings = [f for p, f in findings(report) if p == "flyway.conf"]
    check(settings and settings[0]["start"]["line"] == 2 and settings[0]["risk"] == "HIGH",
          f"the finding stands at flyway.conf's changed line 2: {settings}")
    # analyze of the head checkout: Flyway's settings are read where Flyway reads them.
    proc = r.run("analyze", "--ci", "--output", "json", "db/migration")
    check(proc.returncode == 1, f"analyze --ci fails on the head: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    doc = json.loads(proc.stdout)
    check("drop-table" in rules_of(doc), f"analyze reports the DROP TABLE the value brings in: {rules_of(doc)}")
    # A placeholder without any value, inside a literal: unknown, never clean.
    git(r.dir, "checkout", "-q", "main")
    write(os.path.join(r.dir, "db/migration/V3__more.sql"), "COMMENT ON COLUMN users.email IS '${email_note}';\n")
    proc = r.run("analyze", "--ci", "--max-risk", "low", "--output", "json", "db/migration/V3__more.sql")
    doc = json.loads(proc.stdout)
    statuses = [s["status"] for f in doc["files"] if f["path"].endswith("V3__more.sql") for s in f["statements"]]
    check(statuses == ["unknown"] and "unknown-statement" in rules_of(doc) and proc.returncode == 1,
          f"a placeholder with no value in a literal is unknown: {statuses} {rules_of(doc)} exit {proc.returncode}")


def appended_location(binary, tmp):
    """A pull request that appends a folder to flyway.locations and adds a migration there (outside
    every default migration glob): pr analyses it as new and reports the settings change."""
    r = Repo(binary, tmp)
    base = r.commit({"flyway.conf": "flyway.locations=filesystem:db/migration\n", "db/migration/V1__users.sql": V1})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"flyway.conf": "flyway.locations=filesystem:db/migration,filesystem:ops/sql\n",
                     "ops/sql/V2__cleanup.sql": "DROP TABLE users;\n"})
    proc, report = r.pr_json(base, head)
    paths = [f["path"] for f in report["files"]]
    check("ops/sql/V2__cleanup.sql" in paths, f"the new location's migration is analysed: {paths}")
    got = rules_of(report)
    check("drop-table" in got and "migration-tool-settings-changed" in got and proc.returncode == 1,
          f"pr --ci fails with both findings: exit {proc.returncode}, rules {got}\n{proc.stderr}")
    # analyze from the checkout's top, given the first location: Flyway's locations are read too.
    proc = r.run("analyze", "--ci", "--output", "json", "db/migration")
    doc = json.loads(proc.stdout)
    check("ops/sql/V2__cleanup.sql" in [f["path"] for f in doc["files"]] and proc.returncode == 1,
          f"analyze --ci reads the location flyway.conf adds: exit {proc.returncode} {[f['path'] for f in doc['files']]}")


def settings_reader(binary, tmp):
    """The settings readers: flyway.toml placeholders and environments, a custom prefix and suffix,
    placeholderReplacement=false, a continued line in flyway.conf, and values that disagree."""
    cases = [
        # (settings files, migration, expected statuses, a rule that must fire or None)
        ({"flyway.toml": '[flyway]\nlocations = ["filesystem:sql"]\n[flyway.placeholders]\ntarget = "t2"\n'},
         "DROP TABLE ${target};\n", ["analyzed"], "drop-table"),
        ({"flyway.toml": '[flyway.placeholders]\ntarget = "t2"\n[environments.prod.flyway.placeholders]\ntarget = "t3"\n'},
         "DROP TABLE ${target};\n", ["unknown"], "unknown-statement"),
        ({"flyway.conf": "flyway.placeholderPrefix=#[\nflyway.placeholderSuffix=]\nflyway.placeholders.t=users\n"},
         "SELECT '${t}';\nDROP TABLE #[t];\n", ["analyzed", "analyzed"], "drop-table"),
        ({"flyway.conf": "flyway.placeholderReplacement=false\n"},
         "SELECT '${note}';\n", ["analyzed"], None),
        ({"flyway.conf": "flyway.placeholders.note=a\\\n  b'; TRUNCATE users; --\n"},
         "SELECT '${note}';\n", ["analyzed", "analyzed"], "truncate"),
        ({"flyway.conf": "flyway.placeholders.note=a\n", "conf/flyway.conf": "flyway.placeholders.note=b\n"},
         "-- ${note}\nSELECT 1;\n", ["unknown"], "unknown-statement"),
        ({}, "CREATE TABLE ${flyway:defaultSchema}.t (id int);\nSELECT '${flyway:user}';\n", ["analyzed", "unknown"],
         "unknown-statement"),
    ]
    for k, (settings, sql, statuses, rule) in enumerate(cases):
        d = os.path.join(tmp, f"case{k}")
        for path, text in settings.items():
            write(os.path.join(d, path), text)
        write(os.path.join(d, "sql/V1__x.sql"), sql)
        proc = subprocess.run([binary, "analyze", "--output", "json", "--enable", "truncate", "sql/V1__x.sql"],
                              capture_output=True, text=True, timeout=60, cwd=d)
        check(proc.returncode in (0, 1), f"case {k}: exit {proc.returncode}\n{proc.stderr}")
        doc = json.loads(proc.stdout)
        got = [s["status"] for f in doc["files"] for s in f["statements"]]
        check(got == statuses, f"case {k} ({settings}): statuses {got}, expected {statuses}")
        if rule:
            check(rule in rules_of(doc), f"case {k}: {rule} in {rules_of(doc)}")
    # Run from inside the migration folder (`analyze .`): the project's flyway.conf above it, up to
    # the repository's top, still gives the value.
    d = os.path.join(tmp, "inside")
    write(os.path.join(d, "flyway.conf"), "flyway.placeholders.target=users\n")
    write(os.path.join(d, "db/migration/V1__x.sql"), "DROP TABLE ${target};\n")
    git(d, "init", "-q")
    proc = subprocess.run([binary, "analyze", "--output", "json", "."], capture_output=True, text=True, timeout=60,
                          cwd=os.path.join(d, "db/migration"))
    doc = json.loads(proc.stdout)
    got = [s["status"] for f in doc["files"] for s in f["statements"]]
    check(got == ["analyzed"] and "drop-table" in rules_of(doc),
          f"analyze . inside db/migration reads ../../flyway.conf: statuses {got}, rules {rules_of(doc)}")


def other_tools(binary, tmp):
    """The other tools' settings whose folders pgfence does not follow yet: a pull request that moves
    diesel's migrations_directory, dbmate's DBMATE_MIGRATIONS_DIR, sqlx's migrate!() path or knex's
    migrations.directory, changing no migration, is a finding at each changed line."""
    r = Repo(binary, tmp)
    base = r.commit({"diesel.toml": '[migrations_directory]\ndir = "migrations"\n',
                     ".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=db/migrations\n",
                     "src/db.rs": 'pub fn migrator() -> Migrator {\n    sqlx::migrate!("./migrations")\n}\n',
                     "knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './migrations' },\n};\n",
                     "migrations/0001_init.sql": V1})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"diesel.toml": '[migrations_directory]\ndir = "ops/unreviewed"\n',
                     ".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=ops/unreviewed\n",
                     "src/db.rs": 'pub fn migrator() -> Migrator {\n    sqlx::migrate!("./ops/unreviewed")\n}\n',
                     "knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './ops/unreviewed' },\n};\n"})
    proc, report = r.pr_json(base, head)
    at = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "migration-tool-settings-changed")
    check(at == [(".env", 2), ("diesel.toml", 2), ("knexfile.js", 3), ("src/db.rs", 2)],
          f"each changed setting is a finding at its line: {at}")
    check(proc.returncode == 1, f"pr --ci fails: exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"placeholder_injection": placeholder_injection, "appended_location": appended_location,
             "settings_reader": settings_reader, "other_tools": other_tools}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    p.add_argument("--double")
    p.add_argument("--schemas")
    p.add_argument("--sarif-schema")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp)
        except AssertionError as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
