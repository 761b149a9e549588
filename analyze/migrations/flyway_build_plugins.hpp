#pragma once
// The locations Flyway's Maven and Gradle plugins read their migrations from: pom.xml's
// flyway-maven-plugin <locations><location> (and a <flyway.locations> property), build.gradle's /
// build.gradle.kts's `locations = [...]` / `arrayOf(...)` in a block opened on a line naming flyway
// (flyway/flyway flyway-maven-plugin AbstractFlywayMojo, flyway-gradle-plugin FlywayExtension).
// classpath:X (or no prefix, Flyway's default) is src/main/resources/X of the project,
// filesystem:X is X relative to the project (the build file's folder, where Maven and Gradle run).
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct PluginLocation {
    int line = 1;
    std::string key;                   // "<location>", "locations"
    std::vector<std::string> folders;  // relative to the build file's folder
    std::string unknown;               // why a location is not known (printable), or ""
};

// The Flyway locations the build file at `path` (pom.xml, build.gradle, build.gradle.kts, or
// gradle.properties' flyway.locations) names.
[[nodiscard]] std::vector<PluginLocation> flyway_plugin_locations(std::string_view path, std::string_view text);

}  // namespace pgfence::analyze::tools
