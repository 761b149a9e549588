#pragma once
// A copy-and-swap that renames first, as authelia's migrations do: ALTER TABLE t RENAME TO b;
// CREATE TABLE t (...); INSERT INTO t (...) SELECT ... FROM b; (DROP TABLE b;) in one file. The
// name t still stands after the migration, filled with b's rows: the rename breaks no query that
// names t when the new t keeps every column the old one had, b's drop loses none of the rows
// copied out of it, and the constraints dropped from the old t before the rename are the new t's
// to enforce. What is left is the copy's duration (work-under-held-lock in a transaction), and what
// stays with the old t, not its name, that the file does not give the new one: its privileges,
// row-level security, policies and triggers (lost; model/table_swap.hpp). Taken as one only on
// proof (red team R75): t made anew, copied into and b dropped in the old t's schema, each kept
// column copied from itself with the same type, and from the rename to the DROP of b nothing
// unread, no write but the copy, no trigger of the new t firing at it, and nothing changing the
// new t's columns (renamed_aside.cpp).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/table_swap.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {

struct RenamedAside {
    std::size_t rename_at = 0;  // ALTER TABLE t RENAME TO b
    std::size_t create_at = 0;  // CREATE TABLE t
    std::size_t copy_at = 0;    // INSERT INTO t ... SELECT ... FROM b
    std::size_t drop_at = 0;    // DROP TABLE b after it, 0 when none
    schema::QualifiedName table;  // t
    schema::QualifiedName aside;  // b
    bool columns_known = false;   // the migrations show the old t's columns
    std::vector<std::string> missing;  // the old t's columns the new t lacks (when known)
    // What the old t had (as the migrations show it) that the new t does not get: neither from the
    // default privileges nor from the file's statements on it after its CREATE (red team R69 C11,
    // R72 F4).
    model::LostWithTable lost;
};

// The copy-and-swap that the table rename at `rename_at` starts, or nothing.
[[nodiscard]] std::optional<RenamedAside> renamed_aside_from(const std::vector<const pg::Node*>& stmts,
                                                             const std::vector<StatementFacts>& facts, std::size_t rename_at);

// The copy-and-swap that renamed `table` away at or after `from` (the rename the first statement
// of the file from there that names `table` in an ALTER TABLE ... RENAME), or nothing.
[[nodiscard]] std::optional<RenamedAside> renamed_aside_after(const std::vector<const pg::Node*>& stmts,
                                                              const std::vector<StatementFacts>& facts, std::size_t from,
                                                              const schema::QualifiedName& table);

// The copy-and-swap whose aside name `aside` is, renamed before `before`, copied out of before
// it and first dropped at `before`, of an old t whose columns the migrations show, or nothing.
[[nodiscard]] std::optional<RenamedAside> renamed_aside_to(const std::vector<const pg::Node*>& stmts,
                                                           const std::vector<StatementFacts>& facts, std::size_t before,
                                                           const schema::QualifiedName& aside);

}  // namespace pgfence::analyze::rules
