// The runners of red team R68 B9, B10, B12 and the settings of B5, B7, B3, B20, R69 C7, C13
// (analyze/migrations/psql_files.hpp, psql_scripts.hpp, changelog_dirs.hpp, spring_env.hpp): which
// files each selects, and which it leaves unknown.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>

#include "analyze/base/yaml_scalar.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/compose_files.hpp"
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/spring_env.hpp"

using namespace pgfence::analyze::tools;

namespace {

std::string listed(const std::vector<ToolDir>& dirs) {
    std::string out;
    for (const auto& d : dirs) {
        out += (out.empty() ? "" : ";") + d.tool + ":" + std::to_string(d.line) + ":" + (d.unknown.empty() ? d.folder : "?") +
               (d.loads_unread.empty() ? "" : "!");
    }
    return out;
}

}  // namespace

TEST_CASE("psql_runs_file: one file, globs within a folder, ** across folders") {
    CHECK(psql_runs_file("db/x.sql", "db/x.sql"));
    CHECK_FALSE(psql_runs_file("db/y.sql", "db/x.sql"));
    CHECK(psql_runs_file("db/patches/a.sql", "db/patches/*.sql"));
    CHECK_FALSE(psql_runs_file("db/patches/2024/a.sql", "db/patches/*.sql"));
    CHECK_FALSE(psql_runs_file("db/patches/.a.sql", "db/patches/*.sql"));
    CHECK(psql_runs_file("db/fixes/a.sql", "db/fixes/**/*.sql"));
    CHECK(psql_runs_file("db/fixes/2024/01/a.sql", "db/fixes/**/*.sql"));
    CHECK_FALSE(psql_runs_file("db/fixes/a.txt", "db/fixes/**/*.sql"));
    CHECK(psql_runs_file("db/p/v2.sql", "db/p/v[0-9].sql"));
}

TEST_CASE("read_psql_files: loops, find, cat pipes and computed files") {
    CHECK(listed(read_psql_files("deploy.sh", "for f in db/p/*.sql; do\n  psql -f \"$f\"\ndone\n", "")) == "psql:2:db/p/*.sql");
    CHECK(listed(read_psql_files("deploy.sh", "find db/f -name '*.sql' -exec psql -f {} \\;\n", "")) == "psql:1:db/f/**/*.sql");
    CHECK(listed(read_psql_files("deploy.sh", "cat db/a.sql | docker exec -i db psql\n", "")) == "psql:1:db/a.sql");
    CHECK(listed(read_psql_files("w.yml", "      - run: cat db/s/*.sql | psql \"$URL\"\n", "")) == "psql:1:db/s/*.sql");
    CHECK(listed(read_psql_files("deploy.sh", "psql -f \"$(ls db/*.sql | tail -1)\"\n", "")) == "psql:1:?!");
    CHECK(listed(read_psql_files("deploy.sh", "pg_dump src | psql dst\n", "")) == "psql:1:?");
}

