#pragma once
// Spring Boot's Flyway settings: `spring.flyway.*` in application.properties / application.yml
// (and their application-<profile> variants), which Spring Boot hands to Flyway (spring-boot
// FlywayProperties, bound from the `spring.flyway` prefix; FlywayAutoConfiguration). Its
// locations are followed (classpath:db/x is src/main/resources/db/x of the project); the settings
// that change how Flyway reads its SQL (placeholders, migration prefixes, encoding, init SQL) are
// not applied by pgfence, so each is unknown at its line.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct SpringSetting {
    int line = 1;
    std::string key;                   // "spring.flyway.locations"
    std::vector<std::string> folders;  // relative to the project (the folder above src/)
    std::string unknown;               // why it is not known (printable), or ""
};

// Whether `name` is a Spring Boot application settings file.
[[nodiscard]] bool spring_settings_name(std::string_view name);

// The settings of `text` that decide what Flyway runs.
[[nodiscard]] std::vector<SpringSetting> spring_flyway_settings(std::string_view name, std::string_view text);

}  // namespace pgfence::analyze::tools
