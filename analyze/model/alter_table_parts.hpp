#pragma once
// What the ALTER TABLE model's files share: the relation altered and the lock its subcommands
// add up to. Internal to analyze/model.
#include <string>

#include "analyze/model/alter_table_locks.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/types.hpp"

namespace pgfence::analyze::model::alter {

using M = LockMode;

struct Target {
    std::string relname;
    std::string display;
    std::string kind;
};

struct Accumulated {
    M mode = M::AccessShare;
    std::string reason;
    M recursive_mode = M::AccessShare;
    bool any_recursive = false;
};

inline void raise(Accumulated& acc, M mode, const std::string& reason, bool recursive) {
    if (mode > acc.mode || acc.reason.empty()) {
        if (mode >= acc.mode) {
            acc.mode = mode;
            acc.reason = reason;
        }
    }
    if (recursive) {
        acc.any_recursive = true;
        if (mode > acc.recursive_mode) acc.recursive_mode = mode;
    }
}

// ATTACH PARTITION / DETACH PARTITION [CONCURRENTLY]: the partitioned table, the partition and
// any DEFAULT partition (alter_partition.cpp).
void attach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx);
void detach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx);

// The indexes on a retyped column: kept, rebuilt, or rebuilt with the whole table
// (alter_column_dependents.cpp). Notes only: the table's own lock covers them.
void note_index_rebuilds(const std::string& where, const std::string& col, const std::string& from, const std::string& to,
                         TypeChange change, bool collation_changes, const Target& t, StatementFacts& facts,
                         Context& ctx);
// DROP COLUMN: drops the indexes that use the column, locking each.
void drop_column_indexes(const Target& t, const std::string& column, StatementFacts& facts, Context& ctx);
// ALTER COLUMN ... TYPE: the foreign keys on the column are re-created, locking their other table.
// ALTER COLUMN ... TYPE that keeps the rows: the validated CHECKs that name the column are
// re-added and read every row (a scan, and a note: check_constraints.hpp k_recheck_marker).
void recheck_constraints(const std::string& where, const std::string& col, const Target& t, StatementFacts& facts, Context& ctx);
void retype_foreign_keys(const Target& t, const std::string& column, StatementFacts& facts, Context& ctx);
// DROP COLUMN: records the views that use the column (StatementFacts::dependent_views); with
// CASCADE drops them and the views over them, locking each.
void drop_column_views(const Target& t, const std::string& column, bool cascade, StatementFacts& facts, Context& ctx);
// Foreign keys that go away with a dropped column (`column`) or an index-backed constraint
// (`index`, with CASCADE): their triggers are removed from the other table.
void drop_foreign_keys(const Target& t, const std::string& column, const std::string& index, bool cascade,
                       StatementFacts& facts, Context& ctx);

// ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY: kept on the table; ENABLE or FORCE of a
// table with policies, or with the clause already in force, gets row_security_known_note
// (row_security.cpp).
// DISABLE and NO FORCE of a table the migrations show without that clause in force get the note
// "... this changes nothing" too.
void row_security(AlterTableType subtype, const Target& t, StatementFacts& facts, Context& ctx);
// DROP POLICY `name` on a table the catalog knows (`info`), before the policy is forgotten: a
// row_security_known_note with clause "DROP POLICY <name>" saying that row security is off there
// (this changes nothing), or what the policy was (permissive or restrictive, for which command)
// and, for a permissive one, another permissive policy that still grants the same command to the
// same roles (row-security-without-policy reads it).
void drop_policy(const RelationInfo& info, const std::string& name, const std::string& display, StatementFacts& facts,
                 const Context& ctx);

// DROP DEFAULT of a column the migrations show: whether it is NOT NULL, as a note for
// drop-column-default (analyze/drop_default_note.hpp; drop_default.cpp). `identity`: DROP IDENTITY (NOT NULL).
void note_drop_default(const std::string& col, const Target& t, StatementFacts& facts, Context& ctx, bool identity = false);
// SET STORAGE of a column the migrations show: its type, as a note for set-storage-plain
// (analyze/model/storage_note.hpp; column_storage.cpp).
void note_storage(const std::string& col, const Target& t, StatementFacts& facts, Context& ctx);

}  // namespace pgfence::analyze::model::alter

namespace pgfence::analyze::model {
// The sequence a nextval('name') default calls, or "" (create.cpp).
[[nodiscard]] std::string nextval_sequence(const pg::Node* expr);
}  // namespace pgfence::analyze::model