TEST_CASE("read_psql_files: the files of one psql command run in one session") {
    // R72 L3: a `\cd` in the first file moves where psql opens the second and reads its `\i` from.
    std::map<std::string, std::string> tree{{"db/setup.sql", "\\cd db/lib\n"}, {"db/lib/deploy.sql", "\\i cleanup.sql\n"},
                                            {"db/lib/cleanup.sql", "SELECT 1;\n"}, {"deploy.sql", "SELECT 2;\n"},
                                            {"db/off.sql", "SET standard_conforming_strings = off;\n"},
                                            {"db/after.sql", "SELECT 'a\\''; DROP TABLE users; --';\n"}, {"db/plain.sql", "SELECT 1;\n"},
                                            {"db/env.sql", "\\cd :target\n"}};
    const ReadFile read = [&](const std::string& p) -> std::optional<std::string> {
        auto it = tree.find(p);
        if (it == tree.end()) return std::nullopt;
        return it->second;
    };
    CHECK(listed(read_psql_files("deploy.sh", "psql -f db/setup.sql -f deploy.sql\n", "", read)) ==
          "psql:1:db/setup.sql;psql:1:db/lib/deploy.sql;psql:1:db/lib/cleanup.sql");
    // A SET that changes how text is read holds for the later files: one whose text reads otherwise is unknown.
    CHECK(listed(read_psql_files("deploy.sh", "psql -f db/off.sql -f db/after.sql -f db/plain.sql\n", "", read)) ==
          "psql:1:db/off.sql;psql:1:?!;psql:1:db/plain.sql");
    // A `\cd` pgfence does not resolve: the next file is any file of its name.
    CHECK(listed(read_psql_files("deploy.sh", "psql -f db/env.sql -f x.sql\n", "", read)) == "psql:1:db/env.sql;psql:1:?!");
    // One stream: the shell opens the names, psql reads the second's `\i` from where the first moved it.
    CHECK(listed(read_psql_files("deploy.sh", "cat db/setup.sql db/lib/deploy.sql | psql\n", "", read)) ==
          "psql:1:db/setup.sql;psql:1:db/lib/deploy.sql;psql:1:db/lib/cleanup.sql");
    // Without a `\cd` nor a SET, each file as before.
    CHECK(listed(read_psql_files("deploy.sh", "psql -f db/plain.sql -f deploy.sql\n", "", read)) == "psql:1:db/plain.sql;psql:1:deploy.sql");
}

TEST_CASE("read_psql_files: other clients and desired-state appliers") {
    CHECK(listed(read_psql_files("d.sh", "npx prisma db execute --file db/x.sql\n", "")) == "psql:1:db/x.sql");
    CHECK(listed(read_psql_files("d.sh", "python manage.py dbshell < db/x.sql\n", "")) == "psql:1:db/x.sql");
    CHECK(listed(read_psql_files("d.sh", "psqldef app --file db/schema.sql\n", "")) == "psqldef:1:db/schema.sql!");
    CHECK(listed(read_psql_files("d.sh", "dbmate load\n", "")) == "dbmate:1:db/schema.sql!");
}

TEST_CASE("read_script_psql_files: Ruby, Python, #! scripts, Ansible") {
    CHECK(listed(read_script_psql_files("Rakefile", "task :x do\n  sh \"psql #{ENV['U']} -f db/a.sql\"\nend\n")) == "psql:2:db/a.sql");
    CHECK(listed(read_script_psql_files("ops/run.py", "subprocess.run([\n  \"psql\", \"-f\",\n  \"db/a.sql\"])\n")) ==
          "psql:2:ops/db/a.sql;psql:2:db/a.sql");
    CHECK(listed(read_script_psql_files("run.py", "subprocess.run([\"psql\", \"-f\", path])\n")) == "psql:1:?!");
    CHECK(listed(read_script_psql_files("run.py", "c.run(f\"psql -f {path}\")\n")) == "psql:1:?!");
    CHECK(listed(read_script_psql_files("bin/deploy", "#!/usr/bin/env bash\npsql -f db/a.sql\n")) == "psql:2:bin/db/a.sql;psql:2:db/a.sql");
    CHECK(read_script_psql_files("bin/notes", "psql -f db/a.sql\n").empty());  // no #!: not a script
    CHECK(listed(read_script_psql_files("deploy.yml", "- community.postgresql.postgresql_script:\n    path: db/a.sql\n")) == "psql:2:db/a.sql");
    CHECK_FALSE(psql_script_name("Makefile"));
    CHECK(psql_script_name("bin/deploy"));
}

