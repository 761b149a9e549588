#pragma once
// Dialect branches in a migration script: `switch (WIKI.config.db.type) { case 'mysql': ... }`,
// `if (knex.client.config.client === 'mssql')`, `if (dbCompat.charset)` with `const dbCompat =
// { charset: type === 'mysql' || type === 'mariadb' }` (requarks/wiki). A branch that runs only
// when a dialect value names another database never runs on PostgreSQL, so it is not read as
// PostgreSQL's. The value is a member chain the script neither declares nor assigns (a config
// key, the knex client's config, process.env); pgfence cannot know it and assumes it names
// PostgreSQL when the migration runs there, which the file's notes say. Anything else (a local
// value, a call, a name that is no database's) may hold on PostgreSQL: its branches are read.
// knex itself agrees for wiki's flags: table.charset(), engine() and collate() throw on any
// dialect but mysql ("Knex only supports charset statement with mysql.", knex 2.5
// lib/schema/tablebuilder.js specialMethods), so such a branch cannot have run on PostgreSQL.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// What a string names: knex's clients and their aliases (knex/lib/constants.js SUPPORTED_CLIENTS,
// CLIENT_ALIASES), the names projects give them (wiki's db.type: postgres, mysql, mariadb, mssql,
// sqlite), or neither.
enum class DbName { Postgres, Other, None };
[[nodiscard]] DbName db_name(std::string_view value);

// A condition's value when the script runs on PostgreSQL.
enum class OnPg { Yes, No, Maybe };

// Reads conditions and case labels over a file's tokens. `match` pairs every bracket with its
// closer (tokens.size() for none). Each call costs at most k_most_depth passes over its range.
// The file's notes for the branches left unread, one per dialect value: what was assumed and
// where ("`WIKI.config.db.type` taken as PostgreSQL's ...: not read at lines 9 (mysql), 12 (mssql)").
[[nodiscard]] std::vector<std::string> dialect_notes(const std::vector<JsFile::DialectSkip>& skipped, std::string_view text);

// Whether tokens [from, to) may do anything on PostgreSQL: any call but knex's MySQL-only table
// methods (charset, engine, collate, which throw there), any string or number. A branch left
// unread for another database's that may is unknown at its first line (extract.cpp): the dialect
// value is assumed, not known (a project value of the author's naming, `case 'mysql':`, could hide
// a drop behind it).
// `v` for a message: its first `most` bytes, control characters and backquotes as blanks.
[[nodiscard]] std::string dialect_shown(std::string_view v, std::size_t most);
[[nodiscard]] bool may_run_on_postgres(const std::vector<Token>& tokens, std::size_t from, std::size_t to);

// A function of the project that is one comparison of a parameter's member chain with a string
// (codimd's `isSQLite(sequelize) { return sequelize.options.dialect === 'sqlite' }`): which
// argument, the chain after it (".options.dialect", ".getDialect()"), the operator, the string.
struct DialectTest {
    std::size_t param = 0;
    std::string tail;
    bool equal = true;  // === or ==; false: !== or !=
    std::string value;
};
// By callee as the migration writes it ("isSQLite", "utils.isSQLite").
using DialectHelpers = std::map<std::string, DialectTest, std::less<>>;
// The tests a migration's conditions call (dialect_helpers.cpp): functions it defines, or imports
// from a repository file (`require('../utils').isSQLite`, `{ isSQLite }`, `utils.isSQLite`),
// read from their bodies, not their names. `path` names the migration ("": its own only).
[[nodiscard]] DialectHelpers dialect_helpers(const std::vector<Token>& tokens, std::string_view path);

class DialectReader {
public:
    DialectReader(const std::vector<Token>& tokens, const std::vector<std::size_t>& match, const DialectHelpers* helpers = nullptr);
    // Tokens [from, to) as a dialect value: the member chain's text, else "".
    [[nodiscard]] std::string subject(std::size_t from, std::size_t to) const;
    // The condition [from, to) on PostgreSQL; `subject` gets the dialect value it reads, if any.
    [[nodiscard]] OnPg condition(std::size_t from, std::size_t to, std::string& subject) const;
    // A case label's value [from, to) against the dialect value: Other when it names another
    // database, Postgres when it names PostgreSQL, None otherwise (a name, a call: may match).
    [[nodiscard]] DbName label(std::size_t from, std::size_t to) const;

private:
    OnPg eval(std::size_t from, std::size_t to, std::string& subject, int depth) const;
    OnPg key_of(std::size_t open, const std::string& key, std::string& subject, int depth) const;
    bool literal(std::size_t k, std::string& value) const;
    std::size_t top_level(std::size_t from, std::size_t to, std::string_view op) const;
    // `helper(args)` at [from, to) when the helper is a DialectTest: its value, else Maybe.
    OnPg helper_call(std::size_t from, std::size_t to, std::string& subject) const;
    // The member chain [from, to) as text ("queryInterface.sequelize"), else "".
    std::string chain(std::size_t from, std::size_t to) const;
    static OnPg compared(const std::string& value, bool equal, bool sequelize);

    const std::vector<Token>& m_t;
    const std::vector<std::size_t>& m_match;
    const DialectHelpers* m_helpers = nullptr;
    std::map<std::string, int, std::less<>> m_bound;               // names declared or assigned (count)
    // `const X = {`: each declaration's brace (a name a migration's up() and down() both declare).
    std::map<std::string, std::vector<std::size_t>, std::less<>> m_const_objects;
    // `const dialect = queryInterface.sequelize.getDialect()` (chartbrew), `const client =
    // knex.client.config.client`: each declaration's dialect value ("" for another initialiser).
    // The name stands for that value where every binding of it is such a declaration of the same.
    std::map<std::string, std::vector<std::string>, std::less<>> m_aliases;
    // A flag's value once read (`dbCompat.charset`), so each is read once however often it is tested.
    mutable std::map<std::string, std::pair<OnPg, std::string>, std::less<>> m_flags;
};

}  // namespace pgfence::analyze::orm
