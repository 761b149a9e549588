#pragma once
// Findings: what a reviewer acts on. Built by the rules from the facts (facts.hpp), never
// from lock modes of their own; rendered by annotate/.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/boxed.hpp"
#include "analyze/base/error.hpp"

namespace pgfence::analyze {

enum class Risk : std::uint8_t { None = 0, Low, Medium, High, Critical };

[[nodiscard]] std::string_view risk_name(Risk risk);  // "LOW" ... "CRITICAL", "NONE"
[[nodiscard]] std::optional<Risk> parse_risk(std::string_view text);  // any case

// One migration of a recipe: the exact SQL to run instead, in order.
struct RecipeStep {
    std::string title;         // "Migration 1", "Out of band", ...
    std::string sql;           // statements and comments, ready to paste
    bool in_transaction = true;  // false: its own migration, outside any transaction block
    // Its first line that is not a comment is the recipe's own `SET lock_timeout = '2s';`, which
    // a plan makes LOCAL where the step runs in a transaction (and otherwise RESETs after it).
    bool timeout_guard = false;
};

struct Recipe {
    std::string summary;  // one line: what the safe way is
    std::vector<RecipeStep> steps;
};

// The size of the table a finding is about, from a stats snapshot (analyze --stats-file);
// filled in by stats/size_risk.cpp after analysis, never by a rule.
struct SizeFacts {
    std::string relation;    // as the finding names it
    std::string table;       // the snapshot's "schema.name"; "" when not in the snapshot
    std::string status;      // "measured", "new" (created in this migration), "absent" (not in the snapshot)
    std::string size_class;  // "small", "medium", "large", "huge"; "unknown" unless measured
    std::optional<double> rows;  // estimated rows (partitions summed); empty when unknown
    long long table_bytes = 0;   // heap only
    long long total_bytes = 0;   // with TOAST and indexes
    Risk base_risk = Risk::None;  // the rule's risk before the size adjustment
    std::string work;             // "rewrite", "index build", "scan"; "" when not timed
    std::string lock;             // lock mode held while it runs, e.g. "ACCESS EXCLUSIVE"
    std::optional<double> blocking_seconds;  // estimate: the bytes the work reads / throughput
    double throughput_bytes_per_second = 0;
};

// A change to the file's text that resolves a finding by itself, set only where the rule is sure
// of it (adding CONCURRENTLY, NOT VALID, IF NOT EXISTS, a SET line): bytes [begin, end) of the
// file's text replaced by `text`; begin == end is an insertion. `pgfence pr` offers it as a
// one-click suggestion once the edited file analyses clean of the finding (bot/suggestions.hpp).
struct TextEdit {
    std::size_t begin = 0;  // byte offsets into the file's text, as Span's
    std::size_t end = 0;
    std::string text;
    std::string label;  // what it does, in a few words: "add CONCURRENTLY"
};

// The pgfence-ignore comment that hid a finding, with what it says about itself (README
// "Suppressions"): an exemption written in the repository.
struct SuppressedBy {
    int line = 0;             // the comment's line
    bool whole_file = false;  // pgfence-ignore-file
    std::string reason;       // "" when none
    std::string owner;        // "@login" or "@org/team"; "" when none
    std::string until;        // "YYYY-MM-DD", held through that UTC day; "" when none
    // An exemption to list (PR comment, SARIF): one that says why, who or until when.
    [[nodiscard]] bool exemption() const { return !reason.empty() || !owner.empty() || !until.empty(); }
};

struct Finding {
    std::string rule;      // stable kebab-case id
    Risk risk = Risk::Low;
    std::string message;   // names the table, column or index involved
    int statement = -1;    // index into FileReport::statements; -1 for the file itself
    // Where it points: the statement's span, or the subcommand's (the engine narrows a finding
    // with `subcommand` to its clause), a column's, a comment's line.
    Position start;
    Position stop;
    std::string relation;  // the relation it is about, if any
    std::string fix;       // one line: what to change (policies: the exact line to add and where)
    Boxed<Recipe> recipe;  // out of line: most findings have none
    bool pre_existing = false;  // on lines the pull request did not touch (set by the bot)
    Boxed<SizeFacts> size;  // only with a stats snapshot (analyze --stats-file)
    // For a finding on one subcommand of an ALTER TABLE: its 0-based index among the
    // statement's subcommands (the migration plan keeps the others; start/stop point at it when
    // the statement has several), else -1.
    int subcommand = -1;
    // For a finding on a statement that a function call or a DO block runs (reported at the
    // caller, "inside f(): ..."): which of the file's called statements it is, else -1. Two such
    // findings of one caller are about different statements unless this is the same.
    int called = -1;
    // What the finding is about when it is not the text at its place: the called statement (a
    // function's body statement) for a finding at a call. The fingerprints (baseline, SARIF,
    // GitLab) include it, so a rewritten body behind an unchanged call is a new finding.
    std::string subject;
    // A transaction rule's finding: what its held locks keep blocked, said once as a clause where
    // the finding folds into the statement's own (rules/one_cause.hpp); empty for other findings.
    std::string fold_note;
    // The fix as an edit of the file, when it is one (the analyzer checks it lies in the file and
    // that the statement's text is the file's own there; ORM scripts get none).
    Boxed<TextEdit> edit;
    // Set on FileReport::suppressed entries only: the comment that hid it.
    Boxed<SuppressedBy> suppressed_by;
};

// How one migration of a plan runs.
enum class PlanRun {
    in_transaction,  // in the tool's transaction (or BEGIN ... COMMIT)
    no_transaction,  // alone, outside any transaction block (CONCURRENTLY, ...)
    out_of_band,     // not a migration: run by hand or by a job, in batches
};
[[nodiscard]] std::string_view plan_run_name(PlanRun run);  // "in transaction", "no transaction", "out of band"

// One migration of a plan: the file a migration tool expects, and what goes in it.
struct PlanStep {
    std::string title;   // "Migration 1", "Out of band: backfill", "Migration 4 (a later release)"
    PlanRun run = PlanRun::in_transaction;
    std::string sql;     // the statements in order, with comments; what a person pastes
    std::string path;    // where the tool wants it, relative to the original file's folder
    // The whole file to write at `path` (the tool's markers around `sql`); for out-of-band
    // steps a .sql file of comments and batches to run by hand.
    std::string file_text;
    std::vector<std::pair<std::string, std::string>> extra_files;  // path, text (diesel metadata.toml, flyway .conf)
    // Runs once the new release (the code that uses what the file adds) is deployed: the new
    // release may deploy after the last step without this, and steps with it come last.
    bool after_release = false;
};

// The whole file rewritten into the migrations that do what it intends without the dangerous
// locks: the safe form of every statement that has one, each statement once, in a valid order.
struct Plan {
    std::string summary;              // one line
    std::vector<PlanStep> steps;
    std::vector<std::string> replaced;  // rule ids whose findings the plan resolves, sorted
    std::vector<std::string> notes;     // what the user must still do or check (renumbering, ...)
    // HIGH findings the plan's own migrations keep, of statements with no safe form that the file
    // has too ("Migration 2: rule (HIGH): message"): analyze.cpp's check of the plan (plan.hpp:
    // check_plan) finds them.
    std::vector<std::string> kept;
    // Non-empty: no plan is offered (steps empty), and this says why and what to do by hand.
    // A plan is offered only in a shape that can be proven (docs/plans.md).
    std::string declined;
};

}  // namespace pgfence::analyze
