#pragma once
// What each ALTER TABLE subcommand locks: one table in the shape of PostgreSQL 18's
// AlterTableGetLockLevel (src/backend/commands/tablecmds.c), and beside it the cases that
// depend on more than the subcommand (its options, its constraint, the target version) and
// the locks taken on a second relation.
#include <optional>
#include <span>
#include <string_view>

#include "analyze/model/lock_mode.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

struct SubcommandLock {
    AlterTableType subtype;
    LockMode mode;
    // Applied to every partition/inheritance child too unless ONLY is written (ATPrepCmd's
    // ATSimpleRecursion, or `recurse` at execution).
    bool recurses;
    // How the reason names it when the subcommand has nothing more specific to say.
    std::string_view label;
};

// Every subcommand the model knows, one row each.
[[nodiscard]] std::span<const SubcommandLock> subcommand_locks();
// Subtypes PostgreSQL builds only inside parse_utilcmd.c/tablecmds.c, never in the raw parse
// tree the parser returns: the model has no row for them, and a statement holding one is Unknown.
[[nodiscard]] std::span<const AlterTableType> internal_subcommands();

// The row for `subtype`, or nullptr when the model does not know it.
[[nodiscard]] const SubcommandLock* subcommand_lock(AlterTableType subtype);

// The lock of one subcommand as PostgreSQL decides it for this command: the row, refined by
// SET/RESET (options) by option, ADD CONSTRAINT by constraint type, DETACH ... CONCURRENTLY,
// ATTACH PARTITION before PostgreSQL 12 and on an index. nullopt when the model does not know it.
[[nodiscard]] std::optional<SubcommandLock> command_lock(const AlterTableCmd& cmd, int pg_version, bool on_index);

// Locks on the other relation of a subcommand.
// ADD FOREIGN KEY / REFERENCES, ALTER CONSTRAINT ... ENFORCED: CreateTrigger on the referenced table.
inline constexpr LockMode k_referenced_add_triggers = LockMode::ShareRowExclusive;
// DROP CONSTRAINT of a foreign key, ALTER CONSTRAINT ... NOT ENFORCED, DROP COLUMN under a
// foreign key: RemoveTriggerById on the other table.
inline constexpr LockMode k_referenced_drop_triggers = LockMode::AccessExclusive;
// VALIDATE CONSTRAINT of a foreign key reads the referenced table (validateForeignKeyConstraint).
inline constexpr LockMode k_referenced_validate = LockMode::RowShare;
// ATTACH/DETACH PARTITION, DETACH ... FINALIZE: the partition (and any DEFAULT partition whose
// constraint changes) is opened with AccessExclusiveLock (ATExecAttachPartition,
// ATExecDetachPartition, ATExecDetachPartitionFinalize).
inline constexpr LockMode k_partition = LockMode::AccessExclusive;
// INHERIT: the new parent ShareUpdateExclusiveLock (ATExecAddInherit); NO INHERIT: the parent
// AccessShareLock (ATExecDropInherit).
inline constexpr LockMode k_inherit_parent = LockMode::ShareUpdateExclusive;
inline constexpr LockMode k_no_inherit_parent = LockMode::AccessShare;

// SET/RESET (options): ShareUpdateExclusive when every option allows it, else AccessExclusive
// (AlterTableGetRelOptionsLockLevel over reloptions.c's lockmode fields).
[[nodiscard]] LockMode rel_options_lock(const List* options);

}  // namespace pgfence::analyze::model
