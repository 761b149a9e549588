#include "analyze/model/subcommand_judgement.hpp"
#include <utility>

#include <algorithm>
#include <array>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {
namespace {

using J = Judgement;

// In AlterTableType order (PostgreSQL 18's nodes/parsenodes.h).
constexpr std::array k_judgements = {
    SubcommandJudgement{AT_AddColumn, J::Rules, "add-column-not-null-without-default,add-column-volatile-default,constraint-rejects-inserts"},
    SubcommandJudgement{AT_AddColumnToView, J::Harmless,
                        "a view's new column, as CREATE OR REPLACE VIEW adds it (view.c): view-returns-no-rows judges its query"},
    SubcommandJudgement{AT_ColumnDefault, J::Rules, "default-breaks-inserts,drop-column-default"},
    SubcommandJudgement{AT_CookedColumnDefault, J::Internal, "parse_utilcmd.c"},
    SubcommandJudgement{AT_DropNotNull, J::Rules, "drop-not-null"},
    SubcommandJudgement{AT_SetNotNull, J::Rules, "set-not-null-scan"},
    SubcommandJudgement{AT_SetExpression, J::Unknown,
                        "ALTER COLUMN ... SET EXPRESSION recomputes the generated column for every row (a rewrite under "
                        "ACCESS EXCLUSIVE) and changes the values the application reads"},
    SubcommandJudgement{AT_DropExpression, J::Rules, "drop-column-default"},
    SubcommandJudgement{AT_SetStatistics, J::Harmless, "planner statistics target: plans may change, rows do not"},
    SubcommandJudgement{AT_SetOptions, J::Harmless, "per-column planner options (n_distinct): plans may change, rows do not"},
    SubcommandJudgement{AT_ResetOptions, J::Harmless, "per-column planner options: plans may change, rows do not"},
    SubcommandJudgement{AT_SetStorage, J::Harmless, "how new values are stored (TOAST): rows read the same"},
    SubcommandJudgement{AT_SetCompression, J::Harmless, "how new values are compressed: rows read the same"},
    SubcommandJudgement{AT_DropColumn, J::Rules, "drop-column"},
    SubcommandJudgement{AT_AddIndex, J::Internal, "parse_utilcmd.c"},
    SubcommandJudgement{AT_ReAddIndex, J::Internal, "tablecmds.c"},
    SubcommandJudgement{AT_AddConstraint, J::Rules, "add-check-without-not-valid,add-foreign-key-without-not-valid,constraint-rejects-inserts"},
    SubcommandJudgement{AT_ReAddConstraint, J::Internal, "tablecmds.c"},
    SubcommandJudgement{AT_ReAddDomainConstraint, J::Internal, "tablecmds.c"},
    SubcommandJudgement{AT_AlterConstraint, J::Rules, "constraint-deferred"},  // NOT ENFORCED, [NO] INHERIT: Unknown below
    SubcommandJudgement{AT_ValidateConstraint, J::Harmless, "checks existing rows under SHARE UPDATE EXCLUSIVE: writes go on"},
    SubcommandJudgement{AT_AddIndexConstraint, J::Rules, "lock-table"},
    SubcommandJudgement{AT_DropConstraint, J::Rules, "integrity-not-enforced"},
    SubcommandJudgement{AT_ReAddComment, J::Internal, "tablecmds.c"},
    SubcommandJudgement{AT_AlterColumnType, J::Rules, "alter-column-type-rewrite"},
    SubcommandJudgement{AT_AlterColumnGenericOptions, J::Harmless, "a foreign table column's options for its wrapper"},
    SubcommandJudgement{AT_ChangeOwner, J::Rules, "revoke-privileges"},
    SubcommandJudgement{AT_ClusterOn, J::Harmless, "which index a later CLUSTER uses"},
    SubcommandJudgement{AT_DropCluster, J::Harmless, "which index a later CLUSTER uses"},
    SubcommandJudgement{AT_SetLogged, J::Rules, "set-logged-unlogged"},
    SubcommandJudgement{AT_SetUnLogged, J::Rules, "set-logged-unlogged"},
    SubcommandJudgement{AT_DropOids, J::Harmless, "SET WITHOUT OIDS does nothing since PostgreSQL 12"},
    SubcommandJudgement{AT_SetAccessMethod, J::Rules, "alter-table-rewrite"},
    SubcommandJudgement{AT_SetTableSpace, J::Rules, "alter-table-rewrite"},
    SubcommandJudgement{AT_SetRelOptions, J::Rules, "view-options-changed"},  // a table's storage options: harmless
    SubcommandJudgement{AT_ResetRelOptions, J::Rules, "view-options-changed"},
    SubcommandJudgement{AT_ReplaceRelOptions, J::Rules, "view-options-changed"},
    SubcommandJudgement{AT_EnableTrig, J::Rules, "create-trigger"},
    SubcommandJudgement{AT_EnableAlwaysTrig, J::Unknown,
                        "ENABLE ALWAYS TRIGGER fires the trigger in replication's apply sessions too, where its writes are "
                        "applied again on the subscriber"},
    SubcommandJudgement{AT_EnableReplicaTrig, J::Rules, "integrity-not-enforced"},
    SubcommandJudgement{AT_DisableTrig, J::Rules, "integrity-not-enforced"},
    SubcommandJudgement{AT_EnableTrigAll, J::Rules, "create-trigger"},
    SubcommandJudgement{AT_DisableTrigAll, J::Rules, "integrity-not-enforced"},
    SubcommandJudgement{AT_EnableTrigUser, J::Rules, "create-trigger"},
    SubcommandJudgement{AT_DisableTrigUser, J::Rules, "integrity-not-enforced"},
    SubcommandJudgement{AT_EnableRule, J::Unknown,
                        "ENABLE RULE makes a rule rewrite the table's queries again: what reads and writes do changes"},
    SubcommandJudgement{AT_EnableAlwaysRule, J::Unknown,
                        "ENABLE ALWAYS RULE makes a rule rewrite the table's queries, in replication's apply sessions too"},
    SubcommandJudgement{AT_EnableReplicaRule, J::Unknown,
                        "ENABLE REPLICA RULE stops the rule rewriting the application's queries (it then runs only in "
                        "replication's apply sessions): what reads and writes do changes"},
    SubcommandJudgement{AT_DisableRule, J::Unknown,
                        "DISABLE RULE stops a rule rewriting the table's queries: writes it redirected or blocked now reach "
                        "the table, reads it rewrote return the table's rows"},
    SubcommandJudgement{AT_AddInherit, J::Unknown,
                        "INHERIT makes the table's rows part of every query of the parent that does not say ONLY: the "
                        "application reads rows it did not before"},
    SubcommandJudgement{AT_DropInherit, J::Unknown,
                        "NO INHERIT takes the table's rows out of every query of the parent: the application no longer sees "
                        "them there, as DETACH PARTITION would hide them"},
    SubcommandJudgement{AT_AddOf, J::Harmless, "ties the table to a composite type: its rows are unchanged"},
    SubcommandJudgement{AT_DropOf, J::Harmless, "unties the table from its composite type"},
    SubcommandJudgement{AT_ReplicaIdentity, J::Rules, "replica-identity-missing"},
    SubcommandJudgement{AT_EnableRowSecurity, J::Rules, "row-security-without-policy"},
    SubcommandJudgement{AT_DisableRowSecurity, J::Rules, "row-security-without-policy"},
    SubcommandJudgement{AT_ForceRowSecurity, J::Rules, "row-security-without-policy"},
    SubcommandJudgement{AT_NoForceRowSecurity, J::Rules, "row-security-without-policy"},
    SubcommandJudgement{AT_GenericOptions, J::Harmless, "a foreign table's options for its wrapper"},
    SubcommandJudgement{AT_AttachPartition, J::Rules, "attach-partition-scan"},
    SubcommandJudgement{AT_DetachPartition, J::Rules, "detach-partition-hides-rows,detach-partition-without-concurrently"},
    SubcommandJudgement{AT_DetachPartitionFinalize, J::Rules, "detach-partition-hides-rows"},
    SubcommandJudgement{AT_AddIdentity, J::Unknown,
                        "ADD GENERATED AS IDENTITY on a column with rows: its sequence starts at 1, so inserts that leave the "
                        "column out may collide with existing keys, and GENERATED ALWAYS refuses inserts that supply it"},
    SubcommandJudgement{AT_SetIdentity, J::Rules, "sequence-reset,sequence-limit-lowered"},
    SubcommandJudgement{AT_DropIdentity, J::Rules, "drop-column-default"},
    SubcommandJudgement{AT_ReAddStatistics, J::Internal, "tablecmds.c"},
};

// The first value ADD GENERATED AS IDENTITY's new sequence hands out: the constant of RESTART,
// else of START WITH (sequence.c, init_params: a RESTART without a value restarts at the start),
// "" when the statement names neither (the sequence starts at 1).
std::string identity_first_value(const AlterTableCmd& cmd) {
    const auto* identity = pg::as<Constraint>(cmd.def);
    if (identity == nullptr) return "";
    auto constant = [](const pg::Node* arg) -> std::string {
        if (const auto* number = pg::as<Integer>(arg)) return std::to_string(number->ival);
        if (const auto* number = pg::as<Float>(arg)) return std::string(pg::text(number->fval));
        return "";
    };
    std::string start, restart;
    bool restarts = false;
    for (const DefElem* d : pg::each<DefElem>(identity->options)) {
        if (pg::text(d->defname) == "start") start = constant(d->arg);
        if (pg::text(d->defname) == "restart") {
            restarts = true;
            restart = constant(d->arg);
        }
    }
    return restarts && !restart.empty() ? restart : start;
}

}  // namespace

