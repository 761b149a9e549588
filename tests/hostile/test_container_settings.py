"""Where a container or a build plugin decides what a migration tool runs (red team G1): a compose
service's volumes, environment and argument-only command for a migration tool's image; a
Dockerfile that COPYs a host folder where the tool in the same image reads it; a
`docker run -v host:/migrations <tool image>` in a workflow; golang-migrate's x-migrations-table;
Flyway's Maven plugin (pom.xml) and Gradle plugin (build.gradle, build.gradle.kts). A pull request
that changes one of them changes which migrations run, or makes every migration run again: each
changed line is a HIGH migration-tool-settings-changed finding at its line, and pr fails. Each is
a pull request on a real git repository, through `pgfence pr` against the GitHub double, with the
real binary.

    test_container_settings.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_tool_settings as base  # noqa: E402
from test_tool_settings import Repo, check, findings, git  # noqa: E402

GM_UP = {"db/migrations/000001_init.up.sql": "CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric);\n",
         "db/migrations/000001_init.down.sql": "SELECT 1;\n"}
GM_SCHEMA = {"db/schema/000001_init.up.sql": "CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric);\n",
             "db/schema/000001_init.down.sql": "SELECT 1;\n",
             "db/schema/000002_cleanup.up.sql": "DROP TABLE orders;\n", "db/schema/000002_cleanup.down.sql": "SELECT 1;\n"}
GOOSE_UP = {"db/migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY);\n"}
GOOSE_SCHEMA = {"db/schema/00001_init.sql": "-- +goose Up\nCREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY);\n",
                "db/schema/00002_cleanup.sql": "-- +goose Up\nDROP TABLE users;\n"}

COMPOSE = """services:
  db:
    image: postgres:15
    ports: ["5432:5432"]
  migrate:
    image: migrate/migrate:v4.17.0
    volumes: ["./db/migrations:/migrations"]
    command: ["-path", "/migrations", "-database", "${DATABASE_URL}", "up"]
    depends_on: [db]
"""
ENV = "DATABASE_URL=postgres://postgres@db:5432/app?sslmode=disable\n"
COMPOSE_GOOSE = """services:
  goose:
    image: ghcr.io/kukymbr/goose-docker:3.22.0
    environment:
      GOOSE_DRIVER: postgres
      GOOSE_DBSTRING: postgres://postgres@db:5432/app
      GOOSE_MIGRATION_DIR: /migrations
    volumes:
      - ./db/migrations:/migrations
