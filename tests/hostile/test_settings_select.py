"""Tool settings that decide which files run (issue #53, red team R68 B2, B3, B5, B6, B7, B20; R69
C7, C13): a Liquibase changelog's includeAll of plain .sql files, Sqitch's top_dir/deploy_dir in
sqitch.conf, Hibernate's ddl-auto and the @Entity classes it synchronises, Spring Boot's SQL
initialization (schema.sql/data.sql), Alembic's env.py (its script_location from the top too), and
Flyway's default location on a Maven or Gradle classpath (a version catalog's too); the Spring
settings set as environment variables as well. Each scenario builds a real git repository (base on
main, the pull request on feature) and runs `pgfence pr`: what the setting makes run is analysed,
unknown, or the changed setting is HIGH.

    test_settings_select.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import analyze_findings, gated, pr_findings, repository, run  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
RES = "src/main/resources/"


def liquibase_include_all(s):
    """Red team R68 B5: a base changelog's includeAll names db/changelog/sql/ (from the classpath
    root); the pull request adds a descriptively named plain .sql file there, which Liquibase runs
    whole: unknown at line 1. An `include file:` of a .sql file in an XML changelog likewise."""
    base = {RES + "db/changelog/db.changelog-master.yaml": "databaseChangeLog:\n  - includeAll:\n      path: db/changelog/sql/\n",
            RES + "application.properties": "spring.liquibase.change-log=classpath:db/changelog/db.changelog-master.yaml\n",
            RES + "db/changelog/sql/001-users.sql": USERS,
            "db/liquibase/master.xml": ('<?xml version="1.0"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n'
                                        '  <include file="post/cleanup.sql" relativeToChangelogFile="true"/>\n'
                                        '  <changeSet id="views" author="dev" runOnChange="true">\n'
                                        '    <sqlFile path="db/liquibase/views/report.sql"/>\n  </changeSet>\n</databaseChangeLog>\n'),
            "db/liquibase/post/cleanup.sql": "SELECT 1;\n",
            "db/liquibase/views/report.sql": "CREATE OR REPLACE VIEW report AS SELECT 1 AS n;\n"}
    # Red team R69 C6: the pull request edits only the file a runOnChange change set's sqlFile names.
    head = {RES + "db/changelog/sql/cleanup-sessions.sql": "DROP TABLE users;\n", "db/liquibase/post/cleanup.sql": "DROP TABLE users;\n",
            "db/liquibase/views/report.sql": "DROP TABLE users;\n"}
    gated(s, base, head, {(RES + "db/changelog/sql/cleanup-sessions.sql", "unknown-statement", 1),
                          ("db/liquibase/post/cleanup.sql", "unknown-statement", 1),
                          ("db/liquibase/views/report.sql", "unknown-statement", 1)}, analyze=False)


def sqitch_top_dir(s):
    """Red team R68 B7: sqitch.conf sets top_dir = db with the plan at the top; the pull request
    adds db/deploy/cleanup.sql (unknown at line 1) and a line to sqitch.plan (HIGH)."""
    base = {"sqitch.conf": "[core]\n\tengine = pg\n\ttop_dir = db\n\tplan_file = sqitch.plan\n",
            "sqitch.plan": "%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z Dev <dev@example.com> # users\n",
            "db/deploy/users.sql": "BEGIN; " + USERS.strip() + " COMMIT;\n", "db/revert/users.sql": "BEGIN; DROP TABLE users; COMMIT;\n"}
    head = {"sqitch.plan": base["sqitch.plan"] + "cleanup [users] 2024-02-01T00:00:00Z Dev <dev@example.com> # tidy\n",
            "db/deploy/cleanup.sql": "BEGIN; DROP TABLE users CASCADE; COMMIT;\n", "db/revert/cleanup.sql": "SELECT 1;\n"}
    gated(s, base, head, {("db/deploy/cleanup.sql", "unknown-statement", 1), ("sqitch.plan", "migration-tool-settings-changed", 5)},
          analyze=False)


ENTITY = "package com.acme;\nimport jakarta.persistence.*;\n@Entity @Table(name = \"users\")\npublic class User { @Id Long id; String email; }\n"
APP_YML = ("spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n  flyway:\n    locations: classpath:db/migration\n"
           "  jpa:\n    hibernate:\n      ddl-auto: {}\n")


def hibernate_ddl_auto(s):
    """Red team R68 B2: the pull request changes ddl-auto from validate to create (Hibernate drops
    and recreates every entity table at start): HIGH at the line."""
    base = {RES + "application.yml": APP_YML.format("validate"), RES + "db/migration/V1__init.sql": USERS,
            "src/main/java/com/acme/User.java": ENTITY}
    gated(s, base, {RES + "application.yml": APP_YML.format("create")},
          {(RES + "application.yml", "migration-tool-settings-changed", 8)}, analyze=False)


def hibernate_entity(s):
    """While ddl-auto is update (base), a changed @Entity class is unknown at its annotation: the
    DDL Hibernate computes from it at start is not seen."""
    base = {RES + "application.yml": APP_YML.format("update"), RES + "db/migration/V1__init.sql": USERS,
            "src/main/java/com/acme/User.java": ENTITY}
    gated(s, base, {"src/main/java/com/acme/User.java": ENTITY.replace(" String email;", " String nickname;")},
          {("src/main/java/com/acme/User.java", "unknown-statement", 3)}, analyze=False)


def spring_sql_init(s):
    """Red team R68 B3: with spring.sql.init.mode=always, data.sql runs at every start: the pull
    request's TRUNCATE there is analysed."""
    base = {RES + "application.properties": ("spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.flyway.locations=classpath:db/migration\n"
                                             "spring.sql.init.mode=always\n"),
            RES + "db/migration/V1__init.sql": USERS + "CREATE TABLE plans (code text PRIMARY KEY);\n",
            RES + "data.sql": "INSERT INTO plans (code) VALUES ('free') ON CONFLICT DO NOTHING;\n"}
    gated(s, base, {RES + "data.sql": base[RES + "data.sql"] + "TRUNCATE users CASCADE;\n"}, {(RES + "data.sql", "truncate-cascade", 2)},
          analyze=False)