TEST_CASE("read_changelog_dirs: includeAll, include, sqitch.conf, Spring SQL init, Flyway's default") {
    CHECK(listed(read_changelog_dirs("src/main/resources/db/master.yaml", "databaseChangeLog:\n  - includeAll:\n      path: db/sql/\n")) ==
          "liquibase:3:src/main/resources/db/sql/**/*.sql!;liquibase:3:db/sql/**/*.sql!");
    CHECK(listed(read_changelog_dirs("db/master.xml", "<databaseChangeLog>\n<include file=\"x.sql\" relativeToChangelogFile=\"true\"/>\n")) ==
          "liquibase:2:db/x.sql!");
    CHECK(listed(read_changelog_dirs("sqitch.conf", "[core]\n\tengine = pg\n\ttop_dir = db\n")) == "sqitch:3:db/deploy/**/*.sql!");
    CHECK(listed(read_changelog_dirs("src/main/resources/application.properties", "spring.sql.init.mode=always\n")).find(
              "psql:1:src/main/resources/data.sql") != std::string::npos);
    CHECK(read_changelog_dirs("src/main/resources/application.properties", "spring.sql.init.mode=never\n").empty());
    CHECK(listed(read_changelog_dirs("alembic.ini", "[alembic]\nscript_location = %(here)s/db/env\n")) ==
          "alembic:2:db/env/env.py!;alembic:2:db/env/script.py.mako!");
    CHECK(listed(read_changelog_dirs("pom.xml", "<artifactId>flyway-core</artifactId>\n")) == "flyway:1:src/main/resources/db/migration");
}

TEST_CASE("read_changelog_dirs: Alembic's plain relative script_location from the top too") {
    // Relative to the directory Alembic runs in: the ini's folder and the top (red team R69 C7).
    CHECK(listed(read_changelog_dirs("config/alembic.ini", "[alembic]\nscript_location = db/mig\n")) ==
          "alembic:2:config/db/mig/env.py!;alembic:2:config/db/mig/script.py.mako!;alembic:2:db/mig/env.py!;alembic:2:db/mig/script.py.mako!");
    CHECK(listed(read_changelog_dirs("config/alembic.ini", "[alembic]\nscript_location = %(here)s/db/mig\n")) ==
          "alembic:2:config/db/mig/env.py!;alembic:2:config/db/mig/script.py.mako!");
}

TEST_CASE("read_changelog_dirs: Alembic's [tool.alembic] in pyproject.toml") {
    // R71 F8: Alembic 1.16 reads [tool.alembic]; %(here)s is pyproject.toml's folder.
    CHECK(listed(read_changelog_dirs("pyproject.toml", "[project]\nname = \"a\"\n\n[tool.alembic]\nscript_location = \"%(here)s/db/mig\"\n")) ==
          "alembic:5:db/mig/env.py!;alembic:5:db/mig/script.py.mako!");
    CHECK(listed(read_changelog_dirs("svc/pyproject.toml", "[tool.alembic]\nscript_location = 'db/mig'  # x\n")) ==
          "alembic:2:svc/db/mig/env.py!;alembic:2:svc/db/mig/script.py.mako!;alembic:2:db/mig/env.py!;alembic:2:db/mig/script.py.mako!");
    CHECK(listed(read_changelog_dirs("pyproject.toml", "[tool]\nalembic.script_location = \"myapp:migrations\"\n")) == "alembic:2:?");
    CHECK(read_changelog_dirs("pyproject.toml", "[tool.poetry]\nscript_location = \"db/mig\"\nalembic = \"^1.16\"\n").empty());
    // The lines that set Alembic's settings: the table's and its subtables', not the project's.
    CHECK(alembic_pyproject_lines("[project]\ndependencies = [\"alembic\"]\n[tool.alembic]\nscript_location = \"m\"\n"
                                  "version_locations = [\n  \"a\",\n]\n\n[[tool.alembic.post_write_hooks]]\nname = \"ruff\"\n[tool.ruff]\nx = 1\n") ==
          std::vector<int>{3, 4, 5, 6, 7, 9, 10});
    // R72 L1: read as TOML reads it. A multi-line string (its first newline and a line-ending
    // backslash dropped), a `[x]` line inside a string, an escaped key, a comment after a value.
    const std::string forms = "[project]\ndescription = \"\"\"\n[tool.alembic]\nscript_location = \"decoy\"\n\"\"\"\n"
                              "[tool.alembic]\nfile_template = \"\"\"%%(rev)s\n[deploy]\"\"\"\nscript_location = \"\"\"\n%(here)s/db/\\\n   mig\"\"\"\n";
    CHECK(listed(read_changelog_dirs("pyproject.toml", forms)) == "alembic:9:db/mig/env.py!;alembic:9:db/mig/script.py.mako!");
    CHECK(alembic_pyproject_lines(forms) == std::vector<int>{6, 7, 8, 9, 10, 11});
    CHECK(listed(read_changelog_dirs("pyproject.toml", "[tool.\"\\u0061lembic\"]\nscript_location = 'db/x' # 'db/y'\n")) ==
          "alembic:2:db/x/env.py!;alembic:2:db/x/script.py.mako!");
    // Not TOML: unknown at the line its reader stops, and every line counts as Alembic's.
    CHECK(listed(read_changelog_dirs("pyproject.toml", "[tool.alembic]\nscript_location = \"db/mig\n")) == "alembic:2:?");
    CHECK(alembic_pyproject_lines("[tool.alembic]\n\nscript_location = 'a' 'b'\n") == std::vector<int>{1, 3});
    CHECK(listed(read_changelog_dirs("pyproject.toml", "[tool.alembic]\nscript_location = [\"db/mig\"]\n")) == "alembic:2:?");
}

