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

// golang-migrate's name: digits, '_', a title, `.up.` and any extension (migrate's
// source/parse.go: ^([0-9]+)_(.*)\.(down|up)\.(.*)$), so `000002_drop.up.pgsql` runs too.
bool golang_migrate_up(std::string_view lower) {
    const std::size_t digits = leading_digits(lower);
    if (digits == 0 || digits >= lower.size() || lower[digits] != '_') return false;
    const std::size_t up = lower.find(".up.", digits);
    return up != std::string_view::npos && up + 4 < lower.size();
}

// An `up` a script exports in any of the forms its tools call: `up(`, `up:` with a function, an
// arrow or a name after it (red team I1 U_KNEXOBJ: `module.exports = { up: (k) => k.raw(...) }`).
bool exports_an_up(std::string_view text) {
    for (std::size_t at = text.find("up"); at != std::string_view::npos; at = text.find("up", at + 2)) {
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_' || text[at - 1] == '$')) continue;
        std::size_t k = at + 2;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
        if (k >= text.size()) break;
        if (text[k] == '(') return true;
        if (text[k] != ':') continue;
        ++k;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
        if (k < text.size() && (text[k] == '(' || std::isalpha(static_cast<unsigned char>(text[k])) != 0 || text[k] == '_')) return true;
    }
    return false;
}

bool script_file(std::string_view n) {
    for (std::string_view ext : {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (n.ends_with(ext)) return !n.ends_with(".d.ts");
    }
    return false;
}

}  // namespace

bool sql_in_another_case(std::string_view ext) {
    if (ext.size() != 4 || ext == ".sql" || ext[0] != '.') return false;
    for (std::size_t i = 1; i < 4; ++i) {
        if (std::tolower(static_cast<unsigned char>(ext[i])) != ".sql"[i]) return false;
    }
    return true;
}

std::string migration_look(std::string_view path, std::string_view text) {
    const std::string_view n = analyze::path_name(path);
    // .SQL, .Sql: Flyway matches its suffixes without case (flyway-core StringUtils
    // startsAndEndsWith upper-cases both sides; ResourceNameParser.stripSuffix alike), so
    // V2__cleanup.SQL is migration 2 and afterMigrate.SQL a callback; psql runs any name. pgfence
    // selects .sql only (red team R67 B1).
    if (n.size() > 4 && sql_in_another_case(n.substr(n.size() - 4))) {
        return "its extension is " + std::string(n.substr(n.size() - 4)) +
               ", which Flyway runs as .sql (it matches suffixes without case) and pgfence does not read: rename it .sql";
    }
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
        // goose takes any number before '_' (goose's migration.go NumericComponent): `2_drop.sql`.
        if (const std::size_t d = leading_digits(lower); d > 0 && d < lower.size() && lower[d] == '_') {
            return "its name starts with a version and '_', as goose's migrations' names do";
        }
        return {};
    }
    {
        std::string lower(n);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (golang_migrate_up(lower)) return "its name is a golang-migrate up migration's (<version>_<title>.up.<any extension>)";
    }
    if (script_file(n)) {
        // `exports.up = ...`, or any up( / up: that exports_an_up reads (function up(, async up (,
        // up: async, up(knex, ...).
        if (!has(text, "exports.up") && !exports_an_up(text)) return {};
        // An up the module exports by name runs whatever its tool hands it, whatever the names:
        // `exports.up = async (k) => { await k.schema.dropTable('users') }` names no API (red
        // team R81a B1, in a folder the knexfile named by a form pgfence did not read).
        for (std::string_view exported : {"exports.up", "export async function up", "export function up", "export const up", "export let up"}) {
            if (has(text, exported)) return "it exports an up() (" + std::string(exported) + "), which its tool calls with the database";
        }
        for (std::string_view api : {"knex", "queryInterface", "pgm.", "queryRunner", "runSql", "sql`", "db.query", "client.query", ".raw(",
                                     ".query(", ".execute(", "sequelize"}) {
            if (has(text, api)) return "it exports an up() that runs SQL through " + std::string(api == "sql`" ? "sql``" : api);
        }
        return {};
    }
    if (n.ends_with(".py")) {
        if (has(text, "migrations.Migration")) return "it declares a Django migration (migrations.Migration)";
        // Imported under another name (red team I1 U_DJANGOBASE: `from django.db.migrations import
        // Migration as Base`): a class of django.db.migrations' Migration is one all the same.
        if (has(text, "django.db.migrations") || (has(text, "from django.db import") && has(text, "migrations"))) {
            if (has(text, "class ") && has(text, "operations")) return "it declares a Django migration (django.db.migrations)";
        }
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