def alembic_env(s):
    """Red team R68 B6: the pull request adds a statement to alembic/env.py, which runs at every
    `alembic upgrade`: HIGH at the line."""
    env = ("from alembic import context\nfrom sqlalchemy import text\n\ndef run_migrations_online(connection):\n"
           "    with context.begin_transaction():\n        context.run_migrations()\n")
    base = {"alembic.ini": "[alembic]\nscript_location = alembic\n", "alembic/env.py": env}
    head = {"alembic/env.py": env.replace("        context.run_migrations()\n",
                                          "        connection.execute(text(\"TRUNCATE users CASCADE\"))\n        context.run_migrations()\n")}
    gated(s, base, head, {("alembic/env.py", "migration-tool-settings-changed", 6)}, analyze=False)


def flyway_default_location(s):
    """Red team R68 B20: flyway-core in pom.xml makes src/main/resources/db/migration Flyway's
    location with its subfolders, though the base configuration's paths list only the top folder."""
    base = {".pgfence.toml": 'paths = ["src/main/resources/db/migration/*.sql"]\n',
            RES + "application.properties": "spring.flyway.enabled=true\n",
            "pom.xml": ("<project><dependencies><dependency><groupId>org.flywaydb</groupId><artifactId>flyway-core</artifactId>"
                        "</dependency></dependencies></project>\n"),
            RES + "db/migration/V1__init.sql": USERS}
    repository(s, base, {RES + "db/migration/2024/V2__cleanup.sql": "DROP TABLE users;\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}", no_config=False)  # the base's .pgfence.toml applies
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    check((RES + "db/migration/2024/V2__cleanup.sql", "drop-table", 1) in found, f"the subfolder's migration is analysed: {sorted(found)}")


def alembic_env_location(s):
    """alembic.ini's script_location names another folder (`%(here)s/db/env`): a change to its env.py
    is unknown at line 1."""
    env = ("from alembic import context\n\ndef run(connection):\n    with context.begin_transaction():\n        context.run_migrations()\n")
    base = {"alembic.ini": "[alembic]\nscript_location = %(here)s/db/env\n", "db/env/env.py": env}
    gated(s, base, {"db/env/env.py": env.replace("def run", "import os\n\ndef run")}, {("db/env/env.py", "unknown-statement", 1)},
          analyze=False)


def alembic_ini_outside_top(s):
    """Red team R69 C7: config/alembic.ini's plain relative script_location is relative to the
    directory Alembic runs in, the top for the workflow's `alembic -c config/alembic.ini`: the pull
    request's change to db/mig/env.py (not config/db/mig/env.py) is unknown at line 1."""
    env = "from alembic import context\ncontext.run_migrations()\n"
    base = {"config/alembic.ini": "[alembic]\nscript_location = db/mig\n",
            ".github/workflows/deploy.yml": ("on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                                             "      - run: alembic -c config/alembic.ini upgrade head\n"),
            "db/mig/env.py": env,
            "db/mig/versions/a1_users.py": ('revision = "a1"\ndown_revision = None\nfrom alembic import op\ndef upgrade():\n'
                                            '    op.execute("CREATE TABLE users (id bigint PRIMARY KEY)")\n')}
    head = {"db/mig/env.py": "from alembic import context\nfrom sqlalchemy import text\ncontext.execute(text(\"TRUNCATE users CASCADE\"))\n" + env[27:]}
    gated(s, base, head, {("db/mig/env.py", "unknown-statement", 1)}, analyze=False)


def alembic_pyproject(s):
    """Red team R71 F8: Alembic 1.16's pyproject.toml [tool.alembic] script_location
    (`%(here)s/db/mig`, alembic.ini left with its logging sections only): the pull request's TRUNCATE
    in db/mig/env.py is unknown at line 1, as under alembic.ini's [alembic]; the line it adds to
    [tool.alembic] changes Alembic's settings: HIGH at the line."""
    env = "from alembic import context\ncontext.run_migrations()\n"
    base = {"pyproject.toml": '[project]\nname = "app"\n\n[tool.alembic]\nscript_location = "%(here)s/db/mig"\n',
            "alembic.ini": "[loggers]\nkeys = root\n", "deploy.sh": "#!/bin/sh\nalembic upgrade head\n", "db/mig/env.py": env,
            "db/mig/versions/a1_users.py": ('revision = "a1"\ndown_revision = None\nfrom alembic import op\ndef upgrade():\n'
                                            '    op.execute("CREATE TABLE users (id bigint PRIMARY KEY)")\n')}
    head = {"db/mig/env.py": "from alembic import context\nfrom sqlalchemy import text\ncontext.execute(text(\"TRUNCATE users CASCADE\"))\n" + env[27:],
            "pyproject.toml": base["pyproject.toml"] + 'prepend_sys_path = ["src"]\n'}
    gated(s, base, head, {("db/mig/env.py", "unknown-statement", 1), ("pyproject.toml", "migration-tool-settings-changed", 6)},
          analyze=False)


def alembic_pyproject_toml(s):
    """Red team R72 L1: pyproject.toml is read as TOML reads it (Alembic loads it with tomllib). Its
    [tool.alembic] script_location is a multi-line string (three quotes, then `%(here)s/db/mig` and
    three quotes on the next line: TOML drops the first newline), after a file_template whose string
    holds a `[deploy]` line, and the project's description holds a decoy `[tool.alembic]` table inside
    a string. The pull request's TRUNCATE in db/mig/env.py is unknown at line 1, and the line it
    changes in the prepend_sys_path array (below the string's `[deploy]`) is HIGH at that line."""
    env = "from alembic import context\ncontext.run_migrations()\n"
    pyproject = ('[project]\nname = "app"\ndescription = """\n[tool.alembic]\nscript_location = "decoy"\n"""\n\n'
                 '[tool.alembic]\nfile_template = """%%(year)d_%%(rev)s\n[deploy]"""\nprepend_sys_path = [\n    ".",  # the app\n]\n'
                 'script_location = """\n%(here)s/db/mig"""\n')
    base = {"pyproject.toml": pyproject, "alembic.ini": "[loggers]\nkeys = root\n", "deploy.sh": "#!/bin/sh\nalembic upgrade head\n",
            "db/mig/env.py": env, "decoy/env.py": env, "env.py": env,
            "db/mig/versions/a1_users.py": ('revision = "a1"\ndown_revision = None\nfrom alembic import op\ndef upgrade():\n'
                                            '    op.execute("CREATE TABLE users (id bigint PRIMARY KEY)")\n')}
    head = {"db/mig/env.py": "from alembic import context\nfrom sqlalchemy import text\ncontext.execute(text(\"TRUNCATE users CASCADE\"))\n" + env[27:],
            "pyproject.toml": pyproject.replace('".",  # the app', '"src",  # the app')}
    gated(s, base, head, {("db/mig/env.py", "unknown-statement", 1), ("pyproject.toml", "migration-tool-settings-changed", 12)},
          analyze=False)


ENV_COMPOSE = "services:\n  app:\n    image: acme/app\n    environment:\n      SPRING_PROFILES_ACTIVE: prod\n"
ENV_K8S = ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/app\n"
           "          env:\n            - name: SPRING_PROFILES_ACTIVE\n              value: prod\n")


def hibernate_env(s):
    """Red team R69 C7: Hibernate's schema management set through the environment (Spring Boot's
    relaxed binding ranks an OS variable above application.properties): the pull request adds
    SPRING_JPA_HIBERNATE_DDL_AUTO to a compose file's environment map and a compose list, a
    Kubernetes env name/value pair, SPRING_JPA_PROPERTIES_HIBERNATE_HBM2DDL_AUTO as a Dockerfile
    ENV, QUARKUS_HIBERNATE_ORM_DATABASE_GENERATION in a workflow's env: HIGH at each line, as
    the application.properties spelling is. Changing only a Kubernetes `value:` line (validate to
    create) is unknown at that line."""
    props = "spring.flyway.locations=classpath:db/migration\nspring.jpa.hibernate.ddl-auto=validate\n"
    worker = ENV_K8S.replace("SPRING_PROFILES_ACTIVE", "SPRING_JPA_HIBERNATE_DDL_AUTO").replace("value: prod", "value: validate")
    base = {RES + "application.properties": props, RES + "db/migration/V1__init.sql": USERS,
            "docker-compose.yml": ENV_COMPOSE, "compose.worker.yml": "services:\n  worker:\n    image: acme/app\n    environment:\n      - A=1\n",
            "k8s/app.yaml": ENV_K8S, "k8s/worker.yaml": worker,
            "Dockerfile": "FROM eclipse-temurin:21\nCOPY app.jar /app.jar\n",
            ".github/workflows/it.yml": "on: push\njobs:\n  it:\n    runs-on: ubuntu-latest\n    env:\n      A: 1\n    steps:\n      - run: ./gradlew bootRun\n"}
    head = {"docker-compose.yml": ENV_COMPOSE + "      SPRING_JPA_HIBERNATE_DDL_AUTO: create\n",
            "compose.worker.yml": base["compose.worker.yml"] + '      - "SPRING_JPA_HIBERNATE_DDL_AUTO=create-drop"\n',
            "k8s/app.yaml": ENV_K8S + "            - name: SPRING_JPA_HIBERNATE_DDL_AUTO\n              value: \"create\"\n",
            "k8s/worker.yaml": worker.replace("value: validate", "value: create"),
            "Dockerfile": base["Dockerfile"] + "ENV SPRING_JPA_PROPERTIES_HIBERNATE_HBM2DDL_AUTO=update\n",
            ".github/workflows/it.yml": base[".github/workflows/it.yml"].replace("      A: 1\n", "      A: 1\n      QUARKUS_HIBERNATE_ORM_DATABASE_GENERATION: drop-and-create\n")}
    gated(s, base, head, {("docker-compose.yml", "migration-tool-settings-changed", 6), ("compose.worker.yml", "migration-tool-settings-changed", 6),
                          ("k8s/app.yaml", "migration-tool-settings-changed", 12), ("k8s/worker.yaml", "unknown-statement", 11),
                          ("Dockerfile", "migration-tool-settings-changed", 3), (".github/workflows/it.yml", "migration-tool-settings-changed", 7)},
          analyze=False)


def hibernate_env_entity(s):
    """While SPRING_JPA_HIBERNATE_DDL_AUTO is update in the base's compose file, a changed @Entity
    class is unknown at its annotation (red team R69 C7), as with ddl-auto in application.yml."""
    base = {RES + "application.properties": "spring.flyway.locations=classpath:db/migration\n", RES + "db/migration/V1__init.sql": USERS,
            "docker-compose.yml": ENV_COMPOSE + "      SPRING_JPA_HIBERNATE_DDL_AUTO: update\n", "src/main/java/com/acme/User.java": ENTITY}
    gated(s, base, {"src/main/java/com/acme/User.java": ENTITY.replace(" String email;", " String nickname;")},
          {("src/main/java/com/acme/User.java", "unknown-statement", 3)}, analyze=False)


def spring_env_files(s):
    """Red team R69 C7: Spring's SQL initialization and Flyway's locations set through the
    environment select files: SPRING_SQL_INIT_MODE=always in the base's compose list runs
    data.sql, whose TRUNCATE the pull request adds (analysed); SPRING_FLYWAY_LOCATIONS in a
    Kubernetes env names classpath:db/prod beside db/migration, where the pull request adds a
    migration the base configuration's paths glob leaves out (analysed)."""
    base = {".pgfence.toml": 'paths = ["src/main/resources/db/migration/*.sql"]\n',
            RES + "application.properties": "spring.flyway.locations=classpath:db/migration\n",
            RES + "db/migration/V1__init.sql": USERS + "CREATE TABLE plans (code text PRIMARY KEY);\n",
            RES + "data.sql": "INSERT INTO plans (code) VALUES ('free') ON CONFLICT DO NOTHING;\n",
            "docker-compose.yml": "services:\n  app:\n    image: acme/app\n    environment:\n      - SPRING_SQL_INIT_MODE=always\n",
            "deploy/app.yaml": ENV_K8S + "            - name: SPRING_FLYWAY_LOCATIONS\n              value: classpath:db/migration,classpath:db/prod\n"}
    head = {RES + "data.sql": base[RES + "data.sql"] + "TRUNCATE users CASCADE;\n", RES + "db/prod/V2__drop.sql": "DROP TABLE plans;\n"}
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}", no_config=False)  # the base's .pgfence.toml applies
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    for e in ((RES + "data.sql", "truncate-cascade", 2), (RES + "db/prod/V2__drop.sql", "drop-table", 1)):
        check(e in found, f"pr reports {e}: {sorted(found)}")


