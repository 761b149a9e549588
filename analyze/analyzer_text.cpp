// analyze_text_here: one file's text analysed statement by statement (split from analyzer.cpp).
#include "analyze/analyzer_parts.hpp"
#include "analyze/parse/psql_variables.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_settings.hpp"
#include "analyze/migrations/golang_migrate_split.hpp"
#include "analyze/migrations/graphile_settings.hpp"
#include "analyze/migrations/flyway_transactions.hpp"
#include "analyze/psql_includes_on_disk.hpp"
#include "analyze/model/unknown_reach.hpp"
#include "analyze/rules/unknown_consequences.hpp"
#include "analyze/plan/plan_objects.hpp"
#include "analyze/go_embedded_migrations.hpp"
#include "analyze/orm/project_tool.hpp"

#include <filesystem>
#include <optional>

namespace pgfence::analyze {
namespace {
bool self_name_is_fizz(std::string_view path) {
    std::string name(path_name(path));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name.ends_with(".fizz");
}
}  // namespace


namespace {

// The script tool the project's settings or commands name for the script's folder
// (AnalyzeOptions::tool_folders: `db-migrate --migrations-dir src/migrations` in package.json),
// when its own words and its project's dependencies do not decide it (Unleash depends on both
// db-migrate and knex): Auto when none names the folder, or two tools do.
orm::InputFormat folder_script_tool(const std::string& path, const AnalyzeOptions& options) {
    if (options.tool_folders == nullptr || options.tool_folders->empty()) return orm::InputFormat::Auto;
    std::error_code ec;
    const std::string folder = std::filesystem::absolute(path, ec).lexically_normal().parent_path().generic_string();
    std::optional<orm::InputFormat> found;
    for (const auto& [f, said_by] : *options.tool_folders) {
        if (f != folder && f != folder + "/" && f + "/" != folder) continue;
        const auto named = orm::parse_input_format(std::string_view(said_by).substr(0, said_by.find('\n')));
        if (!named || *named == orm::InputFormat::Auto || *named == orm::InputFormat::Sql) continue;
        if (found && *found != *named) return orm::InputFormat::Auto;
        found = named;
    }
    return found.value_or(orm::InputFormat::Auto);
}

// The runs of `path` by psql (AnalyzeOptions::psql_runs); each `:name`, `:'name'` or `:"name"` psql
// would interpolate there whose name not every run sets to a constant on its command line: psql
// sends the variable's value (its own LAST_ERROR_MESSAGE, a psqlrc's, a `\set`'s) where pgfence
// reads the file's text (red team R68 B24).
std::vector<const PsqlRun*> psql_runs_of(const std::string& path, const AnalyzeOptions& options) {
    std::vector<const PsqlRun*> runs;
    if (options.psql_runs == nullptr || options.psql_runs->empty()) return runs;
    std::error_code ec;
    const std::string self = std::filesystem::absolute(path, ec).lexically_normal().generic_string();
    for (const PsqlRun& r : *options.psql_runs) {
        // One file, or a glob a loop or find runs (`for f in db/patches/*.sql`, tools/psql_files.hpp).
        if (tools::psql_runs_file(self, std::filesystem::absolute(r.file, ec).lexically_normal().generic_string())) runs.push_back(&r);
    }
    return runs;
}

// The configuration's `tool = "psql"` names psql as the runner of a plain SQL file (one no
// migration tool claims, not skipped): read as a file a command of the project runs with psql.
bool configured_psql(MigrationTool tool, bool skipped, const AnalyzeOptions& options) {
    return options.tool == "psql" && tool == MigrationTool::Plain && !skipped;
}

// A meta-command of a file psql runs that only sets how psql prints or reports (`\set
// ON_ERROR_STOP on`, `\timing on`, `\pset pager off`, `\echo`: tools/psql_settings.hpp): psql
// carries it out and sends the server nothing, so it is blanked, no statement. Only in a file psql
// runs: a migration tool sends a file's text to the server, where a backslash does not parse.
void skip_psql_settings(PreparedSource& source) {
    for (const auto& [begin, end] : tools::psql_setting_lines(source.text)) {
        std::fill(source.text.begin() + static_cast<std::ptrdiff_t>(begin), source.text.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    }
}

void refuse_psql_variables(PreparedSource& source, const std::vector<const PsqlRun*>& runs) {
    if (runs.empty()) return;
    bool added = false;
    for (const PsqlVariableUse& use : psql_variable_uses(source.text)) {
        const bool constant = std::all_of(runs.begin(), runs.end(), [&](const PsqlRun* r) {
            return std::find(r->constants.begin(), r->constants.end(), use.name) != r->constants.end();
        });
        if (constant) continue;
        source.refusals.emplace_back(source.replaced.to_file(use.offset),
                                     "psql runs this file and replaces " + use.written + " with the value of its variable " + use.name +
                                         " before the server sees the statement (psql sets some itself, such as LAST_ERROR_MESSAGE after "
                                         "an error; a psqlrc or \\set others), and the command line does not set it to a constant "
                                         "(-v " + use.name + "=...): what the statement becomes is not known",
                                     "psql variable");
        added = true;
    }
    if (added) {
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    }
}

}  // namespace

namespace analyzer_detail {
FileReport analyze_text_here(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment) {
    // What the file starts from (a copy shares the relations until one changes): a plan is
    // checked from there.
    auto before = options.run_rules && options.check_plans ? std::make_shared<const Catalog>(catalog) : nullptr;
    // The tables as the file found them, for a DROP TABLE the file follows with a CREATE.
    auto start = before != nullptr ? before : options.run_rules ? std::make_shared<const Catalog>(catalog) : nullptr;
    // Not when the set holds migrations pgfence does not read (goose's .go, Flyway's .java beside
    // the SQL): one of them may have made the table (red team: a goose .go CREATE TABLE x, then
    // DROP TABLE IF EXISTS x; CREATE TABLE x in SQL, was taken for a DROP of nothing).
    bool unread_siblings = false;
    // Only the set's unread files are looked at (usually none): a walk of every sibling per file
    // was quadratic in the set's size.
    if (options.known_migrations != nullptr && !options.known_migrations->empty()) {
        if (const auto* unread = options.known_migrations->unread_in_set(migration_set(path))) {
            const std::string self = absolute_path(std::filesystem::path(path)).lexically_normal().generic_string();
            unread_siblings = std::any_of(unread->begin(), unread->end(), [&](std::size_t i) { return options.known_migrations->paths()[i] != self; });
        }
    }
    const bool schema_known = !catalog.relations().empty() && !catalog.any_unknown() && !unread_siblings;  // temporary_drops
    FileReport report;
    report.path = path;
    // NUL bytes in the first 8 KB, as git tests for a binary file (eight of them, so that a
    // migration with a stray NUL in a string is still read and its findings still shown): read as
    // SQL it would only print its bytes back. But the file was selected as a migration, and its
    // tool may well run it (goose skips comment lines before a statement, psql drops what follows
    // a NUL on its line: red team R68 B4), while git and GitHub show no diff of it: an unknown
    // statement at line 1, never a silent skip.
    const std::string_view head = text.substr(0, 8000);
    if (std::count(head.begin(), head.end(), '\0') >= 8) {
        // Shown as a stand-in, never its bytes (a span of the stand-in, at line 1).
        return analyze_tool_settings(path, {}, options, "<binary file>",
                                     {SettingUnknown{1, "binary file (NUL bytes), not analysed: its migration tool may run the text around them, "
                                                        "and git shows no diff of it",
                                                     "a migration pgfence does not read"}});
    }
    // Migrations written in Ruby or Python: their SQL is built by the framework at run time, and
    // read as SQL they would be one unparsable statement. Said in one line, with the SQL that can
    // be analysed instead.
    if (auto why = not_read_yet(path, text)) {
        report.skipped = true;
        report.skip_reason = *why;
        return report;
    }
    // ORM migrations (.ts/.js): the statements their calls send, spans in the script.
    orm::InputFormat format = orm::resolve_format(path, text, options.input_format);
    if (format == orm::InputFormat::Auto && orm::defines_up(text)) format = folder_script_tool(path, options);
    bool script = format != orm::InputFormat::Sql;
    orm::Extraction extraction;
    std::vector<orm::OrmStatement> orm_statements;
    PreparedSource source;
    if (script) {
        extraction = orm::extract(text, format, options.direction, path);
        report.source_kind = std::string(orm::input_format_name(format));
        report.script_module = extraction.form.module;
        report.context_parameter = extraction.form.context_parameter;
        report.script_unsupported = extraction.form.unsupported;
        report.script_transaction = extraction.transaction_name;
        source.wrapped_in_transaction = extraction.wrapped_in_transaction;
        source.skipped = extraction.skipped;
        source.skip_reason = extraction.skip_reason;
        source.notes = extraction.notes;
        orm_statements = orm::split(extraction);
    } else {
        source = prepare_source(path, text, options.direction, sibling_metadata);
        // graphile-migrate's placeholders, put in as text where Flyway's and goose's are not.
        if (options.graphile_projects != nullptr && source.replaced.unknown.empty() && source.replaced.pieces.empty() &&
            !source.replaced.values) {
            source.replaced.unknown = tools::graphile_placeholder_uses(path, source.text, *options.graphile_projects);
        }
        // pop's names are popx's (ory/x) too: a set with a `.autocommit` file is popx's, which
        // runs its other files in a transaction each, as pop does; a set with a dialect's file
        // (`.postgres.up.sql`, `.mysql.up.sql`) or a `.fizz` one is pop's. Of a version's files
        // pop and popx run the PostgreSQL one, else the one without a dialect
        // (popx migration_info.go SortAndFilter): the latter is skipped when the former exists.
        PopName self;
        const std::string self_name = lower_ascii(path_name(path));
        if ((source.tool == MigrationTool::Pop || source.tool == MigrationTool::GolangMigrate ||
             source.tool == MigrationTool::Popx) && options.known_migrations != nullptr &&
            pop_name(self_name, self)) {
            const PopSiblings siblings = pop_siblings(path, options.known_migrations, self);
            bool popx = source.tool == MigrationTool::Popx || siblings.autocommit;
            bool pop = source.tool == MigrationTool::Pop || siblings.pop;
            bool replaced = siblings.postgres_file;
            if (replaced) {
                source.skipped = true;
                source.skip_reason = std::string(popx ? "popx" : "pop") +
                                     ": this version has a .postgres. file, which runs on PostgreSQL instead of this one";
            }
            if (source.tool != MigrationTool::Popx && (popx || pop)) {
                source.tool = popx ? MigrationTool::Popx : MigrationTool::Pop;
                source.wrapped_in_transaction = true;
                source.one_query = false;
                std::erase_if(source.notes, [](const std::string& n) { return n.starts_with("golang-migrate:"); });
            }
        }
        // A name says another database's pop file (`2_x.mysql.up.sql`), but no file of its version
        // is one pop or popx would run on PostgreSQL instead: golang-migrate, which takes any
        // `N_name.up.ext` (source/parse.go Regex: name "x.mysql"), runs it. Read as its file: the
        // name the pull request chose does not decide that it never runs (red team R68 B28).
        PopName pop_self;
        if (source.skipped && (source.tool == MigrationTool::Pop || source.tool == MigrationTool::Popx) &&
            options.known_migrations != nullptr && pop_name(self_name, pop_self) && !pop_self.down && !pop_self.dialect.empty() &&
            !postgres_dialect(pop_self.dialect)) {
            const bool twin = pop_siblings(path, options.known_migrations, pop_self).postgres_runs;
            // Unless golang-migrate cannot run it either: its version does not fit 64 bits (Parse
            // fails, the file is skipped), or two files of one version and direction make it refuse
            // the whole folder (known_migrations.hpp). Then no tool runs it on PostgreSQL.
            GolangMigrateName golang;
            const std::string_view refusal = options.known_migrations->golang_migrate_refusal(migration_set(path));
            const bool overflow = golang_migrate_name(path_name(path), golang) && golang.overflow;
            if (!twin && (overflow || !refusal.empty())) {
                source.skip_reason += overflow ? "; golang-migrate skips it: version " + std::string(pop_self.version) +
                                                     " does not fit 64 bits (source/parse.go ParseUint)"
                                               : "; " + std::string(refusal);
            } else if (!twin && options.direction != Direction::Down) {
                source.skipped = false;
                source.skip_reason.clear();
                source.tool = MigrationTool::GolangMigrate;
                source.wrapped_in_transaction = true;
                source.one_query = true;
                source.regions = {Region{0, source.text.size(), false, false}};
                source.notes.push_back("named like pop's " + std::string(pop_self.dialect) + " migration, but no file of version " +
                                       std::string(pop_self.version) + " is one pop would run on PostgreSQL instead: golang-migrate "
                                       "runs it, read as its file (set `tool` in the configuration if pop runs this folder)");
            }
        }
        // A file psql runs (a loop over the folder, a find, a fixed -f): psql runs it whole, so a
        // name that says "down", "undo" or another database to a migration tool says nothing
        // (red team R68 B28: `0002_x.down.sql` and `U0002__x.sql` under `for f in db/*.sql`).
        if (source.skipped && options.direction != Direction::Down && !psql_runs_of(path, options).empty()) {
            source.notes.push_back("psql runs this file (a command of the project selects it), whole: " + source.skip_reason +
                                   " is what its name would mean to a migration tool, not to psql");
            source.skipped = false;
            source.skip_reason.clear();
            source.tool = MigrationTool::Plain;
            source.wrapped_in_transaction = false;
            source.one_query = false;
            source.regions = {Region{0, source.text.size(), false, false}};
        }
    }
    // pop's fizz, its own language (gobuffalo/pop migration_content.go:32: a `.fizz` file is
    // translated by fizz.AString into the dialect's SQL; popx reads `.sql` only, ory/x
    // popx/migration_box.go findMigrations): not SQL, and pgfence does not translate it. golang-migrate would send the
    // same text as one query, which PostgreSQL parses whole before it runs any of it
    // (postgres.c exec_simple_query): text its parser rejects runs nothing there. So a fizz file
    // that is not SQL is one unknown at its first line; one that parses is read as SQL too.
    if (!script && !source.skipped && self_name_is_fizz(path) && options.golang_multi_statement.empty() &&
        (source.tool == MigrationTool::Pop || source.tool == MigrationTool::Popx ||
         source.tool == MigrationTool::GolangMigrate) &&
        parse_statement(source.text).failure) {
        source.tool = MigrationTool::Pop;
        source.regions.clear();
        source.one_query = false;
        std::erase_if(source.notes, [](const std::string& n) { return n.starts_with("golang-migrate:"); });
        source.refusals.insert(source.refusals.begin(),
                               ToolRefusal{0, "pop's fizz migration: pop translates it to SQL (fizz), pgfence does not read fizz; "
                                              "what it runs on PostgreSQL is not known", "fizz"});
    }
    // golang-migrate with x-multi-statement=true (migrations/golang_migrate_split.hpp): the file
    // is cut at every `;` byte and each piece sent alone, each its own implicit transaction; a
    // `;` inside a comment or quote cuts too. Where the URL is only known at run time it may be on.
    // options.golang_multi_statement: "<file>:<line>" where a URL turns it on, "?<file>:<line>" where a
    // `migrate -database` URL is only known at run time; "" when no file turns it on or may.
    if (!script && source.tool == MigrationTool::GolangMigrate && !source.skipped && !options.golang_multi_statement.empty()) {
        const bool on = !options.golang_multi_statement.starts_with('?');
        const std::string why = on ? "x-multi-statement=true (" + options.golang_multi_statement + ")"
                                   : "x-multi-statement may be on (" + options.golang_multi_statement.substr(1) +
                                         " gives golang-migrate a database URL only known at run time)";
        for (const Region& region : source.regions) {
            for (auto& r : tools::golang_migrate_hidden_cuts(source.text, region.begin, region.end, why)) source.refusals.push_back(std::move(r));
        }
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
        if (on) {
            source.wrapped_in_transaction = false;
            source.one_query = false;
            std::erase_if(source.notes, [](const std::string& n) { return n.starts_with("golang-migrate:"); });
            source.notes.push_back("golang-migrate: " + why + ": the file is cut at every `;` and each piece is sent alone, "
                                   "each its own implicit transaction");
        }
    }
    // A psql include analyze does not follow: an unknown statement of its own, and the SQL after
    // it the statement psql sends next (psql_includes_on_disk.hpp).
    if (!script) refuse_unfollowed_includes(path, source, options);
    if (!script) refuse_psql_connects(source);
    if (!script) {
        std::vector<const PsqlRun*> runs = psql_runs_of(path, options);
        // `tool = "psql"`: the configuration says psql runs the plain SQL files, with no -v.
        static const PsqlRun k_configured_run{};
        if (runs.empty() && configured_psql(source.tool, source.skipped, options)) runs.push_back(&k_configured_run);
        // psql's own settings in a file it runs: no statement (before the variables: `\echo :x` prints).
        if (!runs.empty()) skip_psql_settings(source);
        // A `:name` psql interpolates in a file it runs: an unknown statement at its line.
        refuse_psql_variables(source, runs);
        if (source.tool == MigrationTool::Plain && !source.skipped) refuse_psql_meta_commands(source);
    }
    report.tool = source.tool;
    report.wrapped_in_transaction = source.wrapped_in_transaction;
    report.skipped = source.skipped;
    report.skip_reason = source.skip_reason;
    if (source.skipped) return report;

    LineIndex lines(text);
    model::Context up_ctx{options.pg_version, catalog, options.known_schema, {}, {}, {}, {}};
    // A down migration's statements run after the up ones, on the schema those built, but what
    // they change is not what the next migration finds: they run in a trial of the catalog,
    // undone before an up statement and when the file ends, however it ends (a file with no
    // down part costs nothing).
    struct UndoTrial {
        Catalog& catalog;
        ~UndoTrial() { catalog.undo_trial(); }
    } undo_trial{catalog};
    std::optional<model::Context> down_ctx;
    auto context_for = [&](bool down) -> model::Context& {
        if (!down) {
            catalog.undo_trial();
            return up_ctx;
        }
        catalog.begin_trial();
        if (!down_ctx) down_ctx.emplace(model::Context{options.pg_version, catalog, options.known_schema, up_ctx.reshaped, {}, {}, {}});
        return *down_ctx;
    };
    SessionState state;
    // The settings in force, as the statements hold them: one copy until they change.
    SharedSettings shared;
    auto shared_settings = [&] {
        if (!(*shared == state.current)) shared = SharedSettings(state.current);
        return shared;
    };
    std::optional<std::string> search_path_value;  // the one `search_path` was read from
    state.base = source.wrapped_in_transaction ? Transaction::Implicit : Transaction::None;
    // drizzle-orm's migrator sends the file on the session of its own transaction (pg-core/dialect.js
    // migrate(): session.transaction, then tx.execute of each statement): the file's COMMIT ends it.
    state.commit_ends_base = source.tool == MigrationTool::Drizzle;
    // A reading setting an earlier file of the run left on the connection: golang-migrate runs
    // every file of a run on one connection (database/postgres/postgres.go WithInstance:
    // instance.Conn(ctx), then Run: p.conn.ExecContext), and goose, dbmate and Flyway run them one
    // after another on their connection or pool, which hands the same idle connection back.
    for (const auto& [setting, what] : catalog.relexed()) {
        if (setting != k_held_key && setting != k_set_ended_key) state.relexed[setting] = SessionState::Relexing{what, what, false};  // not the held locks' id
    }
    // And the defaults an earlier migration gave every later session (ALTER DATABASE ... SET),
    // whatever connection this file runs on.
    // (A history statement that may have set one: as a change pgfence could not rule out, kMaybeRelexed.)
    auto lasting_defaults = [&](std::string_view only) {
        for (const auto& [key, what] : catalog.lasting_relexed()) {
            const std::string setting = key.substr(key.find('\n') + 1);
            if (!only.empty() && setting != only && setting != kMaybeRelexed) continue;
            state.relexed.try_emplace(setting, SessionState::Relexing{what, what, false, key.substr(0, key.find('\n'))});
        }
    };
    lasting_defaults({});
    std::vector<const pg::Node*> stmts;         // the typed statements, parallel too (null: none)
    std::vector<std::size_t> parsed_as_written;  // those of stmts parsed from their statement's own text
    std::vector<bool> down_part;                // parallel too: from a down/undo part
    std::shared_ptr<void> arena = new_parse_arena();  // their owner
    // Statements of the functions the file's statements call, for the rules (function_calls.hpp).
    std::vector<rules::CalledStatement> called;
    CallFollower calls(arena, options.run_rules ? &called : nullptr);
    calls.set_start(start.get());

    // How many statements each region holds, counted first: the facts are then allocated once,
    // and the statements are analysed as the splitter finds them (for_each_statement), so that
    // a file of a million statements never holds their list beside their facts.
    std::vector<std::size_t> region_statements;
    std::size_t sql_statements = 0;
    for (const Region& region : source.regions) {
        std::size_t n = 0;
        for_each_statement(source.text, region, [&](const RawStatement&) {
            ++n;
            return true;
        });
        region_statements.push_back(n);
        sql_statements += n;
    }
    // Flyway decides by itself, from the statements, whether it runs the script in a transaction
    // (tools/flyway_transactions.hpp; flyway-core ParserSqlScript.parse and executeInTransaction):
    // every statement one it cannot run in a transaction (a lone CREATE INDEX CONCURRENTLY) runs
    // the script without one; both kinds fail the migration unless flyway.mixed is true, which
    // runs each statement on its own, committed as it ends.
    const tools::FlywayTransactionSettings flyway =
        !script && source.tool == MigrationTool::Flyway && !source.skipped ? tools::flyway_transaction_settings(sibling_metadata)
                                                                           : tools::FlywayTransactionSettings{false, false, false};
    if (flyway.none && deployment.empty()) {
        source.wrapped_in_transaction = false;
        report.wrapped_in_transaction = false;
        state.base = Transaction::None;
        source.notes.push_back("flyway: executeInTransaction=false in its settings, each statement runs in its own transaction");
    }
    if (flyway.decides && deployment.empty() && sql_statements > 0) {
        std::size_t outside = 0;
        int mixed_line = 0;
        bool seen_in = false;
        bool seen_out = false;
        for (const Region& region : source.regions) {
            for_each_statement(source.text, region, [&](const RawStatement& raw) {
                bool in = tools::flyway_runs_in_transaction(std::string_view(source.text).substr(raw.begin, raw.end - raw.begin),
                                                            options.pg_version);
                outside += in ? 0 : 1;
                seen_in = seen_in || in;
                seen_out = seen_out || !in;
                if (seen_in && seen_out && mixed_line == 0) mixed_line = static_cast<int>(lines.position(source.replaced.to_file(raw.begin)).line);
                return true;
            });
        }
        if (outside == sql_statements) {
            source.wrapped_in_transaction = false;
            source.notes.push_back("flyway: every statement is one Flyway runs outside a transaction (CONCURRENTLY, VACUUM, ...), "
                                   "so it runs the script without one");
        } else if (outside > 0 && (flyway.mixed || options.flyway_mixed)) {
            source.wrapped_in_transaction = false;
            source.notes.push_back("flyway: mixed=true and the script holds statements Flyway cannot run in a transaction: "
                                   "it runs every statement on its own, each committed as it ends");
        } else if (outside > 0) {
            // flyway-core ParserSqlScript.parse: "Detected both transactional and non-transactional
            // statements within the same migration (even though mixed is false)".
            source.notes.push_back(std::string(tools::k_flyway_refuses_note) + ": it holds statements Flyway runs in a transaction "
                                   "and others it cannot (CONCURRENTLY, VACUUM, ...), and flyway.mixed is not true; Flyway names "
                                   "the statement at line " + std::to_string(mixed_line) + " and runs none of the file");
        }
        report.wrapped_in_transaction = source.wrapped_in_transaction;
        state.base = source.wrapped_in_transaction ? Transaction::Implicit : Transaction::None;
    // drizzle-orm's migrator sends the file on the session of its own transaction (pg-core/dialect.js
    // migrate(): session.transaction, then tx.execute of each statement): the file's COMMIT ends it.
    state.commit_ends_base = source.tool == MigrationTool::Drizzle;
    }
    // PostgreSQL runs a multi-statement query as one implicit transaction; a single
    // statement sent alone (a Prisma migration with one CREATE INDEX CONCURRENTLY) is not.
    // A tool that sends a file as one query sends each region as one (dbmate's up and down
    // sections go apart).
    bool several = source.one_query && std::any_of(region_statements.begin(), region_statements.end(), [](std::size_t n) { return n > 1; });
    if (source.one_query && !several) {
        report.wrapped_in_transaction = false;
        state.base = Transaction::None;
        std::erase_if(source.notes, [](const std::string& note) { return note.find("multi-statement query") != std::string::npos; });
    }
    report.one_query = several;
    if (!deployment.empty()) {
        report.deployment_transaction = deployment;
        report.one_query = false;
        report.wrapped_in_transaction = true;
        state.base = Transaction::Implicit;
        source.notes.assign(1, deployment + ": this file runs inside the deployment's one transaction, with the files "
                                            "before and after it: its locks are held until the last file ends");
    }
    // A tool that runs every pending file of the set in one transaction (analyzer_set_transaction.cpp):
    // the earlier files' locks are held through this one, and its own through the files after it.
    const std::string set_transaction =
        deployment.empty() && report.wrapped_in_transaction
            ? set_transaction_of(report.source_kind == "node-pg-migrate" ? MigrationTool::NodePgMigrate : source.tool, report.source_kind, options)
            : std::string();
    // An earlier drizzle file of the set committed the set's transaction: this one runs in autocommit.
    if (!set_transaction.empty() && source.tool == MigrationTool::Drizzle) {
        if (const std::string ended = set_ended_by(catalog); !ended.empty()) {
            state.base = Transaction::None;
            report.wrapped_in_transaction = false;
            source.notes.push_back(set_transaction + ": the COMMIT or ROLLBACK at " + ended +
                                   " ended the set's one transaction: this file runs in autocommit, each statement its own transaction");
        }
    }
    const HeldStatements held_before = held_of(catalog);
    // One statement through the parser, the lock model and the session state; `where` maps
    // an offset in parse_text to its position in the file.
    std::vector<std::string> search_path;
    auto analyse = [&](StatementFacts& facts, std::string_view parse_text, bool down, auto where) {
        facts.index = static_cast<int>(report.statements.size());
        facts.transaction = state.transaction();
        facts.savepoint_depth = state.savepoint_depth();
        facts.settings = shared_settings();
        if (state.current.search_path != search_path_value) {
            search_path_value = state.current.search_path;
            search_path = search_path_value ? search_path_schemas(*search_path_value) : std::vector<std::string>{};
        }
        model::Context& ctx = context_for(down);
        if (ctx.search_path != search_path) ctx.search_path = search_path;
        ParsedStatement parsed = parse_statement(parse_text, arena);
        if (parsed.failure) {
            facts.status = StatementStatus::Unparsable;
            Error err;
            err.file = path;
            err.message = parsed.failure->message;
            err.where = where(parsed.failure->offset);
            facts.parse_error = std::move(err);
            model::register_unparsed_create(parse_text, facts, ctx);
            model::keep_empty_tables(nullptr, facts, ctx, false);
        } else {
            facts.kind = pg::kind_name(parsed.stmt);
            if (const DoStmt* block = pg::as<DoStmt>(parsed.stmt)) {
                model_do_block(block, facts, ctx, do_body_line(facts, lines), &calls.do_block_hooks(ctx));
            } else {
                model::model_statement(parsed.stmt, facts, ctx);
                record_function(parsed.stmt, parse_text, ctx.catalog);
                calls.follow(parsed.stmt, facts, ctx);
            }
            apply_session(parsed.stmt, state, facts);
            model::use_empty_tables(facts, ctx);
            model::keep_empty_tables(parsed.stmt, facts, ctx, state.transaction() != Transaction::None);
            // Where each subcommand is, for the findings about one of them (a statement of one
            // subcommand is its own span).
            const auto* alter = pg::as<AlterTableStmt>(parsed.stmt);
            if (options.run_rules && alter != nullptr && pg::length(alter->cmds) > 1) {
                for (const AlterClause& c : alter_clauses(parse_text, alter)) {
                    facts.subcommands.push_back(PartSpan{where(c.first), where(c.last)});
                }
            }
        }
        // A setting that changes how the server reads the statements after it: those are not
        // what pgfence parsed, and the change itself reaches the next files on the connection.
        // After a change pgfence could not rule out (kMaybeRelexed), the statements read the same
        // under either value until one reads differently: from that one on, it is as if made.
        if (auto maybe = state.relexed.find(kMaybeRelexed);
            maybe != state.relexed.end() && !state.relexed.contains("standard_conforming_strings") && reads_differently(parse_text)) {
            state.relexed["standard_conforming_strings"] = maybe->second;
        }
        std::string read_after;
        for (const auto& [setting, r] : state.relexed) {
            if (setting != kMaybeRelexed) read_after += (read_after.empty() ? "" : " and ") + r.what;
        }
        // A statement pgfence did not follow may have set either setting (by a name it does not
        // show: EXECUTE, a function whose body is not in the repository).
        if (facts.status != StatementStatus::Analyzed && read_after.empty() && !state.relexed.contains(kMaybeRelexed)) {
            const std::string line = std::to_string(facts.span.start.line);
            const std::string what = "a statement pgfence did not follow, which may change standard_conforming_strings or client_encoding";
            // Within this file only: an unknown statement is common (an extension's DDL, a call of
            // a function the repository does not show), and it is reported already.
            state.relexed[kMaybeRelexed] = SessionState::Relexing{what + " (line " + line + ")", what + " (" + path + ", line " + line + ")", true};
            state.maybe_file_only = true;
        }
        if (!parsed.failure) {
            LexingChange change = lexing_change(parsed.stmt, parse_text);
            if (change.maybe) {
                const std::string line = std::to_string(facts.span.start.line);
                if (!state.relexed.contains(kMaybeRelexed) || state.maybe_file_only) {
                    state.relexed[kMaybeRelexed] = SessionState::Relexing{change.what + " (line " + line + ")",
                                                                          change.what + " (" + path + ", line " + line + ")", false};
                    state.maybe_file_only = false;
                }
                facts.notes.push_back("not visible to static analysis: " + change.what + "; the statements after it that "
                                      "PostgreSQL would read otherwise with standard_conforming_strings off or another "
                                      "client_encoding (a backslash in a quoted string) are not known");
            }
            if (change.unnamed_setting) {
                facts.notes.push_back("not visible to static analysis: set_config of a setting whose name pgfence cannot "
                                      "fold (it may be session_replication_role, search_path, role ...): what it changes is not known");
                if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
            }
            if (!change.lasting.empty() && change.changes) {
                catalog.set_lasting_relexed(change.lasting, change.setting,
                                            change.what + " (" + path + ", line " + std::to_string(facts.span.start.line) + ")");
            } else if (!change.lasting.empty() && change.restores) {
                catalog.reset_lasting_relexed(change.lasting, change.setting);
            }
            auto held = state.relexed.find(change.setting);
            // A default set over the session's own SET leaves that SET in force (a later RESET of the default does not end it).
            const bool session_set = held != state.relexed.end() && held->second.lasting.empty();
            if (change.changes && !(session_set && !change.lasting.empty())) {
                const std::string line = std::to_string(facts.span.start.line);
                const auto* set = pg::as<VariableSetStmt>(parsed.stmt);
                state.relexed[change.setting] = SessionState::Relexing{change.what + " (line " + line + ")",
                                                                       change.what + " (" + path + ", line " + line + ")",
                                                                       set != nullptr && set->is_local, change.lasting};
            }
            // Each setting is put back on its own (client_encoding = UTF8 leaves the strings off).
            // An ALTER ... RESET ends only that default (taken to reach this session too, as its SET was).
            if (change.restores && change.lasting.empty() && change.setting.empty()) state.relexed.clear();  // the maybe too
            else if (change.restores && change.lasting.empty()) state.relexed.erase(change.setting);
            else if (change.restores) {
                std::erase_if(state.relexed, [&](const auto& kv) {
                    return kv.second.lasting == change.lasting && (change.setting.empty() || kv.first == change.setting);
                });
            }
            // RESET / SET ... TO DEFAULT / RESET ALL go back to the session's default: a role's or
            // database's default an earlier migration made off is in force again (red team R73 F5).
            if (change.restores && change.lasting.empty() && change.to_default) lasting_defaults(change.setting);
            if (change.changes) {
                facts.notes.push_back("not visible to static analysis: " + change.what + " changes how PostgreSQL reads the string "
                                      "literals of every statement after it on this connection (this file's and the next files')");
            }
            if (change.changes && facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
        }
        if (!read_after.empty()) {
            // One pgfence cannot parse may be valid to the server ('it\'s' with the setting off):
            // no syntax error is claimed, the statement is unknown like the others.
            if (facts.status == StatementStatus::Unparsable) facts.parse_error.reset();
            facts.status = StatementStatus::Unknown;
            facts.notes.push_back("not visible to static analysis: after " + read_after + ", PostgreSQL reads this statement's text "
                                  "otherwise than pgfence parsed it (standard_conforming_strings on, UTF8): what it runs is not known");
        }
        model::track_fills(parsed.failure ? nullptr : parsed.stmt, facts, ctx, facts.span.start.line);
        // SQL whose text shows it changed no relation's existence (model::unknown_may_create: DSpace's
        // DO block that EXECUTEs an ALTER TABLE ... DROP CONSTRAINT) leaves the catalog sure.
        // One PostgreSQL cannot parse either leaves unsure only what it names (mark_unparsable).
        if (facts.status == StatementStatus::Unparsable) model::mark_unparsable(facts.sql, ctx.catalog);
        else if (facts.status != StatementStatus::Analyzed && (script || model::unknown_may_create(facts.sql))) ctx.catalog.mark_unknown();
        if (facts.status != StatementStatus::Analyzed) ctx.catalog.mark_unread();
        const pg::Node* kept = parsed.failure ? nullptr : parsed.stmt;
        // A SELECT of constants: no other statement needs its tree (pg_parser.hpp), and its rules
        // parse it again from facts.sql, so that must be the very text parsed here.
        if (kept != nullptr && is_constant_select(kept) && facts.sql == parse_text) {
            release_constant_select(kept);
            kept = constant_select_stand_in();
        }
        if (kept != nullptr && facts.sql == parse_text) parsed_as_written.push_back(stmts.size());
        stmts.push_back(kept);
        down_part.push_back(down);
        report.statements.push_back(std::move(facts));
    };
    // Sized once: a vector that doubles holds its old and new buffers at once, and a file of a
    // million short statements would peak at twice its facts.
    report.statements.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    stmts.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    down_part.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    // A line that makes the tool refuse the file (tool_markers.hpp): what runs is then not what
    // pgfence reads, so the line is an unknown statement of its own, before the statement it precedes.
    std::size_t next_refusal = 0;
    auto refusals_before = [&](std::size_t offset) {
        for (; next_refusal < source.refusals.size() && source.refusals[next_refusal].offset <= offset; ++next_refusal) {
            ToolRefusal r = source.refusals[next_refusal];
            // At the end of the text (what the file lacks): its last line that holds anything.
            if (r.offset >= text.size()) {
                std::size_t last = text.find_last_not_of(" \t\r\n");
                std::size_t nl = last == std::string_view::npos ? std::string_view::npos : text.rfind('\n', last);
                r.offset = nl == std::string_view::npos ? 0 : nl + 1;
            }
            std::size_t end = text.find('\n', r.offset);
            if (end == std::string_view::npos) end = text.size();
            if (end > r.offset && text[end - 1] == '\r') --end;
            StatementFacts facts;
            facts.index = static_cast<int>(report.statements.size());
            facts.span.begin = r.offset;
            facts.span.end = end;
            facts.span.start = lines.position(r.offset);
            facts.span.stop = lines.position(end > r.offset ? end - 1 : r.offset);
            facts.sql = std::string(text.substr(r.offset, end - r.offset));
            facts.status = StatementStatus::Unknown;
            facts.tag = r.tag.empty() ? std::string(tool_name(source.tool)) + " marker" : r.tag;
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.notes.push_back("not visible to static analysis: " + r.why);
            facts.unanalysable = Error{r.why, path, facts.span.start};
            stmts.push_back(nullptr);
            down_part.push_back(false);
            report.statements.push_back(std::move(facts));
        }
    };
    for (std::size_t g = 0; g < source.regions.size(); ++g) {
        const Region& region = source.regions[g];
        for_each_statement(source.text, region, [&](const RawStatement& raw) {
            refusals_before(raw.begin);
            if (report.one_query) state.base = region_statements[g] > 1 ? Transaction::Implicit : Transaction::None;
            StatementFacts facts;
            // Flyway's placeholders replaced by their values: the text parsed is what Flyway sends,
            // its spans the file's (a statement a value brought in stands on its placeholder).
            const tools::Replaced& replaced = source.replaced;
            const std::size_t begin = replaced.to_file(raw.begin), end = std::max(begin, replaced.to_file(raw.end, true));
            facts.span.begin = begin;
            facts.span.end = end;
            facts.span.start = lines.position(begin);
            // The last character's first byte: a column counts characters, not bytes.
            std::size_t last = end > begin ? end - 1 : begin;
            while (last > begin && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80) --last;
            facts.span.stop = lines.position(last);
            facts.sql = replaced.values ? source.text.substr(raw.begin, raw.end - raw.begin)
                                        : std::string(text.substr(begin, end - begin));
            analyse(facts, std::string_view(source.text).substr(raw.begin, raw.end - raw.begin), region.down,
                    [&](std::size_t offset) { return lines.position(replaced.to_file(raw.begin + offset)); });
            return true;
        });
    }
    refusals_before(std::string_view::npos);
    report.script_calls.reserve(orm_statements.size());
    for (const orm::OrmStatement& os : orm_statements) {
        ScriptCall call{os.call_name, 0, os.call, os.raw, os.down, {}};
        const std::size_t call_begin = os.call >= 0 && static_cast<std::size_t>(os.call) < extraction.calls.size()
                                           ? extraction.calls[static_cast<std::size_t>(os.call)].begin
                                           : os.begin;
        call.line = lines.position(call_begin).line;
        if (os.begin < text.size() && os.end <= text.size() && os.begin <= os.end) {
            const std::size_t from = text.rfind('\n', os.begin == 0 ? 0 : os.begin - 1);
            const std::size_t first = from == std::string_view::npos || os.begin == 0 ? 0 : from + 1;
            std::size_t last = text.find('\n', std::max(os.end, os.begin + 1) - 1);
            if (last == std::string_view::npos) last = text.size();
            call.source = std::string(text.substr(first, std::min(last - first, k_script_source_bytes)));
        }
        report.script_calls.push_back(std::move(call));
        StatementFacts facts;
        facts.span.begin = os.begin;
        facts.span.end = os.end;
        facts.span.start = lines.position(os.begin);
        facts.span.stop = lines.position(os.last);
        facts.sql = os.sql.empty() ? std::string(text.substr(os.begin, os.end - os.begin)) : os.sql;
        facts.notes = os.notes;
        if (!os.error.empty() || !os.unknown.empty()) {
            // Whatever it does may add rows: no table stays proven empty past it.
            up_ctx.empty_tables.clear();
            if (down_ctx) down_ctx->empty_tables.clear();
            // and may write any column: no fill holds past it.
            up_ctx.catalog.clear_all_fills();
            if (down_ctx) down_ctx->catalog.clear_all_fills();
        }
        if (!os.error.empty()) {
            facts.index = static_cast<int>(report.statements.size());
            facts.status = StatementStatus::Unparsable;
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.parse_error = Error{os.error, path, facts.span.start};
            stmts.push_back(nullptr);
            down_part.push_back(os.down);
            report.statements.push_back(std::move(facts));
            continue;
        }
        if (!os.unknown.empty()) {
            // Not visible statically: never read as safe (unknown-statement), and counted.
            facts.index = static_cast<int>(report.statements.size());
            facts.status = StatementStatus::Unknown;
            facts.tag = os.call_name + "()";
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.notes.push_back("SQL not visible statically: " + os.unknown);
            facts.unanalysable = Error{os.unknown, path, facts.span.start};
            facts.no_transaction_block = os.no_transaction_block;
            stmts.push_back(nullptr);
            down_part.push_back(os.down);
            report.statements.push_back(std::move(facts));
            continue;
        }
        analyse(facts, os.sql, os.down, [&](std::size_t offset) {
            return lines.position(os.offsets.empty() ? os.begin : os.offsets[std::min(offset, os.offsets.size() - 1)]);
        });
    }
    std::string().swap(source.text);
    // What the next file on the connection starts with: a SET LOCAL ended with its transaction,
    // unless the file leaves one open.
    {
        std::map<std::string, std::string> carried;
        for (const auto& [setting, r] : state.relexed) {
            if (setting == kMaybeRelexed && state.maybe_file_only) continue;
            if (!r.lasting.empty()) continue;  // Catalog::lasting_relexed gives it to the next file while in force
            if (!r.local || state.explicit_block) carried.emplace(setting, r.at);
        }
        // The held locks' id stays for hand_on_held, which replaces it.
        if (auto held = catalog.relexed().find(std::string(k_held_key)); held != catalog.relexed().end()) carried.insert(*held);
        // So does the set's transaction's end (a drizzle file's COMMIT), for the set's later files.
        if (auto ended = catalog.relexed().find(std::string(k_set_ended_key)); ended != catalog.relexed().end()) carried.insert(*ended);
        catalog.set_relexed(std::move(carried));
    }
    hand_on_held(report, down_part, catalog, set_transaction, path);
    tools::mark_unknown_placeholders(report, source, path);
    report.settings_files = source.settings_files;
    // An ORM script's followed imports decide what it runs as its settings do: each named as the
    // script is (its folder as given, joined with the way from there to the import).
    for (const auto& imported : extraction.imported_files) {
        std::error_code ec;
        fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
        if (ec) continue;
        fs::path rel = fs::path(imported).lexically_relative(dir);
        if (rel.empty()) continue;
        report.settings_files.push_back((fs::path(path).parent_path() / rel).lexically_normal().string());
    }
    // A placeholder (Flyway `${...}`, a Go template action, `$%NAME%$`) stands for text the
    // migration is given when it runs: a statement it keeps from parsing is not broken SQL but
    // SQL pgfence cannot read. It is unknown to the lock model (never read as safe: the
    // unknown-statement rule reports it), with no error line; the statements that parse are
    // analysed as any others, so a placeholder in a comment hides nothing.
    if (!script) {
        int templated = 0;
        StatementFacts* first = nullptr;
        for (StatementFacts& s : report.statements) {
            if (s.status != StatementStatus::Unparsable) continue;
            if (s.sql.find("${") == std::string::npos && template_marker(s.sql) == std::string::npos) continue;
            s.status = StatementStatus::Unknown;
            if (s.tag.empty()) s.tag = "templated SQL";
            s.notes.push_back("templated: not analysed (a template placeholder stands where the SQL is only known when it runs)");
            s.unanalysable = Error{"a template placeholder stands where the SQL is only known when it runs", path, s.span.start};
            s.parse_error = Boxed<Error>{};
            if (first == nullptr) first = &s;
            ++templated;
        }
        // A Go template action outside any statement that failed (in a comment, in a string
        // literal that still parses): a tool that renders the file first (pop, popx) runs what it
        // expands to, which may be a statement of its own. The statement it sits in or after is
        // not read as safe either.
        std::size_t next_statement = 0;  // markers come in order: one pass over the statements
        std::size_t counted = 0, line = 1;  // and over the text, for their lines
        std::size_t braces = text.find("{{"), percent = text.find("$%");
        while (braces != std::string_view::npos || percent != std::string_view::npos) {
            const std::size_t at = std::min(braces, percent);
            if (at == braces) braces = text.find("{{", at + 2);
            else percent = text.find("$%", at + 2);
            if (template_marker(text.substr(at, 96)) != 0) continue;  // an array literal, not an action
            while (next_statement < report.statements.size() && report.statements[next_statement].span.begin <= at) ++next_statement;
            StatementFacts* holder = next_statement > 0 ? &report.statements[next_statement - 1]
                                     : report.statements.empty() ? nullptr : &report.statements.front();
            if (holder != nullptr && holder->status == StatementStatus::Analyzed) {
                holder->status = StatementStatus::Unknown;
                line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                             text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
                counted = at;
                holder->notes.push_back("templated: a template action at line " + std::to_string(line) +
                                        " (in a comment or a string) may expand to SQL pgfence does not see");
                if (first == nullptr) first = holder;
                ++templated;
            }
        }
        if (first != nullptr) {  // once for the file, on its first such statement
            first->notes.push_back("templated: " + std::to_string(templated) + " statement(s) of this file hold a template placeholder");
        }
    }
    if (!source.notes.empty() && !report.statements.empty()) {
        auto& first = report.statements.front().notes;
        first.insert(first.begin(), source.notes.begin(), source.notes.end());
    }
    orm::count_coverage(report, extraction, orm_statements);
    temporary_drops(report, stmts, schema_known);
    if (start != nullptr) recreated_tables(report, stmts, *start);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        if (script) {
            const std::size_t lent = lend_held(report, stmts, called, held_before, set_transaction, arena);
            rules::apply_rules(report, stmts, orm::suppression_text(text), rule_options, called);
            take_back_held(report, stmts, called, lent);
            // The SQL sits in a string literal of the script, with the script's own escapes.
            for (auto* findings : {&report.findings, &report.suppressed}) {
                for (auto& f : *findings) f.edit.reset();
            }
        } else {
            const std::size_t lent = lend_held(report, stmts, called, held_before, set_transaction, arena);
            rules::apply_rules(report, stmts, text, rule_options, called);
            take_back_held(report, stmts, called, lent);
            // Flyway's placeholder values put in: a statement's text is not the file's at its span.
            if (source.replaced.values) {
                for (auto* findings : {&report.findings, &report.suppressed}) {
                    for (auto& f : *findings) f.edit.reset();
                }
            }
        }
        catalog.undo_trial();  // the schema the up part leaves, not the down part's
        // Plans pgfence knows it cannot offer are declined before they are composed and checked.
        std::string declined;
        if (too_long_to_check(report, options)) {
            declined = "the file has " + std::to_string(report.statements.size()) + " statements, more than the " +
                       std::to_string(k_most_checked) + " pgfence checks a plan for: make this change by hand, with the findings' advice";
        } else if (source.replaced.values) {
            declined = source.tool == MigrationTool::Goose
                           ? "goose's ENVSUB rewrites this file's text before it runs it: a plan written from the rewritten SQL "
                             "would lose its variables, so make this change by hand, with the findings' advice"
                           : "Flyway puts its placeholders' values into this file before it runs it: a plan written from the "
                             "replaced SQL would lose the placeholders, so make this change by hand, with the findings' advice";
        } else if (report.tool == MigrationTool::Synapse && path.ends_with(".sql")) {
            declined = "Synapse runs a .sql delta on SQLite too, where the plan's PostgreSQL statements (SET lock_timeout, "
                       "CONCURRENTLY) fail: by hand, as a .sql.postgres delta beside a .sql.sqlite one";
        } else if (script && report.source_kind == "sequelize" && !report.script_unsupported.empty()) {
            declined = report.script_unsupported + ", which the plan's files would not do alike: make this change by hand, with "
                       "the findings' advice";
        } else if (auto taken = constraint_name_taken(report); !taken.empty()) {
            declined = taken;
        } else if (script && extraction.branch != std::string_view::npos) {
            declined = "line " + std::to_string(lines.position(extraction.branch).line) +
                       " of the script makes which of its statements run, or how often, depend on values known only when it "
                       "runs (a branch, a loop, a catch, a conditional operator, an array walk, or a call of the script's own "
                       "function, even where no statement depends on it); a plan lists each statement once, and would run what "
                       "the script skips or repeats: make this change by hand, with the findings' advice";
        }
        // A Go library's embedded migrations (go_embedded_migrations.hpp): no new version fits them.
        if (declined.empty() && options.compose_plans && report.source_kind == "sql" && plan_wanted(report)) {
            declined = embedded_library_decline(path);
        }
        if (declined.empty() && options.merged != nullptr && !options.merged->empty() &&
            options.merged->count(absolute_path(std::filesystem::path(path)).lexically_normal().generic_string()) > 0) {
            // Rewriting a migration that has run breaks every database it ran on: the plan's new
            // migrations run there again and fail on what the original made (outside DBA:
            // vaultwarden's 2019 add_email_verification, teable's add_oauth).
            declined = "the file is in " + options.merged_in +
                       " already, so it may have run on databases: a plan would rewrite it, and its new migrations would run "
                       "again there and fail on what the original made; the findings are for the next migration like it (--plan-merged plans it all the same)";
        }
        if (!options.compose_plans) {
            // The plan's own migrations, analysed by check_plan: their findings only.
        } else if (!declined.empty()) {
            if (plan_wanted(report)) report.plan = no_plan(declined);
        } else {
            // The trees parsed from each statement's own text, lent to the plan's PlanObjects, but
            // those the model rewrote in place (a RENAME or SET SCHEMA judged by the object's
            // kind: model/rename_kind.hpp), which a parse of the text would not give.
            ParsedTexts parsed;
            for (std::size_t i : parsed_as_written) {
                if (i < stmts.size() && stmts[i] != nullptr && !pg::is<RenameStmt>(stmts[i]) && !pg::is<AlterObjectSchemaStmt>(stmts[i])) {
                    parsed.emplace(report.statements[i].sql, stmts[i]);
                }
            }
            LentTrees lent(parsed);
            compose_plan(report, stmts, down_part, &catalog, options.known_migrations, start.get(),
                         !psql_runs_of(path, options).empty() || configured_psql(report.tool, false, options));
            decline_unsafe_plan(report, options, before);
        }
        rules::fold_same_statement_findings(report.findings, text);
        // What follows from a statement pgfence could not read is that statement's to report
        // (rules/unknown_consequences.hpp): judged on the schema the file started from.
        if (start != nullptr) {
            rules::cap_consequences_of_unknowns(report, [&](const std::string& relname) { return start->find(relname) != nullptr; });
        }
    }
    return report;
}

}  // namespace analyzer_detail

}  // namespace pgfence::analyze
