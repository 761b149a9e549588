#include "analyze/migrations/code_migrations.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// goose takes a Go migration's version from its file name: digits, then '_' (pressly/goose
// register.go: register(filename, ...) with the caller's file name; migration.go NumericComponent).
bool goose_name(std::string_view name) {
    if (!name.ends_with(".go") || name.ends_with("_test.go") || name.empty() || !digit(name.front())) return false;
    std::size_t i = 0;
    while (i < name.size() && digit(name[i])) ++i;
    return i < name.size() && name[i] == '_';
}

// Flyway's BaseJavaMigration takes the version from the class name, V<version>__<description>,
// R__ for repeatable, U for undo (flyway/flyway flyway-core
// src/main/java/org/flywaydb/core/api/migration/BaseJavaMigration.java: init, the class's simple
// name parsed like an SQL migration's file name).
bool flyway_class_name(std::string_view name) {
    if (!(name.ends_with(".java") || name.ends_with(".kt"))) return false;
    if (name.empty() || (name.front() != 'V' && name.front() != 'R' && name.front() != 'U')) return false;
    return name.find("__") != std::string_view::npos && (name.front() == 'R' ? name.starts_with("R__") : name.size() > 1 && digit(name[1]));
}

// The line of the first occurrence of `needle` in `text` that is not on an import line; 0 when none.
int line_of(std::string_view text, std::string_view needle) {
    int line = 1;
    for (std::size_t at = 0; at <= text.size(); ++line) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::size_t first = l.find_first_not_of(" \t");
        const bool import = first != std::string_view::npos && l.substr(first).starts_with("import");
        if (!import && l.find(needle) != std::string_view::npos) return line;
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return 0;
}

}  // namespace

bool code_migration_candidate(std::string_view path) {
    const std::string_view name = path_name(path);
    return (name.ends_with(".go") && !name.ends_with("_test.go")) || name.ends_with(".java") || name.ends_with(".kt");
}

std::optional<CodeMigration> read_code_migration(std::string_view path, std::string_view text, bool too_large) {
    const std::string_view name = path_name(path);
    if (name.ends_with(".go")) {
        // AddNamedMigration* names the version itself, so any file may call it.
        if (!goose_name(name)) {
            if (too_large) return std::nullopt;
            if (int line = line_of(text, "goose.AddNamedMigration")) {
                return CodeMigration{"goose", line, "a goose migration written in Go (goose.AddNamedMigration): pgfence does not read Go"};
            }
            return std::nullopt;
        }
        if (too_large) return CodeMigration{"goose", 1, "a goose migration written in Go, too large to read: pgfence does not read Go"};
        // goose.AddMigration, AddMigrationContext, AddMigrationNoTx(Context), AddNamedMigration...
        // (pressly/goose register.go).
        for (std::string_view call : {"AddMigration", "AddNamedMigration"}) {
            if (int line = line_of(text, call)) {
                return CodeMigration{"goose", line,
                                     "a goose migration written in Go: pgfence does not read Go, and the SQL it runs is not "
                                     "seen (review it by hand, or write the migration in SQL)"};
            }
        }
        // Registered through the project's own helper: goose's AddMigrationContext is
        // runtime.Caller(1) and AddNamedMigrationContext(filename, ...) (pressly/goose register.go),
        // so a helper that does the same, called from this file's init (or a package variable's
        // initialiser), registers it under this file's version. A versioned file that runs at
        // package start or takes a database handle is such a migration.
        for (std::string_view sign : {"func init(", "var _ =", "*sql.Tx", "*sql.DB", "*sql.Conn", "goose."}) {
            if (int line = line_of(text, sign)) {
                return CodeMigration{"goose", line,
                                     "a goose migration written in Go, registered through a helper of the project: pgfence does "
                                     "not read Go, and the SQL it runs is not seen (review it by hand, or write the migration in SQL)"};
            }
        }
        return std::nullopt;
    }
    if (!(name.ends_with(".java") || name.ends_with(".kt"))) return std::nullopt;
    if (too_large) {
        if (!flyway_class_name(name)) return std::nullopt;
        return CodeMigration{"flyway", 1, "a Flyway migration written in Java or Kotlin, too large to read: pgfence does not read it"};
    }
    // Flyway runs the classes that implement JavaMigration, BaseJavaMigration's subclasses among
    // them (flyway-core api/migration/JavaMigration.java; Spring Boot's FlywayAutoConfiguration also
    // hands Flyway the JavaMigration beans).
    const int line = line_of(text, "JavaMigration");
    if (line == 0) return std::nullopt;
    int declared = 0;
    for (std::string_view word : {"class ", "object "}) {
        int at = line_of(text, word);
        if (at != 0 && (declared == 0 || at < declared)) declared = at;
    }
    return CodeMigration{"flyway", declared != 0 && declared <= line ? std::max(declared, 1) : line,
                         "a Flyway migration written in Java or Kotlin: pgfence does not read it, and the SQL it runs is not "
                         "seen (review it by hand, or write the migration in SQL)"};
}

}  // namespace pgfence::analyze::tools