ENV_FILE_COMPOSE = ("services:\n  app:\n    image: acme/app\n    env_file: .env.prod\n  worker:\n    image: acme/app\n    env_file:\n"
                    "      - path: ./deploy/app.vars\n        required: false\n")


def spring_env_file(s):
    """Red team R71 F6: Spring's settings in the files a deploy loads into the environment. A compose
    service's `env_file: .env.prod` sets SPRING_SQL_INIT_MODE=always: the pull request's TRUNCATE in
    data.sql is analysed; another service's long-syntax `env_file: [{path: ./deploy/app.vars}]` sets
    SPRING_SQL_INIT_DATA_LOCATIONS=classpath:seed/prod.sql: the pull request's DROP TABLE there is
    analysed."""
    base = {RES + "application.properties": "spring.flyway.locations=classpath:db/migration\n",
            RES + "db/migration/V1__init.sql": USERS + "CREATE TABLE plans (code text PRIMARY KEY);\n",
            RES + "data.sql": "SELECT 1;\n", RES + "seed/prod.sql": "SELECT 1;\n", "docker-compose.yml": ENV_FILE_COMPOSE,
            ".env.prod": "SPRING_PROFILES_ACTIVE=prod\nSPRING_SQL_INIT_MODE=always\n",
            "deploy/app.vars": "SPRING_SQL_INIT_MODE=always\nSPRING_SQL_INIT_DATA_LOCATIONS=classpath:seed/prod.sql\n"}
    head = {RES + "data.sql": "SELECT 1;\nTRUNCATE users CASCADE;\n", RES + "seed/prod.sql": "SELECT 1;\nDROP TABLE plans;\n"}
    gated(s, base, head, {(RES + "data.sql", "truncate-cascade", 2), (RES + "seed/prod.sql", "drop-table", 2)}, analyze=False)


