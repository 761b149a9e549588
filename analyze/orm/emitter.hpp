#pragma once
// What the per-ORM extractors share: evaluating string arguments (literals, concatenation,
// same-file constants, template literals) and recording calls and the SQL they send.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

class Emitter {
public:
    Emitter(const JsFile& file, std::string_view text, Extraction& out);

    // The string a node evaluates to, when it is built from literals and `const` strings.
    [[nodiscard]] std::optional<std::string> string_of(const Node& n) const;
    // What an argument stands for when it is a literal or a `const` of one (`const w = {}`,
    // `const ids = []`, `const all = true`, through other such consts): the literal's node;
    // nullptr when it is anything else. A const is resolved only when it is declared once in the
    // file and its name is used nowhere but there and at one place (no `w.id = ...`,
    // `delete w.id`, Object.assign(w, ...) can change it unseen).
    [[nodiscard]] const Node* literal_of(const Node& n) const;
    // A number literal's text.
    [[nodiscard]] std::optional<std::string> number_of(const Node& n) const;
    // What a name stands for when it is the file's one binding, a `const` whose value is no
    // object, array or other name (those: literal_of): `const limit = 100`, `const now = new
    // Date()`; nullptr otherwise (also when a helper's parameter hides it). Such a value cannot
    // change after its declaration.
    [[nodiscard]] const Node* const_value(const Node& n) const;
    // What a name destructured once by a `const` stands in: `const [row] = <value>`, `const { id } =
    // <value>`: the value's node; nullptr otherwise (a name bound elsewhere too, a helper's parameter).
    [[nodiscard]] const Node* destructured_value(const Node& n) const;
    // A name that is the file's one binding, the variable of `for (const NAME of [...])` over an
    // array literal of strings, numbers, booleans and nulls.
    [[nodiscard]] bool literal_loop_variable(const Node& n) const;
    // A name the file binds nowhere (nor a helper's parameter): JavaScript's global of that name.
    [[nodiscard]] bool global_name(const std::string& name) const;
    // How often each name is bound within a node's text (js_bindings.hpp): a parameter of a
    // function and a loop variable of the same name inside it make two.
    [[nodiscard]] std::map<std::string, std::size_t, std::less<>> bindings_in(const Node& n) const;
    // The script text of a node.
    [[nodiscard]] std::string source(const Node& n) const;
    [[nodiscard]] const Token& token(const Node& n) const { return m_file.tokens[static_cast<std::size_t>(n.token)]; }

    // Records a call; returns its index.
    int add_call(const Node& call, std::string name, bool holds_literal);
    // The SQL argument of a raw-SQL call into piece.sql (unresolved interpolations become holes).
    // False, with the reason, when the argument is not made of literals.
    bool sql_of(const Node& n, SqlPiece& piece, std::string& why) const;
    // A raw-SQL call: its SQL argument as a literal piece (or an unknown one).
    SqlPiece& raw(const Node& call, const std::string& name, const Node* sql_arg);
    // SQL a builder emits, spanning `where` (a call or a chain within it).
    void generated(const Node& where, int call, std::string sql, std::vector<std::string> notes = {});
    // A call whose SQL cannot be known statically.
    void unknown(const Node& where, int call, std::string why);
    // Whether an unknown statement starting at `begin` was recorded (for the reach scan, reach.hpp).
    [[nodiscard]] bool unknown_at(std::size_t begin) const;
    // What another file's extraction `other` read (a helper the script imports and hands its
    // runner to), as statements at the call `at`, each call named "<prefix> -> <its call>" and
    // noted with `note`.
    void adopt(const Extraction& other, const Node& at, const std::string& prefix, const std::string& note);

    // A use of the runner inside a call's arguments that a handler read as part of the call's
    // SQL (a knex.raw() spliced as a binding, `defaultTo(knex.fn.now())`): the walker, which
    // walks the rest of a handled call's arguments (walker.cpp), passes over it. By its span,
    // which stays the same in every copy the walker reads.
    void read_inside(const Node& n) { m_read_inside.emplace(n.begin, n.end); }
    [[nodiscard]] bool was_read_inside(const Node& n) const { return m_read_inside.contains({n.begin, n.end}); }

    // The pieces recorded so far, and a note added to each recorded since `mark`.
    [[nodiscard]] std::size_t piece_count() const;
    void note_since(std::size_t mark, const std::string& note);

    std::string context;  // note for calls under a guard (hasTable/hasColumn)
    // Where the helper being read was called from ("line 12"; "" in up() itself): an unknown
    // statement a helper reaches from several calls is reported once, naming them all.
    std::string via;
    // The parameters of the helper being read: the string a literal argument binds each to
    // (`rebuild(qr, 'users')`), nullopt for one bound to something else; they hide the file's
    // constants of the same name.
    std::map<std::string, std::optional<std::string>, std::less<>> scope;
    bool down = false;    // the calls being read are in the down() function
    // node-pg-migrate: no migration of the script's folder defines type shorthands, so a column
    // type that is not built in is written as given (npgm_folder_without_shorthands).
    bool npgm_types_as_written = false;

private:
    [[nodiscard]] bool string_valued(const Node& n) const;
    bool sql_part(const Node& n, SqlPiece& piece, std::string& why, int& holes) const;

