#pragma once
// Where a container or a build plugin decides what a migration tool runs, beyond its command line:
// a compose service that runs a migration tool (its volumes map the host folder the tool reads, its
// environment and env_file set the tool's variables, an argument-only `command:` is the tool's
// arguments), a Dockerfile whose image runs one (COPY / ADD put a host folder where the tool reads
// it), a `docker run -v host:/migrations <tool image>` command line, golang-migrate's
// `x-migrations-table` URL parameter, and Flyway's Maven and Gradle plugins (pom.xml's
// flyway-maven-plugin <configuration> and flyway.* properties, build.gradle's `flyway { }` block).
// `pgfence pr` reports a pull request's changed lines there (migration-tool-settings-changed).
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// Whether `text` names a migration tool's container image or binary (migrate/migrate, goose,
// dbmate, flyway, liquibase, node-pg-migrate, knex, sequelize, typeorm, diesel, sqlx).
[[nodiscard]] bool tool_image_text(std::string_view text);

// Whether a command line runs a container of a migration tool's image (`docker run`, `podman run`,
// `docker container run`, `docker compose run`), whose -v / --mount decides the folder it reads,
// or sets golang-migrate's history table in a database URL (x-migrations-table,
// golang-migrate database/postgres/postgres.go Open).
[[nodiscard]] bool container_tool_line(std::string_view line);

// Whether `path` is a compose file, a Dockerfile, a pom.xml or a Gradle build script.
[[nodiscard]] bool compose_name(std::string_view path);
[[nodiscard]] bool dockerfile_name(std::string_view path);
[[nodiscard]] bool build_plugin_name(std::string_view path);

// The 1-based lines (sorted) of such a file that decide what a migration tool runs:
// - a compose file: every line of a service whose image, entrypoint or command is a migration tool;
// - a Dockerfile whose image runs or installs one: its FROM, COPY, ADD, WORKDIR, ENV, ARG, CMD and
//   ENTRYPOINT lines;
// - pom.xml: the flyway-maven-plugin's <plugin> element and the <flyway.*> properties;
// - build.gradle / build.gradle.kts: every line naming flyway and every line inside a block opened
//   on such a line (`flyway { ... }`, a FlywayMigrateTask).
// Empty for any other file.
[[nodiscard]] std::vector<int> container_tool_lines(std::string_view path, std::string_view text);

// The variables a compose file's migration-tool services interpolate (`${DATABASE_URL}`, `$DIR`):
// compose takes their values from the .env beside it (compose specification, interpolation), so
// the .env lines that set them set the tool's command and environment. Sorted, unique.
[[nodiscard]] std::vector<std::string> compose_variables(std::string_view text);

// The files a compose file's migration-tool services load their environment from (`env_file: x`,
// `env_file: [a, b]`, a list below, or the long syntax's `path: x`; compose specification
// services.env_file): each line of them sets the tool's variables (GOOSE_MIGRATION_DIR, a
// DATABASE_URL with x-migrations-table). The value as written, at its line.
struct EnvFileRef {
    int line = 1;
    std::string value;
};
// With `every_service`, every env_file of the file, any service's or none's (env_files.hpp).
[[nodiscard]] std::vector<EnvFileRef> compose_env_files(std::string_view text, bool every_service = false);

// A migration tool's folder inside a container, mapped back to the repository folder it comes from:
// the folder the tool reads (golang-migrate's -path / -source file://, goose's -dir or
// GOOSE_MIGRATION_DIR, dbmate's --migrations-dir or DBMATE_MIGRATIONS_DIR) under a compose
// service's volume `host:container`, a Dockerfile's `COPY src dst` (src relative to the
// Dockerfile's folder, taken for the build context), or a `docker run -v host:container` (host
// `./x`, `$PWD/x`, `$(pwd)/x`, relative to the folder the command runs in).
struct ContainerDir {
    std::string tool;     // "migrate" (golang-migrate), "goose", "dbmate"
    std::string setting;  // what maps it, printable: "volume ./db/schema:/migrations"
    int line = 1;         // the line that maps it
    std::string folder;   // the host folder as written (relative), "" when unknown
    std::string unknown;  // why it is not known: a named volume, an absolute host path, no mapping
};
// Each such folder of the compose file, Dockerfile or command file at `path`. With `read`
// (repository-relative paths), a goose or dbmate service's env_file is read too: GOOSE_MIGRATION_DIR
// or DBMATE_MIGRATIONS_DIR set there maps as the service's own environment does, and an env_file
// pgfence cannot read is unknown at its line (red team R72 L2).
[[nodiscard]] std::vector<ContainerDir> container_dirs(std::string_view path, std::string_view text, const ReadFile& read = {});

}  // namespace pgfence::analyze::tools
