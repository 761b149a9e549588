// Internal to analyze/plan/plan.cpp, analyze/plan/plan_text.cpp, analyze/plan/plan_layout.cpp, analyze/plan/plan_composer.cpp, analyze/plan/plan_statement.cpp, analyze/plan/plan_recipe.cpp, analyze/plan/plan_compose.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "analyze/plan/plan.hpp"
#include "analyze/plan/plan_temporal.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/orm/script_tools.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan_concurrent.hpp"
#include "analyze/plan/plan_fills.hpp"
#include "analyze/plan/plan_objects.hpp"
#include "analyze/plan/plan_releases.hpp"
#include "analyze/plan/plan_runner.hpp"
#include "analyze/plan/plan_survey.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/plan/plan_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rename_chains.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {
namespace plan_detail {

using plan_survey::batching_rule;
using plan_survey::subcommand_texts;
using plan_survey::touches;
using plan_survey::UpdateWay;

enum class Role {
    replace,     // its recipe is the safe form of the statement (or of one subcommand)
    add,         // its recipe adds statements after the statement (an index for a foreign key)
    structural,  // its recipe re-groups the file's statements: the plan's grouping does that
};

Role role_of(std::string_view rule);

// When a recipe step runs, relative to the rest of the file.
enum class Stage {
    before,    // an application release before any migration
    now,       // in the statement's place
    backfill,  // out of band, after every statement's quick part
    settle,    // what must follow a backfill and precede a validation (a CHECK ... NOT VALID)
    validate,  // VALIDATE CONSTRAINT, after the backfills
    finish,    // what must follow a backfill or a validation (SET NOT NULL, the swap)
    later,     // a later release, once no deployed code uses the old form
    skip,      // an alternative ("Or, ...")
};

char fold(char c);
bool starts_with_ci(std::string_view text, std::string_view prefix);
bool contains_ci(std::string_view text, std::string_view needle);
std::string lines_of_kind(std::string_view sql, bool comments);
std::string without_comments(std::string_view sql);
bool only_validates(std::string_view sql);
std::string sql_comments(std::string_view sql);
bool executable(std::string_view sql);

// A recipe step cut in two where its leading VALIDATE CONSTRAINT statements end (with the
// comments before them): VALIDATE belongs to the validation stage, what follows it (SET NOT
// NULL, dropping the helper CHECK) after it. `rest` is empty when nothing follows; both are
// empty when the step does not start with a VALIDATE or holds a dollar-quoted body.
struct ValidateCut {
    std::string validate;
    std::string rest;
};

std::vector<RecipeStep> plan_steps(const Recipe& recipe);
std::vector<Stage> stages_of(const std::vector<RecipeStep>& steps);
ValidateCut cut_validate_prefix(std::string_view sql);
std::string statement_key(std::string_view sql);
std::string without_repeats(const std::string& sql, std::set<std::string>& seen);
bool same_relation(const RangeVar* a, const RangeVar* b);
std::string table_key(std::string_view name);
std::string makes_unique(const pg::Node* node);

struct Unit {
    std::string sql;        // one or more statements, each ending in ';', with comments
    bool transaction = true;  // may run in a transaction block
    std::string table;      // the existing table it locks strongly, "" if none
    bool alone = false;     // starts a migration of its own (a recipe's own step boundary)
    bool ends = false;      // nothing may follow it in its transaction (ALTER TYPE ... ADD VALUE)
    bool exclusive = false;  // takes ACCESS EXCLUSIVE on an existing table: only a folded ALTER may follow
    bool lockless = false;   // locks nothing that existed before it (CREATE TYPE, a new table)
    // Runs in the migration before it, which must hold ACCESS EXCLUSIVE on `join_table` already
    // (what the original did at once); when it cannot, the plan is declined with `join_decline`.
    bool joins = false;
    std::string join_table{};
    std::string join_decline{};
    // Changes what the old release's writes do (changes_writes): runs in the migration of the
    // unit before it that does too, whatever tables they lock. `line`: its statement's.
    bool writes = false;
    int line = 0;
    // Sets the session's lock_timeout (a recipe's guard outside a transaction): its migration
    // puts it back at the end.
    bool session_timeout = false;
    // An UPDATE kept as written (a migration of its own). Kept UPDATEs that follow one another
    // share that migration: they read rows the old release writes, and apart each would read
    // them at another moment, which no single moment of the original does (openmeter's two
    // backfills of the subscription period, one per table: an old-release write between them
    // reached one table's copy and not the other's).
    bool kept_update = false;
    // Adds a constraint NOT VALID to an existing table: from then on it refuses the old
    // release's writes that break it. Such adds that follow one another share a migration: the
    // original adds them at once, and one a migration would refuse a write to one table while
    // another still takes it, which no single moment of the original does (lemmy's
    // mod-reason-mandatory made reason NOT NULL on 13 tables).
    bool refuses = false;
};

struct Staged {
    Stage stage;
    Unit unit;
};

void push_unit(std::vector<Unit>& units, Unit&& u);
std::string no_semicolons_in_comments(std::string sql);
bool removes_or_renames(const pg::Node* node);

// What a statement makes that only its own session sees: a temporary table, view or sequence,
// or a function in pg_temp ("" when none). It is gone when the session ends: a migration run
// apart (another session) does not find it.
struct SessionObject {
    std::string what;  // "the temporary table tmp_map", ...; "" when none
    std::string name;  // what later statements name it by; "" when not known (a DO block's)
};

bool has_word(std::string_view text, std::string_view word);
SessionObject makes_temporary(const pg::Node* node, std::string_view sql);
std::string with_semicolon(std::string sql);
std::string drop_others_note(std::string sql);
int count_statements(std::string_view sql);
bool depends_on_later_drop(const pg::Node* node);
std::string strong_table(const StatementFacts& s);
bool changes_writes_subcommand(AlterTableType type);
bool changes_writes(const pg::Node* node, const StatementFacts& s);

struct Layout {
    MigrationTool tool;
    std::string source_kind;      // "sql", "knex", "typeorm", ...
    bool wraps = false;           // the tool runs a migration in a transaction of its own
    bool one_query = false;       // it sends a migration as one query: one statement outside a transaction
    bool no_transaction = true;   // it can run a migration outside a transaction at all
    bool explicit_begin = false;  // the plan writes BEGIN ... COMMIT itself (plain SQL that did)
    std::string script_module = "cjs";  // an ORM script's: "cjs", "esm", "esm-default"
    bool context_parameter = false;     // up({ context }) (umzug)
};

Layout layout_of(const FileReport& r, bool had_begin);

std::string numbered(std::string_view name, std::string_view suffix, int k, int total, bool versioned,
                     const std::string* version);

std::string join_path(std::string_view folder, std::string_view name);
std::string ends_with_one_of(std::string_view name, std::initializer_list<std::string_view> suffixes);
std::string popx_suffix(std::string suffix, bool outside);
std::string migration_path(const FileReport& r, int k, int total, const std::vector<std::string>& versions, bool outside);
std::string out_of_band_path(const FileReport& r, int k, int after);
std::string template_literal(std::string_view sql);
std::string class_name(std::string_view file);
bool has_dollar_quote(std::string_view sql);
std::string runner_name(const Layout& l);
std::string written_apart_note(const std::vector<int>& migrations, bool later, const Layout& l);
bool file_reads_units(const Layout& l);

// `down`: what the migration's down() runs (plan_down.hpp; empty: an empty down()). `apart`: a
// knex migration after the plan's first, which opts out of migrate:latest's batch transaction
// and runs in one of its own.
std::string file_text(const Layout& l, const PlanStep& step, const std::vector<std::string>& units,
                      std::string_view path, const std::vector<std::string>& down = {}, bool apart = false);

bool drops_foreign_key(const StatementFacts& s, const AlterTableStmt* alter);

class Composer {
public:
    Composer(FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
             const Catalog* catalog, const KnownMigrations* known, const Catalog* start = nullptr, bool psql_runs = false)
        : m_report(report), m_stmts(stmts), m_down(down), m_known(known), m_catalog(catalog), m_start(start), m_psql_runs(psql_runs) {}