TEST_CASE("read_changelog_dirs: Flyway named through a Gradle version catalog or Boot's starter") {
    // R69 C13: a version catalog in gradle/ belongs to the build above it; a catalog accessor.
    CHECK(listed(read_changelog_dirs("gradle/libs.versions.toml", "[libraries]\nfw = { module = \"org.flywaydb:flyway-core\" }\n")) ==
          "flyway:2:src/main/resources/db/migration");
    CHECK(listed(read_changelog_dirs("app/build.gradle.kts", "dependencies {\n  implementation(libs.flywayCore)\n}\n")) ==
          "flyway:2:app/src/main/resources/db/migration");
    CHECK(read_changelog_dirs("build.gradle.kts", "dependencies {\n  implementation(libs.postgresql)\n  // myflyway.core\n}\n").empty());
    CHECK(flyway_build_name("settings.gradle.kts"));
    CHECK_FALSE(flyway_build_name("config/libs.versions.toml"));
    CHECK(listed(read_changelog_dirs("pom.xml", "<artifactId>spring-boot-starter-flyway</artifactId>\n")) == "flyway:1:src/main/resources/db/migration");
}

TEST_CASE("spring_env_properties: Spring's and Quarkus' settings as environment variables") {
    CHECK(spring_env_properties("environment:\n  SPRING_JPA_HIBERNATE_DDL_AUTO: create\n") == "\nspring.jpa.hibernate.ddl-auto=create\n");
    CHECK(spring_env_properties("  - \"SPRING_SQL_INIT_MODE=always\"\n") == "spring.sql.init.mode=always\n");
    CHECK(spring_env_properties("ENV A=1 SPRING_JPA_HIBERNATEDDLAUTO=update B=2\n") == "spring.jpa.hibernate.ddl-auto=update\n");
    CHECK(spring_env_properties("ENV QUARKUS_HIBERNATE_ORM_DATABASE_GENERATION drop-and-create") ==
          "quarkus.hibernate-orm.database.generation=drop-and-create");
    CHECK(spring_env_properties("- name: SPRING_FLYWAY_LOCATIONS\n  value: classpath:db/a,classpath:db/b\n") ==
          "\nspring.flyway.locations=classpath:db/a,classpath:db/b\n");
    CHECK(spring_env_properties("- name: SPRING_JPA_HIBERNATE_DDL_AUTO\n  valueFrom:\n    configMapKeyRef: {}\n") ==
          "\nspring.jpa.hibernate.ddl-auto=${valueFrom}\n\n");
    CHECK(spring_env_properties("{\"name\": \"SPRING_LIQUIBASE_CHANGE_LOG\", \"value\": \"classpath:db/x.yaml\"}") ==
          "spring.liquibase.change-log=classpath:db/x.yaml");
    CHECK(spring_env_properties("SPRING_PROFILES_ACTIVE: prod\nMY_SPRING_JPA_HIBERNATE_DDL_AUTO: create\n# SPRING_SQL_INIT_MODE=always\n").empty());
    CHECK(spring_env_line("      - SPRING_JPA_HIBERNATE_DDL_AUTO=create"));
    CHECK_FALSE(spring_env_line("      SPRING_PROFILES_ACTIVE: prod"));
    // Read by the schema synchronisation and SQL initialization readers at the variable's line.
    const auto sync = schema_sync_settings("services:\n  app:\n    environment:\n      SPRING_JPA_HIBERNATE_DDL_AUTO: create\n");
    REQUIRE(sync.size() == 1);
    CHECK(sync.front().line == 4);
    CHECK(sync.front().why.find("SPRING_JPA_HIBERNATE_DDL_AUTO: create") != std::string::npos);
    CHECK(schema_sync_settings("environment:\n  SPRING_JPA_HIBERNATE_DDL_AUTO: validate\n").empty());
    CHECK(listed(read_changelog_dirs("docker-compose.yml", "environment:\n  - SPRING_SQL_INIT_MODE=always\n")).find(
              "psql:2:src/main/resources/data.sql") != std::string::npos);
    CHECK(listed(read_changelog_dirs("deploy/app.yaml", "env:\n  SPRING_FLYWAY_LOCATIONS: classpath:db/prod\n")) ==
          "flyway:2:deploy/src/main/resources/db/prod;flyway:2:src/main/resources/db/prod");
}

