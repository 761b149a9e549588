#include "analyze/migrations/migration_look.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

std::size_t leading_digits(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    return n;
}

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

bool script_file(std::string_view n) {
    for (std::string_view ext : {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (n.ends_with(ext)) return !n.ends_with(".d.ts");
    }
    return false;
}

}  // namespace

std::string migration_look(std::string_view path, std::string_view text) {
    const std::string_view n = analyze::path_name(path);
    if (n.ends_with(".sql")) {
        std::string lower(n);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.ends_with(".down.sql") || lower == "down.sql" || lower.ends_with(".undo.sql") || lower.ends_with("_down.sql") ||
            (lower.size() > 1 && lower[0] == 'u' && leading_digits(std::string_view(lower).substr(1)) > 0)) {
            return {};
        }
        if (lower.ends_with(".up.sql") || lower == "up.sql") return "its name is an up migration's (" + std::string(lower.ends_with("up.sql") ? "up.sql" : "") + ")";
        if (lower.size() > 1 && (lower[0] == 'v' || lower[0] == 'r') && (leading_digits(std::string_view(lower).substr(1)) > 0 || lower.starts_with("r__"))) {
            return "its name is a versioned or repeatable migration's (Flyway's V<version>__ / R__)";
        }
        if (leading_digits(lower) >= 3) return "its name starts with a version, as migrations' names do";
        return {};
    }
    if (script_file(n)) {
        bool exports_up = false;
        for (std::string_view mark : {"exports.up", "function up(", "function up (", "async up(", "async up (", " up: async", "\tup: async",
                                      " up: function", "\tup: function", "up(queryInterface", "up(knex", "up(pgm", "up(queryRunner", "up(db"}) {
            exports_up = exports_up || has(text, mark);
        }
        if (!exports_up) return {};
        for (std::string_view api : {"knex", "queryInterface", "pgm.", "queryRunner", "runSql", "sql`", "db.query", "client.query"}) {
            if (has(text, api)) return "it exports an up() that runs SQL through " + std::string(api == "sql`" ? "sql``" : api);
        }
        return {};
    }
    if (n.ends_with(".py")) {
        if (has(text, "migrations.Migration")) return "it declares a Django migration (migrations.Migration)";
        if (has(text, "def upgrade(") && (has(text, "from alembic") || has(text, "op."))) return "it is an Alembic revision (def upgrade)";
        return {};
    }
    if (n.ends_with(".rb") && has(text, "ActiveRecord::Migration")) return "it declares an ActiveRecord migration";
    if ((n.ends_with(".exs") || n.ends_with(".ex")) && has(text, "Ecto.Migration")) return "it is an Ecto migration (use Ecto.Migration)";
    if (n.ends_with(".php") && has(text, "Migration") && (has(text, "Schema::") || has(text, "DB::"))) {
        return "it is a Laravel migration (extends Migration, Schema:: or DB::)";
    }
    if (n.ends_with(".cs") && has(text, "MigrationBuilder")) return "it is an Entity Framework Core migration (MigrationBuilder)";
    return {};
}

}  // namespace pgfence::analyze::tools