"""


def settings_lines(report):
    return sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "migration-tool-settings-changed")


def rule_at(report):
    return sorted({(p, f["rule"]) for p, f in findings(report)})


def fails_on_double(binary, tmp, base_files, head_files, what):
    """The pull request through pgfence pr against the GitHub double: exit 1, a failed check run."""
    s = base.double_scenario(binary, tmp, base_files, head_files)

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails when {what}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")
        s.all_requests_valid()

    base.with_double(s, body)
    return s


def branch(r, start, name, files):
    git(r.dir, "checkout", "-q", start)
    git(r.dir, "checkout", "-qb", name)
    return r.commit(files)


def compose_service(binary, tmp):
    """golang-migrate's image in compose with an argument-only command: the volume that maps the host
    folder to -path, the x-migrations-table in its command or in the .env it interpolates, and a
    goose image's volume under GOOSE_MIGRATION_DIR. A change to another service is not one."""
    s = fails_on_double(binary, tmp, {"docker-compose.yml": COMPOSE, ".env": ENV, **GM_UP},
                        {"docker-compose.yml": COMPOSE.replace("./db/migrations:", "./db/schema:"), **GM_SCHEMA},
                        "the compose volume now maps db/schema to /migrations")
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    check(("docker-compose.yml", 7) in settings_lines(report) and proc.returncode == 1,
          f"the volume line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("db/schema/000002_cleanup.up.sql", "drop-table") in rule_at(report),
          f"the folder the volume maps is golang-migrate's, analysed: {rule_at(report)}")
    # A named volume (or a host folder outside the repository): what the tool reads is unknown.
    head = branch(r, s.base, "named", {"docker-compose.yml": COMPOSE.replace("./db/migrations:", "migdata:")})
    proc, report = r.pr_json(s.base, head)
    check(("docker-compose.yml", "unknown-statement") in rule_at(report) and proc.returncode == 1,
          f"a named volume is unknown: {rule_at(report)} exit {proc.returncode}")
    # The history table in the command's database URL: every migration runs again.
    head = branch(r, s.base, "table-cmd", {"docker-compose.yml": COMPOSE.replace('"${DATABASE_URL}"', '"${DATABASE_URL}&x-migrations-table=v2"')})
    proc, report = r.pr_json(s.base, head)
    check(("docker-compose.yml", 8) in settings_lines(report) and proc.returncode == 1,
          f"x-migrations-table in the command is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # ... or in the .env compose interpolates.
    head = branch(r, s.base, "table-env", {".env": ENV.replace("disable", "disable&x-migrations-table=schema_migrations_v2")})
    proc, report = r.pr_json(s.base, head)
    check((".env", 1) in settings_lines(report) and proc.returncode == 1,
          f"x-migrations-table in .env is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # The .env line that sets a variable the tool's service interpolates (${DATABASE_URL}): another
    # database for the same migrations.
    head = branch(r, s.base, "env-url", {".env": ENV.replace("/app?", "/legacy?")})
    proc, report = r.pr_json(s.base, head)
    check((".env", 1) in settings_lines(report) and proc.returncode == 1,
          f"the interpolated DATABASE_URL is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # An override file changes the migrate service another compose file defines (no image there).
    obase = branch(r, s.base, "override-base", {"docker-compose.override.yml": "services:\n  migrate:\n    volumes: [\"./db/migrations:/migrations\"]\n"})
    head = branch(r, obase, "override-head", {"docker-compose.override.yml": "services:\n  migrate:\n    volumes: [\"./db/schema:/migrations\"]\n",
                                              **GM_SCHEMA})
    proc, report = r.pr_json(obase, head)
    check(("docker-compose.override.yml", 3) in settings_lines(report) and proc.returncode == 1,
          f"an override of the migrate service is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # A change to the database service only: not the migration tool's settings.
    head = branch(r, s.base, "db-only", {"docker-compose.yml": COMPOSE.replace('["5432:5432"]', '["15432:5432"]')})
    proc, report = r.pr_json(s.base, head)
    check(settings_lines(report) == [] and proc.returncode == 0, f"the db service's ports are not a tool setting: {settings_lines(report)}")
    # The env_file a tool's service loads: every line of it sets the tool's environment.
    with_env = COMPOSE.replace("    depends_on: [db]\n", "    depends_on: [db]\n    env_file:\n      - ops/migrate.env\n")
    ebase = branch(r, s.base, "envfile-base", {"docker-compose.yml": with_env, "ops/migrate.env": "PGOPTIONS=-c search_path=app\n"})
    head = branch(r, ebase, "envfile-head", {"ops/migrate.env": "PGOPTIONS=-c search_path=legacy\n"})
    proc, report = r.pr_json(ebase, head)
    check(("ops/migrate.env", 1) in settings_lines(report) and proc.returncode == 1,
          f"the tool service's env_file is its settings: {settings_lines(report)} exit {proc.returncode}")
    # goose's image, its folder from GOOSE_MIGRATION_DIR, mapped by the volume.
    git(r.dir, "checkout", "-q", "main")
    git(r.dir, "checkout", "-qb", "goose-base")
    gbase = r.commit({"docker-compose.yml": COMPOSE_GOOSE, **GOOSE_UP})
    head = branch(r, gbase, "goose-head", {"docker-compose.yml": COMPOSE_GOOSE.replace("./db/migrations:", "./db/schema:"), **GOOSE_SCHEMA})
    proc, report = r.pr_json(gbase, head)
    check(("docker-compose.yml", 9) in settings_lines(report) and proc.returncode == 1,
          f"the goose volume line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("db/schema/00002_cleanup.sql", "drop-table") in rule_at(report), f"GOOSE_MIGRATION_DIR's host folder is analysed: {rule_at(report)}")


DOCKERFILE = 'FROM ghcr.io/pressly/goose\nCOPY db/migrations /migrations\nCMD ["goose", "-dir", "/migrations", "postgres", "up"]\n'
DOCKERFILE2 = ('FROM golang:1.22\nRUN go install github.com/pressly/goose/v3/cmd/goose@v3.22.0\nWORKDIR /app\n'
               'COPY db/migrations ./sql\nCMD goose -dir ./sql postgres "$DATABASE_URL" up\n')
APP_DOCKERFILE = "FROM node:20\nWORKDIR /app\nCOPY src ./src\nCMD [\"node\", \"src/index.js\"]\n"


def dockerfile_copy(binary, tmp):
    """A Dockerfile whose image runs goose: the COPY that puts a host folder where goose reads
    (ghcr.io/pressly/goose with -dir /migrations; goose installed by go install, -dir ./sql under
    WORKDIR). An application's Dockerfile that runs no migration tool is not one."""
    s = fails_on_double(binary, tmp, {"Dockerfile": DOCKERFILE, "app/Dockerfile": APP_DOCKERFILE, **GOOSE_UP},
                        {"Dockerfile": DOCKERFILE.replace("COPY db/migrations", "COPY db/schema"), **GOOSE_SCHEMA},
                        "the Dockerfile now copies db/schema to /migrations")
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    check(("Dockerfile", 2) in settings_lines(report) and proc.returncode == 1,
          f"the COPY line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("db/schema/00002_cleanup.sql", "drop-table") in rule_at(report), f"the folder COPY puts at -dir is analysed: {rule_at(report)}")
    head = branch(r, s.base, "two", {"Dockerfile": DOCKERFILE2})
    git(r.dir, "checkout", "-q", "main")
    head2 = branch(r, head, "three", {"Dockerfile": DOCKERFILE2.replace("COPY db/migrations", "COPY db/schema"), **GOOSE_SCHEMA})
    proc, report = r.pr_json(head, head2)
    check(("Dockerfile", 4) in settings_lines(report) and proc.returncode == 1,
          f"the COPY into goose's WORKDIR is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("db/schema/00002_cleanup.sql", "drop-table") in rule_at(report), f"./sql under WORKDIR /app is db/schema: {rule_at(report)}")
    head = branch(r, s.base, "app", {"app/Dockerfile": APP_DOCKERFILE.replace("COPY src", "COPY lib")})
    proc, report = r.pr_json(s.base, head)
    check(settings_lines(report) == [] and proc.returncode == 0, f"an app image's COPY is not a tool setting: {settings_lines(report)}")


WORKFLOW = """name: deploy
on: push
jobs:
  migrate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker run --rm -v "$PWD/db/migrations:/migrations" ghcr.io/kukymbr/goose-docker:3.22.0 -dir /migrations postgres "$DATABASE_URL" up
"""


def docker_run_volume(binary, tmp):
    """A workflow's `docker run -v host:/migrations <goose image> -dir /migrations`: the -v decides
    the folder goose reads."""
    s = fails_on_double(binary, tmp, {".github/workflows/deploy.yml": WORKFLOW, **GOOSE_UP},
                        {".github/workflows/deploy.yml": WORKFLOW.replace("/db/migrations:", "/db/schema:"), **GOOSE_SCHEMA},
                        "docker run now mounts db/schema at /migrations")
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    check((".github/workflows/deploy.yml", 8) in settings_lines(report) and proc.returncode == 1,
          f"the docker run line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("db/schema/00002_cleanup.sql", "drop-table") in rule_at(report), f"the -v host folder is analysed: {rule_at(report)}")


POM = """<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>x</groupId><artifactId>app</artifactId><version>1</version>
  <build><plugins><plugin>
    <groupId>org.flywaydb</groupId><artifactId>flyway-maven-plugin</artifactId><version>10.10.0</version>
    <configuration>
      <url>${env.DATABASE_URL}</url>
      <locations><location>filesystem:src/main/resources/db/migration</location></locations>
    </configuration>
  </plugin></plugins></build>
</project>
"""
FLYWAY_V1 = {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY);\n"}
PROD = {"sql/prod/V2__cleanup.sql": "DROP TABLE users;\n"}


def flyway_maven(binary, tmp):
    """flyway-maven-plugin's <configuration>: a location added (filesystem:sql/prod), its <table>
    changed (every migration runs again); a flyway.* Maven property. Another plugin's settings are
    not Flyway's."""
    s = fails_on_double(binary, tmp, {"pom.xml": POM, **FLYWAY_V1},
                        {"pom.xml": POM.replace("</location></locations>", "</location><location>filesystem:sql/prod</location></locations>"),
                         **PROD}, "the Maven plugin reads a new location")
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    check(("pom.xml", 8) in settings_lines(report) and proc.returncode == 1,
          f"the <locations> line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("sql/prod/V2__cleanup.sql", "drop-table") in rule_at(report), f"the new location's migration is analysed: {rule_at(report)}")
    # A location the build computes: unknown at its line.
    head = branch(r, s.base, "computed", {"pom.xml": POM.replace("filesystem:src/main/resources/db/migration", "${migrations.dir}")})
    proc, report = r.pr_json(s.base, head)
    check(("pom.xml", "unknown-statement") in rule_at(report) and proc.returncode == 1,
          f"a computed location is unknown: {rule_at(report)} exit {proc.returncode}")
    head = branch(r, s.base, "table", {"pom.xml": POM.replace("    </configuration>", "      <table>history_v2</table>\n    </configuration>")})
    proc, report = r.pr_json(s.base, head)
    check(("pom.xml", 9) in settings_lines(report) and proc.returncode == 1,
          f"the <table> line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    head = branch(r, s.base, "prop", {"pom.xml": POM.replace("  <build>", "  <properties><flyway.table>v3</flyway.table></properties>\n  <build>")})
    proc, report = r.pr_json(s.base, head)
    check(("pom.xml", 4) in settings_lines(report) and proc.returncode == 1,
          f"a flyway.* property is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # A large pom.xml (many plugin elements, no closing tags): read in linear time, the change found.
    many = "<plugin><artifactId>flyway-maven-plugin</artifactId>\n" * 15000
    big = POM.replace("</project>", "<!-- generated -->\n" + "<plugin>" * 20000 + "\n" + many + "</project>")
    head = branch(r, s.base, "big-base", {"pom.xml": big})
    head2 = branch(r, head, "big-head", {"pom.xml": big.replace("<location>filesystem:src", "<location>filesystem:sql/prod</location><location>filesystem:src")})
    started = time.monotonic()
    proc, report = r.pr_json(head, head2)
    took = time.monotonic() - started
    check(("pom.xml", 8) in settings_lines(report) and took < 20, f"a large pom.xml is read in time: {took:.1f}s {settings_lines(report)[:3]}")
    head = branch(r, s.base, "other", {"pom.xml": POM.replace("<version>1</version>", "<version>2</version>")})
    proc, report = r.pr_json(s.base, head)
    check(settings_lines(report) == [] and proc.returncode == 0, f"the project's version is not a Flyway setting: {settings_lines(report)}")


GRADLE = """plugins { id "org.flywaydb.flyway" version "10.10.0" }
version = '1.0'
flyway {
    url = System.getenv('DATABASE_URL')
    locations = ['filesystem:src/main/resources/db/migration']
}
"""
GRADLE_KTS = """plugins { id("org.flywaydb.flyway") version "10.10.0" }
version = "1.0"
flyway {
    url = System.getenv("DATABASE_URL")
    locations = arrayOf("filesystem:src/main/resources/db/migration")
}
"""


def flyway_gradle(binary, tmp):
    """The Gradle plugin's `flyway { }` block (Groovy and Kotlin DSL): a location added, the table
    changed; the project's version is not a Flyway setting."""
    s = fails_on_double(binary, tmp, {"build.gradle": GRADLE, **FLYWAY_V1},
                        {"build.gradle": GRADLE.replace("migration']", "migration', 'filesystem:sql/prod']"), **PROD},
                        "the Gradle plugin reads a new location")
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    check(("build.gradle", 5) in settings_lines(report) and proc.returncode == 1,
          f"the locations line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("sql/prod/V2__cleanup.sql", "drop-table") in rule_at(report), f"the new location's migration is analysed: {rule_at(report)}")
    head = branch(r, s.base, "table", {"build.gradle": GRADLE.replace("    locations", "    table = 'history_v2'\n    locations")})
    proc, report = r.pr_json(s.base, head)
    check(("build.gradle", 5) in settings_lines(report) and proc.returncode == 1,
          f"the table line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    # Deeply nested braces after the flyway block: read in linear time.
    deep = GRADLE + "flyway {\n" + "{\n" * 100000 + "}\n" * 100000 + "}\n"
    head = branch(r, s.base, "deep-base", {"build.gradle": deep})
    head2 = branch(r, head, "deep-head", {"build.gradle": deep.replace("'filesystem:src", "'filesystem:sql/prod', 'filesystem:src")})
    started = time.monotonic()
    proc, report = r.pr_json(head, head2)
    took = time.monotonic() - started
    check(("build.gradle", 5) in settings_lines(report) and took < 20, f"deep braces are read in time: {took:.1f}s {settings_lines(report)[:3]}")
    head = branch(r, s.base, "other", {"build.gradle": GRADLE.replace("'1.0'", "'1.1'")})
    proc, report = r.pr_json(s.base, head)
    check(settings_lines(report) == [] and proc.returncode == 0, f"the version is not a Flyway setting: {settings_lines(report)}")
    # gradle.properties' flyway.locations, which the plugin reads as a project property.
    pbase = branch(r, s.base, "props-base", {"gradle.properties": "org.gradle.jvmargs=-Xmx1g\nflyway.locations=filesystem:src/main/resources/db/migration\n"})
    head = branch(r, pbase, "props-head", {"gradle.properties": "org.gradle.jvmargs=-Xmx1g\nflyway.locations=filesystem:src/main/resources/db/migration,filesystem:sql/prod\n",
                                          **PROD})
    proc, report = r.pr_json(pbase, head)
    check(("gradle.properties", 2) in settings_lines(report) and ("sql/prod/V2__cleanup.sql", "drop-table") in rule_at(report),
          f"gradle.properties' new location is analysed: {rule_at(report)} exit {proc.returncode}")
    git(r.dir, "checkout", "-q", "main")
    git(r.dir, "checkout", "-qb", "kts-base")
    kbase = r.commit({"build.gradle": None, "build.gradle.kts": GRADLE_KTS})
    head = branch(r, kbase, "kts", {"build.gradle.kts": GRADLE_KTS.replace('migration")', 'migration", "filesystem:sql/prod")'), **PROD})
    proc, report = r.pr_json(kbase, head)
    check(("build.gradle.kts", 5) in settings_lines(report) and proc.returncode == 1,
          f"the Kotlin DSL's locations line is a settings change: {settings_lines(report)} exit {proc.returncode}")
    check(("sql/prod/V2__cleanup.sql", "drop-table") in rule_at(report), f"the Kotlin DSL's new location is analysed: {rule_at(report)}")


SCENARIOS = {"compose_service": compose_service, "dockerfile_copy": dockerfile_copy, "docker_run_volume": docker_run_volume,
             "flyway_maven": flyway_maven, "flyway_gradle": flyway_gradle}


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
