#pragma once
// What judges each ALTER TABLE subcommand's effect on the application, beside its lock
// (alter_table_locks.hpp): the rules that report it, or why it is harmless, or that pgfence does
// not judge it, in which case a statement holding one on an existing relation is Unknown. One row
// per member of libpg_query's AlterTableType; tests/unit/subcommand_judgement_test.cpp iterates
// the enum, so a new subtype cannot pass silently.
#include <span>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

struct Context;

enum class Judgement {
    Rules,     // `what` lists the rule ids (comma-separated) that judge it
    Harmless,  // `what` says why: the lock is all it does to the application
    Unknown,   // `what` says what it may do: the statement is Unknown
    Internal,  // built by PostgreSQL after parsing, never in a migration's parse tree
};

struct SubcommandJudgement {
    AlterTableType subtype;
    Judgement how;
    std::string_view what;
};

[[nodiscard]] std::span<const SubcommandJudgement> subcommand_judgements();
[[nodiscard]] const SubcommandJudgement* subcommand_judgement(AlterTableType subtype);

// For a subcommand on an existing relation whose effect pgfence does not judge (its row says
// Unknown, or ALTER CONSTRAINT ... NOT ENFORCED / [NO] INHERIT): the statement becomes Unknown
// with a note saying what it may do. A relation created in this migration is exempt.
void note_unjudged_subcommand(const AlterTableCmd& cmd, const std::string& relname, const std::string& display,
                              StatementFacts& facts, Context& ctx);

// Whether `note` is one note_unjudged_subcommand wrote: its statement is Unknown for what it does to
// the application, not for its locks, which the lock model has (trace/compare.cpp compares them).
[[nodiscard]] bool unjudged_subcommand_note(std::string_view note);

}  // namespace pgfence::analyze::model
