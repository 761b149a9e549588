#pragma once
// The files Liquibase and Sqitch run that their own settings select, beyond the names pgfence
// recognises on sight (foreign_migrations.hpp; red team R68 B5, B7):
// - a Liquibase changelog's `includeAll` (every .sql file of a folder, recursively, each run whole
//   as one change set: liquibase-standard SqlChangeLogParser) and `include file:` of a .sql file;
// - Sqitch's deploy scripts in the deploy_dir sqitch.conf sets ([core], [engine "pg"], [target
//   "*"]: top_dir, deploy_dir; sqitchers/sqitch lib/App/Sqitch/Target.pm: deploy_dir defaults to
//   top_dir/deploy, top_dir to ".").
// Each is a ToolDir whose files pgfence does not read (loads_unread): a .sql file there that a pull
// request adds or changes is an unknown statement at its line 1.
// Spring Boot's settings also select SQL files pgfence does read: with spring.sql.init.mode=always
// the classpath's schema.sql / data.sql (and -platform variants, or *-locations) run at every start
// (tool "psql": analysed as SQL; red team R68 B3), and flyway-core beside spring-boot in pom.xml or
// build.gradle (or a Gradle version catalog, red team R69 C13) makes src/main/resources/db/migration
// (recursively) Flyway's default location (B20); Spring's settings set as environment variables are
// read too (red team R69 C7).
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// Whether `path` is a build file that may put Flyway on the classpath: pom.xml, build.gradle(.kts),
// settings.gradle(.kts), a Gradle version catalog gradle/*.versions.toml.
[[nodiscard]] bool flyway_build_name(std::string_view path);

// Whether `path` may be a Liquibase XML or JSON changelog (its name or folder says "changelog" or
// "liquibase") or a sqitch.conf: files tool_settings_file does not already select.
[[nodiscard]] bool changelog_file_name(std::string_view path);

// The 1-based lines (sorted) of a pyproject.toml that set Alembic's settings: those of its
// [tool.alembic] table and its subtables (Alembic 1.16 and later read them; alembic/config.py).
[[nodiscard]] std::vector<int> alembic_pyproject_lines(std::string_view text);

// The folders and files the changelog or sqitch.conf at `path` makes Liquibase's or Sqitch's.
// (and the Spring Boot settings and build files above).
[[nodiscard]] std::vector<ToolDir> read_changelog_dirs(std::string_view path, std::string_view text);

}  // namespace pgfence::analyze::tools
