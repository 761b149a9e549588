#include "analyze/orm/project_tool.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {
namespace {

namespace fs = std::filesystem;

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}

// The up() definitions' first parameters: `up(q)`, `up: async (q) =>`, `up = function (q)`,
// `up = q =>`. Each tool hands its runner as that parameter whatever it is called
// (knex/lib/migrations/migrate/Migrator.js `migration[direction](trxOrKnex)`, typeorm
// MigrationExecutor `migration.instance.up(queryRunner)`, umzug's sequelize-cli
// `migration.up(queryInterface, Sequelize)`, db-migrate lib/migration.js `this.up(db, cb)`,
// node-pg-migrate src/migration.ts `action(pgm)`).
}  // namespace

std::set<std::string> up_receivers(const std::vector<Token>& t) {
    std::set<std::string> out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident || t[i].text != "up") continue;
        std::size_t j = i + 1;
        while (is(t, j, ":") || is(t, j, "=") || is(t, j, "async") || is(t, j, "function")) ++j;
        if (is(t, j, "(") && j + 1 < t.size() && t[j + 1].kind == TokenKind::Ident) out.insert(t[j + 1].text);
        else if (j > i + 1 && j < t.size() && t[j].kind == TokenKind::Ident && is(t, j + 1, "=>")) out.insert(t[j].text);
    }
    return out;
}

namespace {

// The tool the runner's uses point at, Auto when they point at none or at several: Knex's
// `knex.schema` and `knex('t')` (knex/lib/knex-builder/make-knex.js), node-pg-migrate's
// `pgm.sql()` (src/migration-builder.ts), db-migrate's `db.runSql()` (lib/driver/base.js),
// TypeORM's `queryRunner.query()` / `.manager` (src/query-runner/QueryRunner.ts).
InputFormat shape(const std::vector<Token>& t, const std::set<std::string>& receivers) {
    std::set<InputFormat> seen;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident || receivers.count(t[i].text) == 0) continue;
        if (i > 0 && is(t, i - 1, ".")) continue;
        if (is(t, i + 1, "(") || (is(t, i + 1, ".") && is(t, i + 2, "schema"))) seen.insert(InputFormat::Knex);
        if (is(t, i + 1, ".") && is(t, i + 2, "sql")) seen.insert(InputFormat::NodePgMigrate);
        if (is(t, i + 1, ".") && is(t, i + 2, "runSql")) seen.insert(InputFormat::DbMigrate);
        if (is(t, i + 1, ".") && (is(t, i + 2, "query") || is(t, i + 2, "manager") || is(t, i + 2, "connection")))
            seen.insert(InputFormat::TypeOrm);
    }
    return seen.size() == 1 ? *seen.begin() : InputFormat::Auto;
}

std::string head_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::string s(1 << 20, '\0');
    in.read(s.data(), static_cast<std::streamsize>(s.size()));
    s.resize(static_cast<std::size_t>(in.gcount()));
    return s;
}

// The tools the project names: package.json dependencies ("knex": ...) and the tools' settings
// files (knexfile.*, .sequelizerc, database.json, ormconfig.*, data-source.*, .pgmigraterc) in
// the script's folder and the folders above it, up to the repository's top (a .git) or 8 levels.
std::set<InputFormat> project_tools(std::string_view path, bool* kysely = nullptr) {
    std::set<InputFormat> out;
    std::error_code ec;
    fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
    if (ec) return out;
    for (int level = 0; level < 8 && !dir.empty(); ++level) {
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            std::string name = entry.path().filename().string();
            auto stem_is = [&](std::string_view s) { return name.rfind(std::string(s) + ".", 0) == 0; };
            if (stem_is("knexfile")) out.insert(InputFormat::Knex);
            if (name == ".sequelizerc") out.insert(InputFormat::Sequelize);
            if (name == "database.json") out.insert(InputFormat::DbMigrate);
            if (stem_is("ormconfig") || stem_is("data-source")) out.insert(InputFormat::TypeOrm);
            if (name == ".pgmigraterc") out.insert(InputFormat::NodePgMigrate);
            if (name == "package.json") {
                std::string pkg = head_of(entry.path());
                auto dep = [&](std::string_view n) { return pkg.find("\"" + std::string(n) + "\"") != std::string::npos; };
                if (dep("knex")) out.insert(InputFormat::Knex);
                if (dep("typeorm")) out.insert(InputFormat::TypeOrm);
                if (dep("sequelize") || dep("sequelize-cli")) out.insert(InputFormat::Sequelize);
                if (dep("db-migrate")) out.insert(InputFormat::DbMigrate);
                if (dep("node-pg-migrate")) out.insert(InputFormat::NodePgMigrate);
                if (kysely != nullptr && dep("kysely")) *kysely = true;
            }
        }
        if (fs::exists(dir / ".git", ec)) break;
        fs::path up = dir.parent_path();
        if (up == dir) break;
        dir = up;
    }
    return out;
}

}  // namespace

