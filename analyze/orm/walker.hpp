#pragma once
// Reads a migration's up() (or down()) for the ORM calls it makes. Every use of the object the
// migration is handed (the runner: queryRunner, knex or a transaction, queryInterface, db) is
// either read into statements by the per-ORM handlers or reported as an unknown statement at its
// line: its aliases (`const qr = queryRunner`, `const { query } = queryRunner`,
// `queryRunner.query.bind(queryRunner)`, `this.qr = queryRunner`) are substituted by what they
// stand for, computed keys that fold to a string are read as that member, `f.call(this, ...)` and
// `f.apply(this, [...])` as `f(...)`, and the file's own functions and methods (of the class or a
// base class in the same file) that receive the runner are followed with it bound.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {

struct WalkResult {
    bool found_function = false;
    bool found_up = false;  // an up() was among them
    // The functions read (up, or down with --direction down).
    std::vector<std::pair<std::size_t, std::size_t>> read_spans;
    // The first call of an imported helper that was followed (npos: none): like a call of the
    // script's own function, what it runs is decided in code a plan would not copy.
    std::size_t first_import = std::string_view::npos;
    // The imported files whose helpers were followed (as resolve_import names them): what the
    // script runs depends on them, so an approval of it binds to them too.
    std::vector<std::string> imported_files;
};

// `path` names the script, for the helpers it imports ("" for none: they are unknown);
// `only_class`, when not empty, the one class whose up() and down() are read (reexports.hpp).
[[nodiscard]] WalkResult walk_migration(const JsFile& file, std::string_view text, Emitter& emitter, InputFormat format,
                                        Direction direction, const ScriptForm& form, std::string_view path,
                                        std::string_view only_class = {});

// Knex's query builder on the runner (`knex("users").del()`, `.truncate()`, `.update({...})`):
// the SQL knex's PostgreSQL dialect sends, or an unknown statement; false when `call` is no
// query-builder chain on one of `roots` (knex_query.cpp).
bool knex_query_call(const Node& call, Emitter& e, const std::vector<std::string>& roots);
// Whether `call` is a knex query chain on the runner (knex("t")..., knex.select(...)...).
bool knex_query_chain(const Node& call, const std::vector<std::string>& roots);

}  // namespace pgfence::analyze::orm