ENV_FILE_BASE = {"docker-compose.yml": "services:\n  app:\n    image: acme/app\n    env_file: .env.prod\n",
                 ".env.prod": "SPRING_PROFILES_ACTIVE=prod\nSERVER_PORT=8080\n",
                 "deploy.sh": "#!/bin/sh\ndocker run --env-file ops/app.vars acme/app\n", "ops/app.vars": "A=1\n",
                 "k8s/kustomization.yaml": "configMapGenerator:\n  - name: app\n    envs:\n      - app-env.txt\n", "k8s/app-env.txt": "A=1\n",
                 RES + "application.properties": "spring.flyway.locations=classpath:db/migration\n", RES + "db/migration/V1__init.sql": USERS}


def spring_env_file_changed(s):
    """Red team R71 F6: the pull request adds SPRING_JPA_HIBERNATE_DDL_AUTO=create to a compose
    env_file (.env.prod), to the file `docker run --env-file` loads, and to a kustomization's
    configMapGenerator `envs:` file: HIGH at each line, as in a compose `environment:`."""
    head = {p: ENV_FILE_BASE[p] + "SPRING_JPA_HIBERNATE_DDL_AUTO=create\n" for p in (".env.prod", "ops/app.vars", "k8s/app-env.txt")}
    gated(s, ENV_FILE_BASE, head, {(".env.prod", "migration-tool-settings-changed", 3), ("ops/app.vars", "migration-tool-settings-changed", 2),
                                   ("k8s/app-env.txt", "migration-tool-settings-changed", 2)}, analyze=False)


