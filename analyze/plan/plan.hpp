#pragma once
// The migration plan of a file (Plan in findings.hpp): every statement once, in its safe form
// where a finding's recipe has one, grouped into the migrations the file's tool runs, with the
// slow parts (backfills, validation, the finishing steps) after all the quick ones.
//
// How it is composed:
//  - A statement without a safe form is kept as written. BEGIN/COMMIT are left to the plan
//    (each migration is a transaction of its own, or none); the file's SET statements (the last
//    value of each) start every migration, as a migration may run in a session of its own, and
//    where the file lacks lock_timeout the plan sets one.
//  - A statement with findings that carry a recipe: each ALTER TABLE subcommand with a recipe
//    is replaced by the recipe's first steps, the other subcommands stay in one ALTER TABLE.
//    The recipe's later steps (out-of-band backfill, VALIDATE, what must follow them, what waits
//    for a later release) are collected and run after every statement's first steps, stage by
//    stage, so six foreign keys make one NOT VALID migration and one VALIDATE migration.
//  - Recipes of the transaction rules (split the transaction, commit before CONCURRENTLY) are
//    not pasted: the plan's grouping does what they say.
//  - Grouping: a statement that cannot run in a transaction block is a migration of its own;
//    others share a migration while they take a strong lock on one table at most.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/migrations/known_migrations.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// Whether compose_plan has anything to compose: a finding with a safe rewrite, or a HIGH one.
[[nodiscard]] bool plan_wanted(const FileReport& report);

// Composes report.plan from the report's findings, when one of them has a recipe. `stmts`
// holds the parse trees parallel to report.statements (null: unparsable or unknown); `down`
// marks the statements of a down/undo part, which the plan leaves out.
// `catalog`: the schema as the file leaves it, where a batched backfill finds its table's primary
// key (none: no backfill is walked). `known`: the repository's other migrations
// (AnalyzeOptions::known_migrations), or none known: the new migrations' versions avoid theirs
// (migration_names.hpp: plan_versions).
class Catalog;
// `start`: the schema the file started from (none: not known), where the plan learns which
// indexes it drops are unique (plan_index_order.hpp). `psql_runs`: a command of the project runs
// the file with psql, so a plain SQL file's runner and wrapping are known (plan_runner.hpp).
void compose_plan(FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
                  const Catalog* catalog = nullptr, const KnownMigrations* known = nullptr, const Catalog* start = nullptr,
                  bool psql_runs = false);

// A plan that is not offered: no steps, and `why` (what to do by hand) as Plan::declined.
[[nodiscard]] Plan no_plan(std::string why);

struct AnalyzeOptions;

// The plan analysed as it would run: each migration after the ones before it, from `before`
// (the schema the file itself started from; none: empty). A migration in the tool's transaction
// is read as BEGIN ... COMMIT around its SQL, one outside a transaction as statements that
// run alone; out-of-band steps are not migrations and are not read.
struct PlanCheck {
    std::vector<FileReport> migrations;  // parallel to the plan's steps (out-of-band: empty report)
    // What makes the plan wrong: a statement that does not parse, a HIGH or CRITICAL finding,
    // or a finding of a rule the plan claims to resolve. "Migration 2: rule: message".
    std::vector<std::string> problems;
    // HIGH or CRITICAL findings of rules with no safe form (LOCK TABLE, say), which the original
    // file raises too: the plan keeps those statements as written.
    std::vector<std::string> kept;
    // The first of `problems` that is a statement of the plan that does not parse: such a plan
    // is not offered (`--format plan` writes none of its files). "" when there is none.
    std::string unparsable;
    [[nodiscard]] bool clean() const { return problems.empty() && kept.empty(); }
    [[nodiscard]] bool resolved() const { return problems.empty(); }
};
[[nodiscard]] PlanCheck check_plan(const FileReport& original, const AnalyzeOptions& options,
                                   const std::shared_ptr<const Catalog>& before);

// Text for the folder a plan is written to (`pgfence analyze --format plan`): `path` of a step
// made safe to join under that folder (no absolute path, no "..").
[[nodiscard]] std::string plan_relative_path(std::string_view path);

}  // namespace pgfence::analyze
