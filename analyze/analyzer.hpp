#pragma once
// The analyzer's entry points: text or files in, facts per statement out.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <string_view>
#include <vector>

#include "analyze/migrations/known_migrations.hpp"
#include "analyze/model/known_schema.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/orm/input_format.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze {

class Catalog;
class HistoryChain;
namespace tools {
struct GraphileProject;
}

// Files larger than this are refused whole (one error, the other files still analysed): a
// migration is kilobytes; hundreds of megabytes only exhaust the runner. 16 MiB.
// The PostgreSQL major versions --pg-version takes. The grammar is always the newest (see
// pg_parser.hpp); the facts follow the target.
inline constexpr int k_oldest_pg_version = 11;
inline constexpr int k_newest_pg_version = 18;

inline constexpr std::uint64_t k_default_max_file_bytes = std::uint64_t{16} << 20;

// A psql command line that runs an SQL file (AnalyzeOptions::psql_runs).
struct PsqlRun {
    std::string file;
    std::vector<std::string> constants;  // the variables it sets to a constant (-v name=value)
};

struct AnalyzeOptions {
    int pg_version = 15;                  // target server major version, 11 to 18
    Direction direction = Direction::Up;  // which half of up/down migrations to read
    unsigned threads = 0;                 // 0: one per core
    bool run_rules = true;                // findings (rules/) on top of the facts
    // A composed plan is analysed again, each migration after the ones before it, from the schema
    // the file started from (plan.hpp: check_plan); one that keeps a finding it claims to resolve,
    // or adds a HIGH one, is declined. Off for the plan's own migrations.
    bool check_plans = true;
    // Whether a plan is composed at all (report.plan): off for the plan's own migrations, whose
    // findings check_plan reads and whose plans nothing does.
    bool compose_plans = true;
    rules::Options rules;                 // which rules, and their settings
    orm::InputFormat input_format = orm::InputFormat::Auto;  // SQL, or an ORM's .ts/.js migrations
    // Columns as they are before the migration, from outside it (a stats snapshot), or none.
    // Not owned; must outlive the analysis.
    const KnownSchema* known_schema = nullptr;
    std::uint64_t max_file_bytes = k_default_max_file_bytes;  // --max-file-size
    // When set (a path with its links resolved, as fs::weakly_canonical gives it), a file whose
    // real path lies outside this folder is not read:
    // in GitHub Actions the checkout is the pull request's, and a committed symbolic link could
    // point a "migration" at a secret that the parse error would quote.
    std::string confine_to;
    // A folder pgfence made for itself (standard input's copy, resolved as confine_to is): its
    // files are read wherever it lies, since no checkout chose them.
    std::string own_folder;
    // The folder the migrations are deployed from, for paths pgfence's working directory would
    // otherwise stand for: psql's `\i` names a file against it (psql_includes_on_disk.hpp), and
    // settings are looked for no higher where no .git marks the repository's top. Empty: the
    // working directory. `pr --trace` sets its copy of the head commit (bot/pr_changes.cpp).
    std::string run_folder;
    // --single-transaction: every file runs inside one transaction of the deployment (psql -1
    // over all of them, a deploy script's BEGIN ... COMMIT around the whole set).
    bool single_transaction = false;
    // The schema earlier migrations built (history.hpp: Replay::snapshot): a file's catalog
    // starts as a copy of it, its relations existing, not new. None: an empty catalog.
    std::shared_ptr<const Catalog> history;
    // analyze_files: each migration set's files analysed in order, each after the ones before
    // it (the files given in the chain's order). Not owned.
    HistoryChain* chain = nullptr;
    // The migrations the repository has besides a file (its set's files on disk, --history, the
    // set's committed files): a plan's new files take versions none of them uses, and a pop file
    // whose set has a `.autocommit` file is popx's. Paths as given or absolute. Not owned.
    const KnownMigrations* known_migrations = nullptr;
    // The folders the project's sqlx::migrate!("path") calls name (tools/tool_dirs.hpp), as
    // paths are given: a `<version>_<name>.sql` file there is sqlx's, whatever the folder is
    // called. Not owned.
    const std::vector<std::string>* sqlx_folders = nullptr;
    // The folders the project's settings, workflows, Procfile or node-config name as
    // node-pg-migrate's, dbmate's or goose's (tools/tool_dirs.hpp), absolute, each with
    // "<tool>\n<why>": a .sql file there is that tool's, as folder_tool says for the settings it
    // reads itself (red team R79 B3: a .down.sql beside its .up.sql that `npx node-pg-migrate up`
    // in a workflow runs as an up migration). Not owned.
    const std::vector<std::pair<std::string, std::string>>* tool_folders = nullptr;
    // The SQL files psql runs (tools/psql_files.hpp), one entry per command that runs one, with the
    // variables that command sets to a constant: a `:name` psql would interpolate in the file
    // (parse/psql_variables.hpp) is unknown unless every run of it sets the name. Paths as given.
    // Not owned.
    const std::vector<PsqlRun>* psql_runs = nullptr;
    // The graphile-migrate projects (tools/graphile_settings.hpp) whose placeholders are put into the
    // SQL files of their migrations folder: each use is unknown. Not owned.
    const std::vector<tools::GraphileProject>* graphile_projects = nullptr;
    // The configuration's `tool`: which tool runs the project's `<version>_<name>.sql` files when
    // what the project says leaves two readings: "" (read the project: tools/sqlx_crate.hpp),
    // "sqlx" or "golang-migrate"; "supabase", "node-pg-migrate", "goose" or "dbmate" for the .sql
    // files no other tool claims; "psql": those files are run by `psql -f`, one file a run
    // (statement by statement, in autocommit unless the file opens a transaction), as a file a
    // command of the project runs with psql is (psql_runs).
    std::string tool;
    // golang-migrate's x-multi-statement as the project's files set it (migrations/
    // golang_migrate_split.hpp): `golang_multi_statement` is "<file>:<line>" where a database URL
    // turns it on, "?<file>:<line>" where a URL is only known at run time (it may be on), "" when
    // no file does either: then a `;` inside a comment or quote is no cut. On or may be on, each
    // such `;` is an unknown statement. `golang_multi_statement_off`: every URL the files give
    // golang-migrate is written out and leaves it off (said, not read by the analyzer).
    std::string golang_multi_statement;
    bool golang_multi_statement_off = false;
    // pr: the tools with up/down markers (goose, dbmate, node-pg-migrate) the project's files name
    // anywhere, each with the first file that names it (bot/tool_settings_review.hpp
    // marker_tools_at). A file's own markers decide what runs only for a tool named here: none
    // named, its down part is read as running. Null (analyze): the markers decide. Not owned.
    const std::vector<std::pair<std::string, std::string>>* marker_tools = nullptr;
    // Tools that run every pending migration of a set in one transaction, as the project's files
    // set them (bot/tool_settings_review.hpp one_transaction_settings_at): node-pg-migrate unless
    // --no-single-transaction / singleTransaction: false (salsita/node-pg-migrate src/runner.ts:
    // `if (options.singleTransaction) { BEGIN; runMigrations(toRun); COMMIT }`), Flyway with
    // group=true, TypeORM unless migrationsTransactionMode "each"/"none" (its default is "all");
    // drizzle's migrator always. The set's files then hold each other's locks.
    bool npm_single_transaction = true;
    bool flyway_group = false;
    // Flyway's mixed=true set where the migration's own settings files do not say it (Spring's
    // spring.flyway.mixed / SPRING_FLYWAY_MIXED, FLYWAY_MIXED, -mixed=true; one_transaction_settings_at):
    // a script holding both kinds of statements runs each on its own instead of being refused.
    bool flyway_mixed = false;
    bool typeorm_transaction_all = true;
    // Files (absolute, normal) the repository's mainline already holds with these bytes
    // (bot/analyze_history: CommittedMigrations::merged): a migration that may have run on a
    // database gets no plan. `merged_in` names the commit (e.g. "origin/main"). Not owned.
    const std::unordered_set<std::string>* merged = nullptr;
    std::string merged_in{};
};