    Plan compose();

private:
    void survey();
    bool skip_finding(std::size_t i, const Finding& f);
    void statement(std::size_t i);
    void keys_dropped_and_made(std::size_t i);
    void note_dropped_keys(std::size_t i);
    void readded_check(std::size_t i, const std::string& table, const std::string& name,
                       const std::function<bool(const RangeVar*)>& same_table, const std::string& dropped = {});
    std::string copy_split_from_drop(const std::vector<PlanStep>& steps) const;
    void recipe(const Finding& f);
    void keeps_comments(std::size_t i, std::string_view rebuilt);
    void note(std::size_t i, const std::string& text);
    bool later_touches(std::size_t i, const std::string& table, bool only_ddl, std::size_t* which) const;
    void unit(Unit u) {
        if (!has_dollar_quote(u.sql)) (void)without_repeats(u.sql, m_seen);
        rejoin(u);
        push_unit(m_now, std::move(u));
    }
    // A unit of a statement that must run in the migration of an earlier one (m_rejoin).
    void rejoin(Unit& u) const {
        if (auto rejoin = m_rejoin.find(m_current); rejoin != m_rejoin.end() && u.transaction && !u.joins) {
            u.joins = true;
            u.join_table = rejoin->second.first;
            u.join_decline = rejoin->second.second;
        }
    }
    void group(std::vector<Unit>& units, std::string_view suffix, std::vector<PlanStep>& out);
    // remade_apart: why the plan cannot stand when a dropped view, function or trigger is made
    // again in another step ("" when not); step_of: the step holding statement i.
    std::string remade_apart(const std::vector<PlanStep>& steps) const;
    // Moves the units of the quick migrations that only drop columns to the later-release ones,
    // where those drop a table after the release (plan_releases.cpp): the old release uses both
    // until it is gone. Returns the columns' names, for the check of the set's later migrations;
    // a column named by any other unit of the plan (added again, read by a fill) stays.
    std::vector<std::string> defer_column_drops();
    std::size_t step_of(std::size_t i, const std::vector<PlanStep>& steps) const;
    void out_of_band(std::vector<Unit>& units, std::string_view title, std::vector<PlanStep>& out);
    std::string prefix(bool outside) const;
    bool in_transaction(bool step_in_transaction) const;
    std::string local_timeout(std::string sql, bool step_in_transaction, bool guard) const;
    // The file's own lock_timeout is SET LOCAL, which outside a transaction holds for nothing.
    bool local_file_timeout() const {
        auto own = m_settings.find("lock_timeout");
        return own != m_settings.end() && contains_ci(own->second, "LOCAL");
    }
    // The step's prefix sets the session's lock_timeout (the plan's own, or the file's SET LOCAL
    // made a session SET where the step is in no transaction): its end puts it back.
    bool prefix_sets_timeout(bool outside) const {
        return (m_lock_timeout_default && m_settings.count("lock_timeout") == 0) || (!in_transaction(!outside) && local_file_timeout());
    }

