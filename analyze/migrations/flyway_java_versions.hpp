#pragma once
// The versions a project's Java (or Kotlin) Flyway migrations take: Flyway resolves them beside
// the SQL ones (flyway-core ResolvedMigration; Marquez's FlywayFactory.DEFAULT_LOCATIONS names
// `marquez/db/migration` and `classpath:marquez/db/migrations`), and two migrations of one version
// stop every migrate ("Found more than one migration with version 44.1"). A class takes its
// version from its name (`V44_1__UpdateRunsWithJobUUID`: flyway-core BaseJavaMigration, `_` for
// `.`) or from a `MigrationVersion.fromVersion("44.3")` its getVersion() returns.
//
// Read from the `src/main/java` and `src/main/kotlin` folders beside the `src/main/resources`
// folder a SQL migration sits in (Maven's and Gradle's layout): which classpath locations a
// deploy scans is set in code pgfence does not run, so every migration class there counts.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

// Each version found, written as a Flyway SQL name would be ("V44.1__java_V44_1__Update.java"),
// for plan_versions' `siblings`; empty when `sql_path` is not under src/main/resources.
[[nodiscard]] std::vector<std::string> flyway_java_versions(std::string_view sql_path);

// The versioned Flyway SQL migrations (V<version>__x.sql) outside the folder `sql_path` sits in
// that one deploy may load beside it: Flyway loads all its locations as one set ordered by
// version and refuses two migrations of one version ("Found more than one migration with
// version 18.1", CompositeMigrationResolver.checkForIncompatibilities; the DBA review dba71:
// conductor's migration_postgres and migration_postgres_data). Which locations a deploy names is
// often set in code or the environment pgfence does not run, so every folder of Flyway-named
// files counts: under the `src/main/resources` folder the file sits in (every classpath:
// location is there), else under the folder above the file's own (db/main beside db/data), but
// not when the file's folder is a repository's top or that folder is right under the file
// system's top (/tmp, /home).
// Build output (target/, build/), .git and node_modules are not read; a walk past 50,000
// entries stops with what it found.
struct FlywayOtherLocations {
    std::string root;                // the folder read ("" when none was)
    std::vector<std::string> files;  // their paths, lexically normal, sorted
};
[[nodiscard]] FlywayOtherLocations flyway_other_locations(std::string_view sql_path);

}  // namespace pgfence::analyze::tools