def env_files_included_pr(s):
    """Red team R75 F5, F6 in `pgfence pr`: the pull request adds SPRING_JPA_HIBERNATE_DDL_AUTO=create
    to deploy/app.vars, which only a compose file the top-level include brings in loads (its paths
    from project_directory deploy), and to ops/w.vars, which only a compose file the .env's
    COMPOSE_FILE names loads: HIGH at each line, as in any env_file."""
    base = dict(ENV_FILE_BASE)
    base["docker-compose.yml"] += "include:\n  - path: deploy/app/app.yml\n    project_directory: deploy\n"
    base["deploy/app/app.yml"] = "services:\n  app2:\n    image: acme/app\n    env_file: app.vars\n"
    base["deploy/app.vars"] = "A=1\n"
    base[".env"] = "COMPOSE_FILE=docker-compose.yml:ops/worker.yaml\n"
    base["ops/worker.yaml"] = "services:\n  w:\n    image: acme/w\n    env_file: ops/w.vars\n"
    base["ops/w.vars"] = "A=1\n"
    head = {p: base[p] + "SPRING_JPA_HIBERNATE_DDL_AUTO=create\n" for p in ("deploy/app.vars", "ops/w.vars")}
    gated(s, base, head, {("deploy/app.vars", "migration-tool-settings-changed", 2), ("ops/w.vars", "migration-tool-settings-changed", 2)},
          analyze=False)


