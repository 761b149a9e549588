#pragma once
// Shared by the operation rules (registry_operation.cpp): drops, truncates, maintenance
// commands, partitions, triggers and whole-table DML. Reading earlier statements of the
// file, slicing the user's SQL, and the recipe pieces several of them repeat.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/parse/function_ref.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules::operation {

// ---- facts ----

// The lock on `relation` when it existed before this migration; nullptr when it is new or
// not locked at all.
[[nodiscard]] const LockFact* existing(const StatementFacts& statement, const std::string& relation);
// "an ACCESS EXCLUSIVE lock on users (blocks reads, writes and DDL)": describe_lock with its article.
[[nodiscard]] std::string a_lock(const LockFact& lock);
// Does this lock make other sessions' reads or writes wait?
[[nodiscard]] bool blocks_reads_or_writes(const LockFact& lock);

// A DROP of one kind of object.
struct Drop {
    const DropStmt* stmt;
    const List* objects;  // what it names, as parse nodes
    bool cascade = false;
};
// The statement as a DROP of `remove_type` (OBJECT_TABLE, ...), or nullopt.
[[nodiscard]] std::optional<Drop> drop_of(const StatementContext& ctx, ObjectType remove_type);

// "<what> (it cannot run inside a transaction block)", or "<what>; <how to leave this file's
// transaction>" when the statement runs inside one.
[[nodiscard]] std::string outside_transaction_fix(const StatementContext& ctx, const std::string& what);

// ---- earlier statements ----

// Calls visit(statement, its parse tree) for each parsed statement before ctx's, in order;
// stops when visit returns true. Without ctx.stmts, each is parsed again from its own text.
void for_each_earlier(const StatementContext& ctx,
                      FunctionRef<bool(const StatementFacts&, const pg::Node*)> visit);
// The same over the statements before ctx's (later false) or after it (later true).
void for_each_around(const StatementContext& ctx, bool later,
                     FunctionRef<bool(const StatementFacts&, const pg::Node*)> visit);
// Was schema `name` created by an earlier statement of this file?
[[nodiscard]] bool schema_created_earlier(const StatementContext& ctx, const std::string& name);
// Was `role`, by its name, created (CREATE ROLE / USER / GROUP) by an earlier statement of this
// file? Then no session uses it yet: what the migration sets on it is its setup, not a change.
// False for PUBLIC, CURRENT_USER and the like, and without a role (ALTER ROLE ALL).
[[nodiscard]] bool role_created_earlier(const StatementContext& ctx, const RoleSpec* role);
// The role as the statement names it: its quoted name, PUBLIC, CURRENT_ROLE, CURRENT_USER or
// SESSION_USER; empty without one (ALTER ROLE ALL).
[[nodiscard]] std::string role_spec_text(const RoleSpec* role);
// Was type `type` (an enum, a composite, a domain, a range) made by an earlier statement of this
// file? Then no deployed code names it, or knows its values, yet.
[[nodiscard]] bool type_made_earlier(const StatementContext& ctx, const schema::QualifiedName& type);
// The line of a later statement of ctx's transaction that makes a type named `type` (no session
// sees the name missing in between), or 0.
[[nodiscard]] int type_made_again(const StatementContext& ctx, const schema::QualifiedName& type);

// ---- slicing the user's SQL (find_keyword, group_at: rules/common.hpp) ----

// The items of a comma list (no surrounding parentheses), split at top-level commas, trimmed.
[[nodiscard]] std::vector<std::string> split_list(std::string_view list);
// Same word, ignoring case.
[[nodiscard]] bool same_word(std::string_view a, std::string_view b);

// ---- recipe pieces ----

// "Before this migration" step: deploy code that no longer uses `what`, check it is unused.
[[nodiscard]] RecipeStep release_first_step(const std::string& what, const std::string& check_sql,
                                            const std::string& backup);
// The out-of-band loop that deletes every row of `table` in batches, as comments.
[[nodiscard]] std::string batched_delete_comment(const std::string& table);

}  // namespace pgfence::analyze::rules::operation