// The note of a subcommand whose effect is not judged: written and recognised here only.
constexpr std::string_view k_unjudged_start = "not visible to static analysis: on ";
constexpr std::string_view k_unjudged_end = "; pgfence does not judge what that does to the application";

std::span<const SubcommandJudgement> subcommand_judgements() { return k_judgements; }

const SubcommandJudgement* subcommand_judgement(AlterTableType subtype) {
    auto it = std::find_if(k_judgements.begin(), k_judgements.end(), [&](const SubcommandJudgement& j) { return j.subtype == subtype; });
    return it != k_judgements.end() ? &*it : nullptr;
}

void note_unjudged_subcommand(const AlterTableCmd& cmd, const std::string& relname, const std::string& display,
                              StatementFacts& facts, Context& ctx) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    if (info != nullptr && info->is_new) return;  // created in this migration: nobody relies on it yet
    std::string why;
    const SubcommandJudgement* row = subcommand_judgement(cmd.subtype);
    if (row == nullptr) {
        why = "a subcommand pgfence does not know";
    } else if (const std::string first = cmd.subtype == AT_AddIdentity ? identity_first_value(cmd) : ""; !first.empty()) {
        why = "ADD GENERATED AS IDENTITY on a column with rows: its sequence starts at " + first + ", so inserts that leave "
              "the column out may collide with existing keys at or above it, and GENERATED ALWAYS refuses inserts that "
              "supply it";
    } else if (row->how == J::Unknown) {
        why = std::string(row->what);
    } else if (const auto* alter = pg::as<ATAlterConstraint>(cmd.def); cmd.subtype == AT_AlterConstraint && alter != nullptr) {
        const std::string name = alter->conname != nullptr ? alter->conname : "";
        if (alter->alterEnforceability && !alter->is_enforced) {
            why = "ALTER CONSTRAINT " + name + " NOT ENFORCED stops checking the constraint: rows that break it are accepted";
        } else if (alter->alterInheritability) {
            why = "ALTER CONSTRAINT " + name + (alter->noinherit ? " NO INHERIT" : " INHERIT") +
                  " changes which child tables the constraint applies to";
        }
    }
    if (why.empty()) return;
    facts.status = StatementStatus::Unknown;
    facts.notes.push_back(std::string(k_unjudged_start) + display + ", " + why + std::string(k_unjudged_end));
}

bool unjudged_subcommand_note(std::string_view note) {
    return note.starts_with(k_unjudged_start) && note.ends_with(k_unjudged_end);
}

}  // namespace pgfence::analyze::model