namespace {

std::string uses(std::string_view path, std::string_view text) {
    std::string out;
    for (const auto& u : env_file_uses(path, text)) out += (out.empty() ? "" : ";") + std::to_string(u.line) + ":" + u.how + ":" + u.file;
    return out;
}

std::string unread_lines(std::string_view text) {
    std::string out;
    for (const auto& [line, why] : compose_env_unread(text)) out += (out.empty() ? "" : ",") + std::to_string(line);
    return out;
}

std::string followed(const ComposeFiles& f) {
    std::string out;
    for (const auto& c : f.files) out += (out.empty() ? "" : ";") + std::to_string(c.line) + ":" + c.file + "@" + c.project;
    for (const auto& c : f.env_files) out += (out.empty() ? "" : ";") + std::to_string(c.line) + ":env:" + c.file;
    for (const auto& [line, why] : f.unread) out += (out.empty() ? "" : ";") + std::to_string(line) + ":unread";
    return out;
}

}  // namespace

TEST_CASE("env_file_uses: the files a deploy loads into an application's environment") {
    // R71 F6: dotenv names, not the examples beside them.
    CHECK(dotenv_name(".env.prod"));
    CHECK(dotenv_name("deploy/app.env"));
    CHECK(dotenv_name(".env"));
    CHECK_FALSE(dotenv_name(".env.example"));
    CHECK_FALSE(dotenv_name("sample.env"));
    CHECK_FALSE(dotenv_name("environment.yml"));
    // Compose: every service's env_file (string, list, long syntax), relative to the compose file's folder.
    CHECK(uses("ops/docker-compose.yml", "services:\n  app:\n    image: acme/app\n    env_file: .env.prod\n  w:\n    image: acme/w\n"
                                         "    env_file:\n      - path: ./w.vars\n        required: false\n      - ../shared.env\n") ==
          "4:env_file:ops/.env.prod;8:env_file:ops/w.vars;10:env_file:shared.env");
    CHECK(uses("compose.yaml", "services:\n  app:\n    env_file: [a.env, \"${X}.env\"]\n") == "3:env_file:a.env");
    // docker run --env-file, from the script's folder (the top for a workflow); docker compose's
    // --env-file also read for the COMPOSE_FILE it may set (red team R76 E2).
    CHECK(uses("deploy.sh", "docker run --env-file ops/app.vars acme/app\ndocker compose --env-file=.env.stage up\n") ==
          "1:--env-file:ops/app.vars;2:--env-file:.env.stage;2:docker compose --env-file:.env.stage");
    CHECK(uses(".github/workflows/d.yml", "      - run: docker run --env-file \"$F\" x\n").empty());
    // systemd: a relative EnvironmentFile from the unit's folder; an absolute one is outside.
    CHECK(uses("deploy/app.service", "[Service]\nEnvironmentFile=-app.vars\nEnvironmentFile=/etc/app/env\n") == "2:EnvironmentFile:deploy/app.vars");
    // A kustomization's configMapGenerator envs: (block or flow list) and env:.
    CHECK(uses("k8s/kustomization.yaml", "configMapGenerator:\n  - name: app\n    envs:\n      - app-env.txt\n      - ../x.env\n"
                                         "secretGenerator:\n  - name: s\n    envs: [s.txt]\n  - name: t\n    env: t.txt\n") ==
          "4:envs:k8s/app-env.txt;5:envs:x.env;8:envs:k8s/s.txt;10:envs:k8s/t.txt");
    // R75 F4: YAML's quoted scalars decoded as YAML does; a quoted key spelling a watched name is unread.
    std::size_t end = 0;
    CHECK(pgfence::analyze::yaml_quoted(R"("env\u005ffile": x)", end) == "env_file");
    CHECK(end == 15);
    CHECK(pgfence::analyze::yaml_quoted(R"("env\x5f\U00000066ile")", end) == "env_file");
    CHECK(pgfence::analyze::yaml_quoted("'it''s'", end) == "it's");
    CHECK_FALSE(pgfence::analyze::yaml_quoted(R"("env_\)", end));
    CHECK_FALSE(pgfence::analyze::yaml_quoted(R"("\q")", end));
    CHECK(unread_lines("services:\n  g:\n    \"env\\u005ffile\": a.vars\n    'extends': b\n    labels: {\"a\\x2eb\": c}\n") == "3,4");
    CHECK(unread_lines("services:\n  g: {image: x, \"env\\x5ffile\": a}\n  h:\n    ? \"env_\\\n      file\"\n    : a\n") == "2,4");
    CHECK(unread_lines("services:\n  g:\n    env_file: \"a\\x2evars\"\n") == "3");
    CHECK(uses("ops/compose.yml", "services:\n  g:\n    extends:\n      file: \"com\\x6don.yml\"\n      service: b\n") == "4:extends:ops/common.yml");
    CHECK(unread_lines("services:\n  g: {\"env_\\\n    file\": a.vars}\n") == "2");
    // An env_file inside a flow mapping over lines.
    CHECK(unread_lines("services:\n  g: {image: x,\n    env_file: a.vars}\n  h:\n    env_file: [a, b] # x, y\n") == "3");
    // R75 F5: include's short and long syntax; project_directory; what is not read.
    CHECK(followed(compose_includes("include:\n  - a/compose.yml\n  - path:\n      - b/x.yml\n      - c/y.yml\n    project_directory: d\n"
                                    "    env_file: [e.env]\n  - path: f.yml\nservices: {}\n", "ops")) ==
          "2:ops/a/compose.yml@ops/a;4:ops/b/x.yml@ops/d;5:ops/c/y.yml@ops/d;8:ops/f.yml@ops;7:env:ops/e.env");
    CHECK(followed(compose_includes("include: [a.yml, 'b/c.yml']\n", "")) == "1:a.yml@;1:b/c.yml@b");
    CHECK(followed(compose_includes("include:\n  - ${X}/a.yml\n  - oci://r/x\n  - ../../up.yml\n  - {path: a}\ninclude2: x\n", "ops")) ==
          "2:unread;3:unread;4:unread;5:unread");
    CHECK(followed(compose_includes("services:\n  w:\n    develop:\n      watch:\n        - path: .\n          include: ['*.js']\n", "")).empty());
    CHECK(unread_lines("x: &i\n  include:\n    - a.yml\n<<: *i\ninclude :\n  - b.yml\n") == "4,5");
    // R75 F6: COMPOSE_FILE in a .env, split at COMPOSE_PATH_SEPARATOR, all relative to the first file's folder.
    CHECK(uses(".env", "COMPOSE_FILE=docker-compose.yml:deploy/extra.yaml\n") == "1:COMPOSE_FILE:docker-compose.yml;1:COMPOSE_FILE:deploy/extra.yaml");
    CHECK(followed(compose_file_variable("COMPOSE_PATH_SEPARATOR=,\nexport COMPOSE_FILE=a/c.yml,b.yml\n", "ops")) == "2:ops/a/c.yml@ops/a;2:ops/b.yml@ops/a");
    CHECK(followed(compose_file_variable("COMPOSE_FILE: x.yml\nCOMPOSE_FILE=$F\nCOMPOSE_FILES=y\n", "")) == "2:unread;1:unread");
    // A shell's quoted value is the file it names (AppFlowy-Cloud's scripts): only a quote around the
    // whole assignment (a Make or YAML value) closes at the word's end.
    CHECK(followed(compose_command_files("  COMPOSE_FILE=\"a.yml\"\n", "")) == "1:a.yml@");
    CHECK(followed(compose_command_files("X=1 COMPOSE_FILE='b/c.yml' docker compose up\n", "")) == "1:b/c.yml@b");
    CHECK(followed(compose_command_files("env:\n  - \"COMPOSE_FILE=d.yml\"\n", "")) == "2:d.yml@");
    // A command file's `docker compose -f` (before the subcommand) and COMPOSE_FILE, from where it runs.
    CHECK(followed(compose_command_files("docker compose -f a/x.yml --file=b.yml -p n up -d\n"
                                         "docker-compose --project-directory ops -fc.yml exec db psql -f s.sql\n"
                                         "  COMPOSE_FILE: d.yml:e/f.yml\nexport COMPOSE_FILE=\"$X\"\ndocker compose -f \"${F}\" up\n", "")) ==
          "1:a/x.yml@a;1:b.yml@a;2:c.yml@ops;3:d.yml@;3:e/f.yml@;4:unread;5:unread");
    CHECK(uses("scripts/migrate.sh", "docker compose -f ../deploy/migrate.yml run goose\n") == "1:docker compose -f:deploy/migrate.yml");
    // R77 E1: docker's global options before `compose`, a path to docker, a quoted "docker".
    CHECK(followed(compose_command_files("docker --log-level=warn compose -f a.yml up\ndocker --context prod -D compose -f b.yml up\n"
                                         "/usr/bin/docker compose -f c.yml up\n\"docker\" compose -f d.yml up\ndocker -H x ps compose -f e.yml\n", "")) ==
          "1:a.yml@;2:b.yml@;3:c.yml@;4:d.yml@");
    // A compose file by its content, and the service a line belongs to.
    CHECK(compose_text("version: '3'\nservices:\n  m:\n    image: x\n"));
    CHECK(!compose_text("jobs:\n  t:\n    services:\n      pg: {}\n"));
    CHECK(compose_service_at("services:\n  web:\n    image: x\n  migrate:\n    image: goose\n    env_file: a.vars\nvolumes: {}\n", 6) == "migrate");
    CHECK(compose_service_at("services:\n  web:\n    image: x\nx-env:\n  env_file: a.vars\n", 5).empty());
    // Spring's variables in such a file are read as application.properties lines.
    CHECK(listed(read_changelog_dirs(".env.prod", "SPRING_SQL_INIT_MODE=always\n")).find("psql:1:src/main/resources/data.sql") != std::string::npos);
}
