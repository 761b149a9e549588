#pragma once
// What stays with a table, not its name, when a copy-and-swap puts a new table in its place (the
// DROP and rename of drop-table's recreated tables, analyzer_checks.cpp; the rename first of
// rename-table's renamed_aside.hpp): PostgreSQL keeps them by the table's OID, so the new table
// under the name has none of them unless the migration gives them again (red team R69 C11, R72
// F4; checked on PostgreSQL 15):
// - the privileges GRANTs gave each role (pg_class.relacl): a new table has its owner's and the
//   default privileges only ("permission denied for table");
// - its row-level security (relrowsecurity, relforcerowsecurity) and policies (pg_policy): the new
//   one shows every row to whoever may read it;
// - its triggers that fire (pg_trigger, tgenabled): what they did on each write stops.
// What the file gives the new table after its CREATE (GRANT, REVOKE, ENABLE / FORCE ROW LEVEL
// SECURITY, CREATE / DROP POLICY, CREATE / DROP TRIGGER, ENABLE / DISABLE TRIGGER) counts, in order.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

// A trigger of the table: its function (unqualified), and whether it fires (not disabled, not
// ENABLE REPLICA: function_attach.cpp).
struct TriggerKept {
    std::string function;
    bool fires = true;
};

struct TableKeeps {
    TableAcl privileges;  // by role (grants.hpp)
    bool row_security = false;
    bool force_row_security = false;
    std::map<std::string, PolicyInfo> policies;   // by name
    std::map<std::string, TriggerKept> triggers;  // by name
};

// ALTER TABLE ... ENABLE / DISABLE TRIGGER name | ALL | USER on `triggers` (function_attach.hpp
// trigger_switch); nothing for another subcommand.
void enable_triggers(std::map<std::string, TriggerKept>& triggers, const AlterTableCmd* cmd);

// What `table` has, as the catalog shows it.
[[nodiscard]] TableKeeps keeps_of(const RelationInfo& table);

// A policy's TO list as PolicyInfo::roles keeps it: "" for PUBLIC (no TO, or PUBLIC among the
// names), else the names, sorted, comma-separated (misc.cpp).
[[nodiscard]] std::string policy_roles(const List* roles);

// What the table the file makes at statement `made_at` has at its end: `defaults` (the default
// privileges for tables, Catalog::default_table_privileges) as the ALTER DEFAULT PRIVILEGES of
// statements [from, made_at) change them, then what the statements after `made_at` on a table
// `names_it` takes for it (schema as written, "" when none; relname) give or take.
[[nodiscard]] TableKeeps new_table_keeps(TableAcl defaults, const std::vector<const pg::Node*>& stmts, std::size_t from,
                                         std::size_t made_at,
                                         const std::function<bool(std::string_view schema, std::string_view relname)>& names_it);

// What the old table had that the new one lacks. Privileges are compared per role and privilege (a
// column privilege is kept by the same one on the table or on any column); policies, where the old
// table had row-level security on, by kind, command, roles and the rows their USING admits
// (policy_filter.hpp), not by name; triggers that fired by name or function.
struct LostWithTable {
    std::string privileges;  // "app (INSERT, UPDATE), reporting (SELECT)"
    std::size_t privilege_roles = 0;  // how many roles it names
    bool row_security = false;        // not enabled on the new one
    bool force_row_security = false;  // enabled, but not forced
    std::vector<std::string> permissive_policies;
    std::vector<std::string> restrictive_policies;
    std::vector<std::string> triggers;           // not made again
    std::vector<std::string> disabled_triggers;  // made again, but they do not fire
    // Each as a clause: "its triggers audit are not made again: what they did on each write stops";
    // `gone`: where the privileges stay ("dropped table").
    [[nodiscard]] std::vector<std::string> clauses(std::string_view gone) const;
};
[[nodiscard]] LostWithTable lost_in_swap(const TableKeeps& old, const TableKeeps& now);

// The notes the lock model leaves on ALTER TABLE t RENAME TO b of a table the migrations made
// (rename.cpp), for renamed_aside.hpp to compare the new t with: what t has, and the default
// privileges a new table would get. One note each: "RENAME of <relation>: what stays with it: "
// then "privileges <letters> <role>", "default privileges <letters> <role>", "row-level security",
// "forced row-level security", "policy <permissive|restrictive> <command> <n> <roles> <n>
// <filter> <name>" or "trigger <fires|disabled> <n> <function> <name>" (letters: grants.hpp
// privilege_letters; <n>: the length of what follows; the name last, whatever it holds).
void note_table_keeps(std::string_view relation, const TableKeeps& keeps, const TableAcl& defaults, StatementFacts& facts);
// Read back (nothing when the statement has none: the migrations do not show the table).
[[nodiscard]] TableKeeps read_table_keeps(const StatementFacts& statement, std::string_view relation, TableAcl& defaults);

}  // namespace pgfence::analyze::model