    FileReport& m_report;
    const std::vector<const pg::Node*>& m_stmts;
    const std::vector<bool>& m_down;
    const KnownMigrations* m_known;  // the repository's other migrations, or none known
    const Catalog* m_catalog;
    const Catalog* m_start;  // the schema the file started from (plan_index_order.hpp), or none
    bool m_psql_runs;  // a command of the project runs the file with psql: its runner is known
    std::string m_walk;  // the keyset walk of the batched UPDATE whose recipe is being taken
    std::string walk_key(std::size_t i, const std::string& table, std::vector<plan_walk::KeyColumn>& key) const;
    std::string fold_blocker(const std::string& table) const;
    std::vector<Unit> m_before, m_now, m_backfill, m_settle, m_validate, m_finish, m_later;
    // The application release of a recipe whose last step waits for it (a later-release DROP
    // TABLE): it comes right before that step, after the migrations that build what the new
    // code uses (documenso's SiteSettings, created by the file that drops Banner).
    std::vector<Unit> m_release;
    std::map<std::string, std::string> m_settings;  // SET statements in force, by name
    std::map<std::string, std::string> m_trailing;  // SETs and RESETs after the file's last statement
    std::optional<std::pair<std::size_t, std::size_t>> m_statement_span;  // first and last non-SET statements
    std::set<std::string> m_replaced;
    std::vector<std::string> m_notes;
    bool m_lock_timeout_default = false;  // the file lacks lock_timeout: the plan sets one
    Layout m_layout{};
    std::vector<std::vector<std::string>> m_units;  // parallel to the plan's steps: their pieces
    std::vector<std::vector<const Finding*>> m_by_statement;  // the findings on each statement
    plan_survey::Survey m_survey;  // what the file adds, and how each batchable UPDATE runs
    std::set<std::string> m_batched;                 // tables whose backfill the plan batches, so far
    std::vector<std::string> m_backfilled;           // the columns those backfills set (table.column), in order
    int m_search_path_line = 0;                      // the first SET or RESET of search_path (or RESET ALL), 0: none
    std::set<std::string> m_noted;                   // notes given, once each
    // The note on the lines that join a migration as changes to the old release's writes.
    int m_open_serial = 0;
    int m_join_open = 0;
    int m_join_first = 0;
    std::size_t m_join_note = 0;
    std::vector<int> m_join_lines;
    std::set<std::string> m_seen;                    // statement_key of every statement in the plan so far
    // Constraints the file drops that may be a primary key or unique constraint, by table_key:
    // the line, and the constraint's name (quoted) or what dropped it.
    std::map<std::string, std::pair<int, std::string>> m_dropped_keys;
    std::map<std::string, int> m_unique_tables;  // existing tables the file gives a unique key (table_key): the first line
    // Existing tables an UPDATE, DELETE or DO block of the file changed rows of (table_key): the first line.
    std::map<std::string, int> m_written_tables;
    std::map<std::string, int> m_view_tables;  // tables a rename puts a view in place of (table_key): the line
    std::string m_declined;
    int m_unknown_line = 0;               // the last statement whose SQL is built at run time, 0: none
    std::size_t m_before_at_unknown = 0;  // m_before's size when it came
    std::string m_join_failed;  // a unit that could not run in the migration it must share: the decline
    std::string not_null_decline(std::size_t i) const {
        return "line " + std::to_string(m_report.statements[i].span.start.line) +
               " fills or makes NOT NULL a column the old release does not write (this file adds it without a default), "
               "and it cannot run in the migration that adds the column, as the original does: no online form; by hand: give "
               "the column a DEFAULT, or make it NOT NULL in a migration after the release that writes it";
    }
    std::set<std::string> m_kept_rules;  // rules with a finding whose statement is kept as written
    std::pair<std::size_t, std::string> m_dropped_fk{0, ""};   // the same after a dropped foreign key
    std::vector<std::string> m_readded_here;  // constraints the statement being taken apart drops and keeps dropping
    bool m_unguarded_noted = false;  // the note on concurrent index work without lock_timeout is given
    std::set<std::string> m_joined_update_tables;  // tables of the kept UPDATEs that joined a migration
    std::map<std::size_t, std::size_t> m_chain_taken;  // a rename into a name vacated earlier -> the rename that vacated it
    // Statements between a DROP COLUMN and the ADD COLUMN that adds it back (that one included):
    // they run in the DROP's migration, as in the original, or the column is missing in between
    // for the writes that name it. Statement -> (table, the decline when they cannot).
    std::map<std::size_t, std::pair<std::string, std::string>> m_rejoin;
    std::size_t m_current = 0;  // the statement being composed
    std::size_t refused_before(std::size_t i, const AlterTableStmt* alter) const;
    std::vector<char> m_writes;  // per statement: it changes what the old release's writes do (find_write_changes)
    void find_write_changes();
    std::map<std::string, std::vector<std::size_t>> m_kept_updates;  // table_key -> UPDATEs kept as written, in order
    bool catch_up(const Finding& f, const std::string& check);
    void find_readded_columns();
};

bool fold_alter(std::string& into, const std::string& next);
std::string no_undo(MigrationTool tool);
}  // namespace plan_detail
using namespace plan_detail;

}  // namespace pgfence::analyze
