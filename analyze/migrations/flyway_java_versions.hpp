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

}  // namespace pgfence::analyze::tools
