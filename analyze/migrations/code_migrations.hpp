#pragma once
// Migrations written as code for tools whose SQL migrations pgfence reads: goose's Go migrations and
// Flyway's Java and Kotlin ones. pgfence does not read them (the SQL they run is built when they
// run), so each is an unknown statement at its registration, never a file skipped in silence.
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

struct CodeMigration {
    std::string tool;  // "goose", "flyway"
    int line = 1;      // the registration (goose.AddMigration...) or the class declaration
    std::string why;   // printable
};

// Whether `path`'s name may be such a migration (a .go file named by a version, a .java or .kt
// file): the ones worth reading.
[[nodiscard]] bool code_migration_candidate(std::string_view path);

// The migration `text` registers, when it is one (`too_large`: the file was not read, and a name
// that only a migration has makes it one).
[[nodiscard]] std::optional<CodeMigration> read_code_migration(std::string_view path, std::string_view text,
                                                               bool too_large = false);

}  // namespace pgfence::analyze::tools