bool typeorm_may_run(std::string_view path) {
    std::set<InputFormat> named = project_tools(path);
    return named.empty() || named.count(InputFormat::TypeOrm) > 0;
}

std::string folder_loaders(std::string_view path) {
    std::string out;
    for (InputFormat f : project_tools(path)) {
        if (f == InputFormat::TypeOrm) continue;
        out += (out.empty() ? "" : ", ") + std::string(input_format_name(f));
    }
    return out;
}

bool defines_up(std::string_view text) {
    std::vector<Token> t = lex_js(text);
    for (std::size_t i = 0; i < t.size(); ++i) {
        bool name = (t[i].kind == TokenKind::Ident && t[i].text == "up") ||
                    (t[i].kind == TokenKind::String && t[i].string.value == "up" && is(t, i + 1, "]"));
        if (!name) continue;
        if (t[i].kind == TokenKind::String) return true;  // exports['up'], { ['up']: ... }
        if (i > 0 && is(t, i - 1, "function")) return true;
        if (is(t, i + 1, "(") || is(t, i + 1, ":") || is(t, i + 1, "=") || is(t, i + 1, ",") || is(t, i + 1, "}")) {
            // up(q) { ... } (a method), up: ..., exports.up = ..., { up, down } ; not a bare call `x.up()`.
            if (is(t, i + 1, "(") && i > 0 && is(t, i - 1, ".")) continue;
            if ((is(t, i + 1, ",") || is(t, i + 1, "}")) && !(i > 0 && (is(t, i - 1, "{") || is(t, i - 1, ",")))) continue;
            return true;
        }
    }
    return false;
}

namespace {

// `from 'kysely'`, `require('kysely')`, `import('kysely')`, `import type { Kysely } from 'kysely'`,
// and the package's subpaths.
bool imports_kysely(const std::vector<Token>& t) {
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::String) continue;
        std::string_view m = t[i].string.value;
        if (m != "kysely" && !m.starts_with("kysely/")) continue;
        if (is(t, i - 1, "from") || is(t, i - 1, "import") || (is(t, i - 1, "(") && i >= 2 && (is(t, i - 2, "require") || is(t, i - 2, "import"))))
            return true;
    }
    return false;
}

}  // namespace

InputFormat decide_tool(std::string_view path, std::string_view text) {
    std::vector<Token> t = lex_js(text);
    InputFormat by_shape = shape(t, up_receivers(t));
    bool kysely = false;
    std::set<InputFormat> named = project_tools(path, &kysely);
    // Kysely's Migrator calls up(db) with a Kysely instance (kysely src/migration/migrator.ts),
    // whose `db.schema.*` has knex's head but not its builder: a file that imports kysely, or
    // one in a project that depends on kysely and names no knex, is not read as knex. pgfence
    // does not read Kysely's builder: Auto, so the up() is unknown (extract.cpp).
    if (imports_kysely(t) || (kysely && named.count(InputFormat::Knex) == 0)) {
        if (by_shape == InputFormat::Knex || by_shape == InputFormat::Auto) return InputFormat::Auto;
    }
    if (by_shape != InputFormat::Auto) return named.empty() || named.count(by_shape) > 0 ? by_shape : InputFormat::Auto;
    return named.size() == 1 ? *named.begin() : InputFormat::Auto;
}

}  // namespace pgfence::analyze::orm
