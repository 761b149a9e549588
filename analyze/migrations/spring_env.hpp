#pragma once
// Spring Boot's and Quarkus' settings spelt as environment variables (red team R69 C7): Spring Boot
// binds SPRING_JPA_HIBERNATE_DDL_AUTO to spring.jpa.hibernate.ddl-auto (its relaxed binding: upper
// case, `.` as `_`, the `-` dropped or written `_`), and an OS environment variable ranks above
// application.properties (Spring Boot reference, "Externalized Configuration", "Binding From
// Environment Variables"; SystemEnvironmentPropertyMapper); Quarkus maps QUARKUS_HIBERNATE_ORM_
// DATABASE_GENERATION to quarkus.hibernate-orm.database.generation the same way (MicroProfile
// Config's environment source). A variable is set in a compose file's `environment:` (map or list),
// a Kubernetes container's `env: - name: / value:`, an ECS task's {"name", "value"}, a Dockerfile's
// ENV, a CI workflow's `env:`, a shell `export` or `-e NAME=value`.
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

// `text` with each line that sets one of the variables pgfence reads as a property (Hibernate's
// schema management, Spring's SQL initialization, spring.flyway.locations, spring.liquibase.
// change-log) written as that property's line `key=value`, every other line empty: the property
// readers read it as they read application.properties, at the variable's line (a Kubernetes
// `value:` below its `name:`: the value's line). A value taken from elsewhere (`valueFrom:`) reads
// as `${valueFrom}`, computed. Empty when `text` names none of them.
[[nodiscard]] std::string spring_env_properties(std::string_view text);

// Whether `line` names one of those variables (a compose, CI or Kubernetes line that sets it: a
// changed one is a changed setting, as the application.properties line is).
[[nodiscard]] bool spring_env_line(std::string_view line);

}  // namespace pgfence::analyze::tools