def spring_env_file_other(s):
    """The same files with a variable no migration tool or Spring setting pgfence reads (LOG_LEVEL)
    added: no finding, pr passes."""
    head = {p: ENV_FILE_BASE[p] + "LOG_LEVEL=debug\n" for p in (".env.prod", "ops/app.vars", "k8s/app-env.txt")}
    repository(s, ENV_FILE_BASE, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0 and not pr_findings(s), f"pr passes: exit {proc.returncode} {sorted(pr_findings(s))}\n{proc.stderr}")


def flyway_version_catalog(s):
    """Red team R69 C13: the build names Flyway through a Gradle version catalog
    (gradle/libs.versions.toml's org.flywaydb:flyway-core, `implementation(libs.flyway.core)`):
    Spring Boot's default location db/migration is still Flyway's, with its subfolders, though the
    base configuration's paths list only the top folder. A subproject naming libs.flyway.core
    without the catalog beside it counts too."""
    base = {".pgfence.toml": 'paths = ["src/main/resources/db/migration/*.sql", "app/src/main/resources/db/migration/*.sql"]\n',
            "gradle/libs.versions.toml": ('[libraries]\nflyway-core = { module = "org.flywaydb:flyway-core", version = "10.20.1" }\n'
                                          'flyway-postgresql = { module = "org.flywaydb:flyway-database-postgresql", version = "10.20.1" }\n'),
            "build.gradle.kts": ('plugins { id("org.springframework.boot") version "3.3.5" }\ndependencies {\n    implementation(libs.flyway.core)\n'
                                 '    runtimeOnly(libs.flyway.postgresql)\n}\n'),
            "app/build.gradle.kts": "dependencies {\n    implementation(libs.bundles.flyway)\n}\n",
            RES + "db/migration/V1__init.sql": USERS, "app/" + RES + "db/migration/V1__init.sql": USERS}
    head = {RES + "db/migration/2024/V2__cleanup.sql": "DROP TABLE users;\n", "app/" + RES + "db/migration/2024/V2__cleanup.sql": "DROP TABLE users;\n"}
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}", no_config=False)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    for path in (RES + "db/migration/2024/V2__cleanup.sql", "app/" + RES + "db/migration/2024/V2__cleanup.sql"):
        check((path, "drop-table", 1) in found, f"the subfolder's migration {path} is analysed: {sorted(found)}")