// The error for a file over max_file_bytes: "is N MB, over --max-file-size (M MB)".
[[nodiscard]] std::string file_too_large(std::uint64_t bytes, std::uint64_t max_bytes);

// Analyses one migration's text. `path` decides conventions by file name and is echoed
// in the report; nothing is read from disk.
[[nodiscard]] FileReport analyze_text(const std::string& path, std::string_view text,
                                      const AnalyzeOptions& options,
                                      std::string_view sibling_metadata = {});
// The same, starting from `catalog` (instead of options.history), which the analysis then
// changes: the next file can start from what this one built.
[[nodiscard]] FileReport analyze_text(const std::string& path, std::string_view text,
                                      const AnalyzeOptions& options, std::string_view sibling_metadata,
                                      Catalog& catalog);

// `text` analysed as the file at `path` would be (an editor's unsaved buffer): what lies beside
// the path (a diesel metadata.toml, a sqlx Cargo.toml, a pgmi project) is read as analyze_file
// reads it, the path itself is not; starts from options.history.
[[nodiscard]] FileReport analyze_text_at(const std::string& path, std::string_view text, const AnalyzeOptions& options);
// What analyze_text_at passes as `sibling_metadata` for `path` (a diesel metadata.toml, a sqlx
// Cargo.toml or marker), for analysing an edited copy the same way.
[[nodiscard]] std::string sibling_metadata(const std::string& path, const AnalyzeOptions& options);