    const JsFile& m_file;
    std::string_view m_text;
    Extraction& m_out;
    std::map<std::string, std::string> m_constants;
    std::map<std::string, const Node*, std::less<>> m_literals;  // const NAME = {...} / [...] / true
    std::map<std::string, std::size_t, std::less<>> m_uses;      // identifier tokens (not after '.') by name
    std::map<std::string, std::string, std::less<>> m_numbers;   // const NAME = <number>: as JavaScript prints it
    std::map<std::string, const Node*, std::less<>> m_values;    // const NAME = <anything else> (const_value)
    std::map<std::string, const Node*, std::less<>> m_patterns;  // const [NAME] / { NAME } = <value> (destructured_value)
    std::map<std::string, std::size_t, std::less<>> m_bindings;  // how often the file binds each name
    std::map<std::string, bool, std::less<>> m_loop_literals;    // for (const NAME of [literals])
    std::set<std::pair<std::size_t, std::size_t>> m_read_inside;  // read_inside()
    // Unknown pieces by (span, down, reason): their index and the calls they were reached from.
    std::map<std::tuple<std::size_t, std::size_t, bool, std::string>, std::pair<std::size_t, std::vector<std::string>>> m_unknowns;
};

// SQL quoting as the ORMs emit it.
[[nodiscard]] std::string quote_ident(std::string_view name);      // "name" ("a.b" stays one name)
[[nodiscard]] std::string quote_qualified(std::string_view name);  // "schema"."table"

// Per-ORM call handlers: true when the call was an ORM call and has been recorded.
bool typeorm_call(const Node& call, Emitter& e);
bool knex_call(const Node& call, Emitter& e);
bool sequelize_call(const Node& call, Emitter& e);
bool db_migrate_call(const Node& call, Emitter& e);
bool node_pg_migrate_call(const Node& call, Emitter& e);  // node_pg_migrate.cpp
// Sequelize's sequelize.query(sql, { replacements }) call named `name` (sequelize_replacements.cpp).
void sequelize_raw_query(const Node& call, const std::string& name, Emitter& e);

// Sequelize's queryInterface.createFunction(...) call named `name` (sequelize_function.cpp).
void sequelize_create_function(const Node& call, const std::string& name, Emitter& e);

// Sequelize's where argument (sequelize_where.cpp): whether it is missing or selects every row
// ({}, null, '', [], `{ [Op.and]: [] }`), and what a bulkDelete/bulkUpdate where keeps (some rows,
// every row, or a value pgfence does not read: a variable that is not a const of a literal, a
// spread of one, a call), with the note given for the last.
[[nodiscard]] bool sequelize_no_where(const Node* where, const Emitter& e);
enum class SequelizeWhere { Some, None, Unresolved };
[[nodiscard]] SequelizeWhere sequelize_where(const Node* where, const Emitter& e);
extern const char* const k_sequelize_unresolved_where;
// Substitutes :name (an object) or ? (an array) bindings into a raw piece's SQL, each value as
// the ORM escapes it; values not known statically become $n parameters (db-migrate's runSql: the
// pg driver's values). With `sequelize`, a value Sequelize may splice as SQL (its escape() pastes
// a literal(), fn(), col(), ...) is a literal()'s known text, else the piece is made unknown.
void replace_parameters(SqlPiece& piece, const Node& bindings, Emitter& e, bool sequelize = false);

// A value an ORM binds or escapes as a value, never as SQL text: a string (a literal, a + with
// one, an untagged template), a number, a boolean, null, undefined, a plain array of those, a
// call of a global that always returns a primitive (Number, String, Boolean, parseInt,
// parseFloat, JSON.stringify, Math.<fn>, Date.now) or `new Date(...)` (a driver value), a `const`
// of one of those or the variable of a `for (const x of [literals])` loop (red team r72 N1)
// (knex_bindings.cpp; knex's value bindings, Sequelize's replacements).
[[nodiscard]] bool plain_value(const Node& v, Emitter& e, int depth = 0);

// knex.raw(sql, bindings) (an array, an object or one value; nullptr: none): the SQL knex 3 sends
// to PostgreSQL, identifier bindings spliced wherever knex splices them (comments and literals
// too), a value binding that is a knex.raw() spliced as its SQL, a plain value a parameter; false
// when there are none, or, with the piece made unknown, when an identifier binding's value, a value
// binding that may be SQL (a builder, a ref, a variable) or the bindings' shape is not known
// (knex_bindings.cpp).
bool knex_raw_bindings(SqlPiece& piece, const Node* bindings, Emitter& e);

// The object value under `key`, or nullptr.
[[nodiscard]] const Node* property(const Node& object, std::string_view key);
// An option's boolean (`{truncate: true}`): false when absent, nullopt when it is not a literal
// (or the object has a spread or a computed key).
[[nodiscard]] std::optional<bool> literal_flag(const Node* opts, std::string_view key);
// The call's arguments (kids after the callee).
[[nodiscard]] inline std::size_t arg_count(const Node& call) { return call.kids.empty() ? 0 : call.kids.size() - 1; }
[[nodiscard]] inline const Node* arg(const Node& call, std::size_t i) {
    return i + 1 < call.kids.size() ? &call.kids[i + 1] : nullptr;
}

}  // namespace pgfence::analyze::orm