def flyway_boot_starter(s):
    """Red team R69 C13: Spring Boot 4's spring-boot-starter-flyway (group org.springframework.boot,
    no flyway-core or org.flywaydb in pom.xml) puts Flyway on the classpath as well."""
    base = {".pgfence.toml": 'paths = ["src/main/resources/db/migration/*.sql"]\n',
            "pom.xml": ("<project><dependencies><dependency><groupId>org.springframework.boot</groupId>"
                        "<artifactId>spring-boot-starter-flyway</artifactId></dependency></dependencies></project>\n"),
            RES + "db/migration/V1__init.sql": USERS}
    repository(s, base, {RES + "db/migration/2024/V2__cleanup.sql": "DROP TABLE users;\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}", no_config=False)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    check((RES + "db/migration/2024/V2__cleanup.sql", "drop-table", 1) in found, f"the subfolder's migration is analysed: {sorted(found)}")


def env_files_analyze(s):
    """Red team R72 L2: `pgfence analyze` reads the files a deploy loads into a program's environment,
    as `pgfence pr` does. The compose file's app service loads deploy/app.vars (env_file), which sets
    SPRING_JPA_HIBERNATE_DDL_AUTO=update: Hibernate computes DDL at start, unknown at that line. The
    goose service loads deploy/goose.vars, whose GOOSE_MIGRATION_DIR=/migrations/extra maps through
    its volume to db/extra (named in analyze's notes), and deploy/secrets.vars (`required: false`),
    which the repository does not hold: it may set GOOSE_MIGRATION_DIR, unknown at the line naming
    it. A systemd unit's EnvironmentFile (deploy/app.env.conf) sets SPRING_FLYWAY_LOCATIONS from a
    variable: unknown there."""
    compose = ("services:\n  app:\n    image: acme/app\n    env_file: deploy/app.vars\n"
               "  goose:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n    env_file:\n      - deploy/goose.vars\n"
               "      - path: deploy/secrets.vars\n        required: false\n    volumes:\n      - ./db/extra:/migrations/extra\n")
    base = {"docker-compose.yml": compose, "deploy/app.vars": "SPRING_PROFILES_ACTIVE=prod\nSPRING_JPA_HIBERNATE_DDL_AUTO=update\n",
            "deploy/goose.vars": "GOOSE_DRIVER=postgres\nGOOSE_MIGRATION_DIR=/migrations/extra\n",
            "deploy/app.service": "[Service]\nEnvironmentFile=app.env.conf\nExecStart=/usr/bin/java -jar app.jar\n",
            "deploy/app.env.conf": "SPRING_FLYWAY_LOCATIONS=filesystem:${FLYWAY_DIR}\n",
            "db/extra/00001_init.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"}
    repository(s, base, {"db/extra/00002_orders.sql": "-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n"})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode in (0, 1), f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    found = analyze_findings(s)
    unknown = {(p, line) for p, rule, line in found if rule == "unknown-statement"}
    for e in (("deploy/app.vars", 2), ("docker-compose.yml", 9), ("deploy/app.env.conf", 1)):
        check(e in unknown, f"analyze reports {e} unknown: {sorted(found)}\n{proc.stderr}")
    check("db/extra" in proc.stderr and "goose" in proc.stderr, f"analyze names goose's folder db/extra:\n{proc.stderr}")
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


def env_files_merged(kind):
    """Red team R73 F6: a compose service's env_file reached through YAML's merge key (`<<: *common`
    from an `x-common:` extension field) or through `extends: {file: ...}` (compose merges the
    extended service's env_file, relative to its own file); R75 F4-F6: spelt with YAML's escapes, in
    a file a top-level `include:` brings in, in a file the .env's COMPOSE_FILE names; R76 E1-E3:
    a command over lines, the COMPOSE_FILE of compose's --env-file, COMPOSE_FILE and compose-file
    in forms not read (unknown at their line).
    deploy/goose.vars sets PGOPTIONS with standard_conforming_strings=off, which changes how every
    later migration is read: unknown at its line, and `analyze --ci --unknown block` fails."""
    def scenario(s):
        goose = ("  goose:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n    volumes:\n      - ./db/migrations:/migrations\n")
        files = {"deploy/goose.vars": "GOOSE_DRIVER=postgres\nPGOPTIONS=-c standard_conforming_strings=off\n",
                 "db/migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"}
        expected = ("deploy/goose.vars", "unknown-statement", 2)
        migrate = ("services:\n  goose:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n"
                   "    volumes:\n      - ../db/migrations:/migrations\n    env_file: goose.vars\n")
        if kind == "anchor":
            files["docker-compose.yml"] = "x-common: &common\n  env_file: deploy/goose.vars\nservices:\n" + goose + "    <<: *common\n"
        elif kind == "extends":
            files["docker-compose.yml"] = "services:\n" + goose + "    extends:\n      file: deploy/common.yml\n      service: base\n"
            files["deploy/common.yml"] = "services:\n  base:\n    env_file: goose.vars\n"
        elif kind == "quoted_key":
            # R74 F2: spellings YAML accepts that pgfence's reader does not: unknown at their line.
            files["docker-compose.yml"] = "services:\n" + goose + '    "env_file": deploy/goose.vars\n'
            expected = ("docker-compose.yml", "unknown-statement", 6)
        elif kind == "escaped_key":
            # R75 F4: a key YAML decodes to env_file ("env\u005ffile", "env\x5ffile"): unknown at its line.
            files["docker-compose.yml"] = "services:\n" + goose + '    "env\\u005ffile": deploy/goose.vars\n'
            expected = ("docker-compose.yml", "unknown-statement", 6)
        elif kind == "include":
            # R75 F5: the goose service comes from a file the top-level include brings in (long syntax,
            # project_directory deploy): its env_file resolves from there.
            files["docker-compose.yml"] = "include:\n  - path: deploy/goose/migrate.yml\n    project_directory: deploy\n"
            files["deploy/goose/migrate.yml"] = ("services:\n  goose:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n"
                                                  "    volumes:\n      - ../db/migrations:/migrations\n    env_file: goose.vars\n")
        elif kind == "compose_file":
            # R75 F6: the project's .env names a second compose file (COMPOSE_FILE, ':'-separated) whose
            # env_file is relative to the first file's folder, the project's.
            files["docker-compose.yml"] = "services:\n" + goose
            files[".env"] = "COMPOSE_PROJECT_NAME=app\nCOMPOSE_FILE=docker-compose.yml:deploy/migrate.yaml\n"
            files["deploy/migrate.yaml"] = "services:\n  goose:\n    env_file: deploy/goose.vars\n"
        elif kind == "compose_file_flag":
            # R75 F6 (other sources): a Makefile runs `docker compose -f deploy/migrate.yml`, whose
            # env_file is relative to that file's folder.
            files["Makefile"] = "migrate:\n\tdocker compose -f deploy/migrate.yml run --rm goose up\n"
            files["deploy/migrate.yml"] = ("services:\n  goose:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n"
                                           "    volumes:\n      - ../db/migrations:/migrations\n    env_file: goose.vars\n")
        elif kind == "compose_continued":
            # R76 E1: the Makefile's command goes on over lines ending in `\`: a shell reads it whole.
            files["Makefile"] = "migrate:\n\tdocker compose \\\n\t  -f deploy/migrate.yml \\\n\t  run --rm goose up\n"
            files["deploy/migrate.yml"] = migrate
        elif kind == "compose_env_file":
            # R76 E2: `docker compose --env-file deploy/ci.vars` reads COMPOSE_FILE there, as from .env,
            # relative to the folder the command runs in.
            files["Makefile"] = "migrate:\n\tdocker compose --env-file deploy/ci.vars run --rm goose up\n"
            files["deploy/ci.vars"] = "COMPOSE_FILE=deploy/migrate.yml\n"
            files["deploy/migrate.yml"] = migrate
        elif kind == "compose_make_export":
            # R76 E3: make's `export COMPOSE_FILE := a:b` is not a form pgfence reads: unknown at its line.
            files["Makefile"] = "export COMPOSE_FILE := deploy/migrate.yml\nmigrate:\n\tdocker compose run --rm goose up\n"
            files["deploy/migrate.yml"] = migrate
            expected = ("Makefile", "unknown-statement", 1)
        elif kind == "compose_action":
            # R76 E3: hoverkraft-tech/compose-action's `compose-file:` input lists the compose files.
            files[".github/workflows/migrate.yml"] = ("on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                                      "      - uses: hoverkraft-tech/compose-action@v2\n        with:\n"
                                                      "          compose-file: |\n            deploy/migrate.yml\n")
            files["deploy/migrate.yml"] = migrate
            expected = (".github/workflows/migrate.yml", "unknown-statement", 8)
        else:
            files["docker-compose.yml"] = ("x-ext: &ext {file: deploy/common.yml, service: base}\nservices:\n" + goose +
                                           "    extends: *ext\n")
            files["deploy/common.yml"] = "services:\n  base:\n    env_file: goose.vars\n"
            expected = ("docker-compose.yml", "unknown-statement", 7)
        repository(s, files, {"db/migrations/00002_seed.sql": "-- +goose Up\nSELECT 'a\\''; DROP TABLE users; --';\n"})
        proc = run(s, "analyze", "--no-config", "--format", "json", ".")
        found = analyze_findings(s)
        check(expected in found, f"{expected} is unknown: {sorted(found)}\n{proc.stderr}")
        proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", ".")
        check(proc.returncode == 1, f"analyze --ci --unknown block fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    scenario.__name__ = "env_files_" + kind
    return scenario


SCENARIOS = {f.__name__: f for f in (liquibase_include_all, sqitch_top_dir, hibernate_ddl_auto, hibernate_entity, spring_sql_init,
                                     alembic_env, alembic_env_location, flyway_default_location, alembic_ini_outside_top, alembic_pyproject, alembic_pyproject_toml,
                                     hibernate_env, hibernate_env_entity, spring_env_files, spring_env_file, spring_env_file_changed,
                                     spring_env_file_other, env_files_included_pr, flyway_version_catalog, flyway_boot_starter, env_files_analyze,
                                     env_files_merged("anchor"), env_files_merged("extends"), env_files_merged("quoted_key"),
                                     env_files_merged("extends_alias"), env_files_merged("escaped_key"), env_files_merged("include"),
                                     env_files_merged("compose_file"), env_files_merged("compose_file_flag"),
                                     env_files_merged("compose_continued"), env_files_merged("compose_env_file"),
                                     env_files_merged("compose_make_export"), env_files_merged("compose_action"))}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