// Whether `path` lies in one of options.sqlx_folders.
[[nodiscard]] bool in_sqlx_folder(std::string_view path, const AnalyzeOptions& options);

// The report of a migration path that is a link or a submodule: no statement is read, and the
// rules run on it (migration-not-a-file reports it).
[[nodiscard]] FileReport analyze_not_a_file(const std::string& path, NotAFile entry, const AnalyzeOptions& options);

// The report of a migration tool's settings file a pull request changed (`changes`: its changed
// settings, tools/flyway_settings.hpp flyway_setting_changes, or the added lines of another
// tool's settings, bot/tool_settings_review.cpp): no statement, and the rules run on
// it (migration-tool-settings-changed reports each change). With no changes it names a settings
// file the analysed migrations were read with, so that an approval binds to its bytes.
[[nodiscard]] FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes,
                                               const AnalyzeOptions& options);

// A settings line whose value pgfence cannot know (a migrations folder read from an environment
// variable, a computed expression: tools/tool_dirs.hpp): an unknown statement at that line.
struct SettingUnknown {
    int line = 1;
    std::string why;  // "dbmate's DBMATE_MIGRATIONS_DIR ... reads another environment variable", printable
    std::string tag;  // the statement's tag ("goose Go migration"); "migration tool setting" when empty
};

// The same with the lines of `text` (the settings file's) that set what pgfence cannot know,
// each an unknown statement the unknown-statement rule reports.
[[nodiscard]] FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes,
                                               const AnalyzeOptions& options, std::string_view text,
                                               const std::vector<SettingUnknown>& unknown);

// Reads and analyses one file (and a diesel metadata.toml beside it); a symbolic link is not
// followed but reported (analyze_not_a_file). A file of a pgmi project
// (a folder above it holds deploy.sql and pgmi.yaml) runs in the deployment's one transaction.
[[nodiscard]] FileReport analyze_file(const std::string& path, const AnalyzeOptions& options);

// The error expand_inputs gives a directory in which it found no migration: a tool's settings may
// still name a folder below it (bot/analyze_command.cpp drops the error then).
inline constexpr std::string_view k_no_migrations_in_directory = "directory has no migration files";

// Files, directories (recursively, *.sql, symbolic links among them kept as they are, for
// analyze_file to report, and with `format` Auto or an ORM also .ts/.js
// migrations: scripts under a folder named like "migrations" whose content matches an ORM)
// and glob patterns (with ** for any depth) to the sorted list of files they name. Inputs
// that match nothing come back as errors.
[[nodiscard]] std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                                     std::vector<Error>& errors,
                                                     orm::InputFormat format = orm::InputFormat::Auto);

// Whether a tool's own selection (`loads`, given each file's path as named through the link)
// takes any file of the folder the link `link` points to: such a link is kept for analyze_file to
// report, whatever its files are named (knex's loadExtensions may name ".md"; red team R82b B9).
// Past a bound on the entries read, true.
[[nodiscard]] bool link_loads(const std::string& link, const std::function<bool(const std::string& file)>& loads);

// What must happen to one file's report in input order (writing what was rendered from it).
using OrderedStep = std::function<void()>;
// Runs on a worker thread as soon as a file is analysed (render it, count it; must be
// thread-safe) and returns its ordered step. An exception from either ends the run and is
// rethrown by analyze_files once the workers have stopped.
using FileHandler = std::function<OrderedStep(FileReport&& report, std::size_t index)>;

// Analyses files in parallel, in input order, and runs the ordered steps one at a time, each
// as soon as its file and every file before it are done. Only a few files per thread are
// analysed ahead of the first one not yet written, so memory is bounded by the largest files,
// not by how many there are.
void analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options, const FileHandler& handle);

// The same, collected: the report keeps the order of `files`.
[[nodiscard]] Report analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options);

}  // namespace pgfence::analyze
