#include "analyze/model/alter_table_locks.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>

namespace pgfence::analyze::model {
namespace {

using M = LockMode;
constexpr bool k_recurses = true;
constexpr bool k_this_relation = false;

// In AlterTableType order. Modes are AlterTableGetLockLevel's (PostgreSQL 18); `recurses`
// follows ATPrepCmd. Labels are the subcommand's SQL, as a reason a lock is taken.
constexpr std::array k_locks = {
    SubcommandLock{AT_AddColumn, M::AccessExclusive, k_recurses, "ADD COLUMN"},
    SubcommandLock{AT_AddColumnToView, M::AccessExclusive, k_this_relation, "ADD COLUMN"},
    SubcommandLock{AT_ColumnDefault, M::AccessExclusive, k_recurses, "SET/DROP DEFAULT"},
    SubcommandLock{AT_DropNotNull, M::AccessExclusive, k_recurses, "DROP NOT NULL"},
    SubcommandLock{AT_SetNotNull, M::AccessExclusive, k_recurses, "SET NOT NULL"},
    SubcommandLock{AT_SetExpression, M::AccessExclusive, k_recurses, "SET EXPRESSION"},
    SubcommandLock{AT_DropExpression, M::AccessExclusive, k_recurses, "DROP EXPRESSION"},
    // Planner statistics and attribute options: readers use MVCC snapshots of the catalog.
    SubcommandLock{AT_SetStatistics, M::ShareUpdateExclusive, k_recurses, "SET STATISTICS"},
    SubcommandLock{AT_SetOptions, M::ShareUpdateExclusive, k_recurses, "SET (...)"},
    SubcommandLock{AT_ResetOptions, M::ShareUpdateExclusive, k_recurses, "RESET (...)"},
    // May add a TOAST table.
    SubcommandLock{AT_SetStorage, M::AccessExclusive, k_recurses, "SET STORAGE"},
    SubcommandLock{AT_SetCompression, M::AccessExclusive, k_recurses, "SET COMPRESSION"},
    SubcommandLock{AT_DropColumn, M::AccessExclusive, k_recurses, "DROP COLUMN"},
    // By constraint type: see command_lock.
    SubcommandLock{AT_AddConstraint, M::AccessExclusive, k_recurses, "ADD CONSTRAINT"},
    SubcommandLock{AT_AlterConstraint, M::AccessExclusive, k_recurses, "ALTER CONSTRAINT"},
    SubcommandLock{AT_ValidateConstraint, M::ShareUpdateExclusive, k_recurses, "VALIDATE CONSTRAINT"},
    SubcommandLock{AT_AddIndexConstraint, M::AccessExclusive, k_this_relation, "ADD CONSTRAINT ... USING INDEX"},
    // Plans may rely on the constraint.
    SubcommandLock{AT_DropConstraint, M::AccessExclusive, k_recurses, "DROP CONSTRAINT"},
    SubcommandLock{AT_AlterColumnType, M::AccessExclusive, k_recurses, "ALTER COLUMN TYPE"},
    SubcommandLock{AT_AlterColumnGenericOptions, M::AccessExclusive, k_this_relation, "OPTIONS (...)"},
    // A new owner may remove SELECT privileges in use.
    SubcommandLock{AT_ChangeOwner, M::AccessExclusive, k_this_relation, "OWNER TO"},
    SubcommandLock{AT_ClusterOn, M::ShareUpdateExclusive, k_this_relation, "CLUSTER ON"},
    SubcommandLock{AT_DropCluster, M::ShareUpdateExclusive, k_this_relation, "SET WITHOUT CLUSTER"},
    SubcommandLock{AT_SetLogged, M::AccessExclusive, k_this_relation, "SET LOGGED"},
    SubcommandLock{AT_SetUnLogged, M::AccessExclusive, k_this_relation, "SET UNLOGGED"},
    SubcommandLock{AT_DropOids, M::AccessExclusive, k_this_relation, "SET WITHOUT OIDS"},
    SubcommandLock{AT_SetAccessMethod, M::AccessExclusive, k_this_relation, "SET ACCESS METHOD"},
    SubcommandLock{AT_SetTableSpace, M::AccessExclusive, k_this_relation, "SET TABLESPACE"},
    // By option: see command_lock.
    SubcommandLock{AT_SetRelOptions, M::ShareUpdateExclusive, k_this_relation, "SET (...)"},
    SubcommandLock{AT_ResetRelOptions, M::ShareUpdateExclusive, k_this_relation, "RESET (...)"},
    SubcommandLock{AT_ReplaceRelOptions, M::AccessExclusive, k_this_relation, "SET (...)"},
    // Triggers only affect writes.
    SubcommandLock{AT_EnableTrig, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_EnableAlwaysTrig, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_EnableReplicaTrig, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_DisableTrig, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_EnableTrigAll, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_DisableTrigAll, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_EnableTrigUser, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    SubcommandLock{AT_DisableTrigUser, M::ShareRowExclusive, k_recurses, "ENABLE/DISABLE TRIGGER"},
    // Rules may change what SELECT returns.
    SubcommandLock{AT_EnableRule, M::AccessExclusive, k_this_relation, "ENABLE RULE"},
    SubcommandLock{AT_EnableAlwaysRule, M::AccessExclusive, k_this_relation, "ENABLE ALWAYS RULE"},
    SubcommandLock{AT_EnableReplicaRule, M::AccessExclusive, k_this_relation, "ENABLE REPLICA RULE"},
    SubcommandLock{AT_DisableRule, M::AccessExclusive, k_this_relation, "DISABLE RULE"},
    SubcommandLock{AT_AddInherit, M::AccessExclusive, k_this_relation, "INHERIT"},
    SubcommandLock{AT_DropInherit, M::AccessExclusive, k_this_relation, "NO INHERIT"},
    SubcommandLock{AT_AddOf, M::AccessExclusive, k_this_relation, "OF"},
    SubcommandLock{AT_DropOf, M::AccessExclusive, k_this_relation, "NOT OF"},
    SubcommandLock{AT_ReplicaIdentity, M::AccessExclusive, k_this_relation, "REPLICA IDENTITY"},
    SubcommandLock{AT_EnableRowSecurity, M::AccessExclusive, k_this_relation, "ENABLE ROW LEVEL SECURITY"},
    SubcommandLock{AT_DisableRowSecurity, M::AccessExclusive, k_this_relation, "DISABLE ROW LEVEL SECURITY"},
    SubcommandLock{AT_ForceRowSecurity, M::AccessExclusive, k_this_relation, "FORCE ROW LEVEL SECURITY"},
    SubcommandLock{AT_NoForceRowSecurity, M::AccessExclusive, k_this_relation, "NO FORCE ROW LEVEL SECURITY"},
    SubcommandLock{AT_GenericOptions, M::AccessExclusive, k_this_relation, "OPTIONS (...)"},
    // The partitioned table; the partition itself: k_partition. Version and index: command_lock.
    SubcommandLock{AT_AttachPartition, M::ShareUpdateExclusive, k_this_relation, "ATTACH PARTITION"},
    SubcommandLock{AT_DetachPartition, M::AccessExclusive, k_this_relation, "DETACH PARTITION"},
    SubcommandLock{AT_DetachPartitionFinalize, M::ShareUpdateExclusive, k_this_relation, "DETACH PARTITION FINALIZE"},
    SubcommandLock{AT_AddIdentity, M::AccessExclusive, k_recurses, "ADD GENERATED AS IDENTITY"},
    SubcommandLock{AT_SetIdentity, M::AccessExclusive, k_recurses, "SET GENERATED / SET sequence option"},
    SubcommandLock{AT_DropIdentity, M::AccessExclusive, k_recurses, "DROP IDENTITY"},
};

// parsenodes.h marks these "internal to commands/tablecmds.c"; AT_AddIndex and
// AT_CookedColumnDefault come from parse_utilcmd.c's transformation, after parsing.
constexpr std::array k_internal = {AT_CookedColumnDefault, AT_AddIndex, AT_ReAddIndex, AT_ReAddConstraint,
                                   AT_ReAddDomainConstraint, AT_ReAddComment, AT_ReAddStatistics};

// Relation options whose reloptions.c entry has lockmode ShareUpdateExclusiveLock.
bool option_is_light(const std::string& name) {
    static const std::set<std::string> k_light = {
        "fillfactor", "autovacuum_enabled", "toast_tuple_target", "parallel_workers",
        "vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration", "pages_per_range",
        "autosummarize", "deduplicate_items", "gin_pending_list_limit"};
    std::string bare = name.starts_with("toast.") ? name.substr(6) : name;
    return k_light.count(bare) > 0 || bare.starts_with("autovacuum_");
}

}  // namespace

std::span<const SubcommandLock> subcommand_locks() { return k_locks; }

std::span<const AlterTableType> internal_subcommands() { return k_internal; }

const SubcommandLock* subcommand_lock(AlterTableType subtype) {
    auto it = std::find_if(k_locks.begin(), k_locks.end(), [&](const SubcommandLock& l) { return l.subtype == subtype; });
    return it != k_locks.end() ? &*it : nullptr;
}

LockMode rel_options_lock(const List* options) {
    M mode = M::ShareUpdateExclusive;
    for (const DefElem* d : pg::each<DefElem>(options)) {
        std::string name(pg::text(d->defname));
        if (d->defnamespace != nullptr) name = std::string(d->defnamespace) + "." + name;
        if (!option_is_light(name)) mode = M::AccessExclusive;
    }
    return mode;
}

std::optional<SubcommandLock> command_lock(const AlterTableCmd& cmd, int pg_version, bool on_index) {
    const SubcommandLock* row = subcommand_lock(cmd.subtype);
    if (row == nullptr) return std::nullopt;
    SubcommandLock lock = *row;
    switch (cmd.subtype) {
    case AT_SetRelOptions:
    case AT_ResetRelOptions:
        lock.mode = rel_options_lock(pg::as<List>(cmd.def));
        break;
    case AT_AddConstraint:
        // A foreign key adds triggers to both tables: as strong as CREATE TRIGGER, no stronger.
        if (const Constraint* con = pg::as<Constraint>(cmd.def); con && con->contype == CONSTR_FOREIGN) {
            lock.mode = M::ShareRowExclusive;
        }
        break;
    case AT_AttachPartition:
        // Before PostgreSQL 12 (commit 898e5e32, "Allow ATTACH PARTITION with only
        // ShareUpdateExclusiveLock") the partitioned table was locked ACCESS EXCLUSIVE.
        // ALTER INDEX ... ATTACH PARTITION is modelled at SHARE UPDATE EXCLUSIVE at every version.
        if (!on_index && pg_version < 12) lock.mode = M::AccessExclusive;
        break;
    case AT_DetachPartition:
        if (const PartitionCmd* pc = pg::as<PartitionCmd>(cmd.def); pc && pc->concurrent) {
            lock.mode = M::ShareUpdateExclusive;
            lock.label = "DETACH PARTITION CONCURRENTLY";
        }
        break;
    default:
        break;
    }
    return lock;
}

}  // namespace pgfence::analyze::model
