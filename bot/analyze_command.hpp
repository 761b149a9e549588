#pragma once
// `pgfence analyze`: its options, how they combine with the configuration file, and the
// checks on a finished report that decide the exit code. `pgfence pr` reads the same options.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/orm/extract.hpp"
#include "bot/config.hpp"
#include "bot/analyze_history.hpp"
#include "stats/apply.hpp"
#include "stats/size_risk.hpp"

namespace pgfence::bot {

using analyze::AnalyzeOptions;
using analyze::Coverage;
using analyze::Direction;
using analyze::Report;
using analyze::Risk;

// The command line as given (nothing resolved yet).
struct AnalyzeArgs {
    std::vector<std::string> paths;
    std::vector<std::string> exclude;  // --exclude GLOB, repeatable
    std::string stdin_filename;        // --stdin-filename NAME: what `-` (standard input) is called
    std::string format = "text";
    bool verbose = false;
    std::string baseline;         // --baseline FILE
    bool update_baseline = false;  // --update-baseline
    std::string changed_since;    // --changed-since REF  // --verbose: the statement table on any terminal, never the compact form
    std::string color = "auto";
    std::string output;
    std::optional<bool> fail_on_unparsable;
    analyze::orm::InputFormat input_format = analyze::orm::InputFormat::Auto;
    std::optional<bool> block_unknown;  // --unknown block|warn
    bool ci = false;
    std::optional<Risk> max_risk;
    std::optional<int> pg_version;
    std::optional<Direction> direction;
    std::optional<int> max_lock_timeout_ms;
    std::optional<int> max_statement_timeout_ms;
    std::string config;
    bool no_config = false;
    std::vector<std::string> enable;
    std::optional<bool> strict;  // --profile strict|default
    std::vector<std::string> disable;
    unsigned threads = 0;
    std::string stats_file;
    std::string db_url;  // --db-url: a snapshot taken from the database now, used as --stats-file's
    std::optional<double> stats_throughput;
    std::optional<std::uint64_t> max_file_bytes;
    bool single_transaction = false;
    std::vector<std::string> history;  // --history: migrations replayed before the files
    bool no_history = false;           // --no-history: each file alone, as if nothing ran before
    bool plan_merged = false;          // --plan-merged: plans for files the mainline already has too
    std::vector<std::string> schema;   // --schema: schema dumps read as the existing schema
    // Not an option: pre-commit reads the committed rest of each set from the index (what the
    // commit being made holds), analyze from HEAD (README "Migration history").
    bool history_from_index = false;
};

// args[0] is the command's name; the rest are options and paths. Throws UsageError.
[[nodiscard]] AnalyzeArgs parse_analyze(const std::vector<std::string>& args);

// Defaults, then the configuration file, then the command line.
struct Settings {
    AnalyzeOptions options;
    Risk max_risk = Risk::Medium;
    bool fail_on_unparsable = true;
    // Whether a new unknown-statement finding (SQL pgfence could not see) fails the run:
    // --unknown, else the configuration's `unknown`, else on for --ci and pr (issue #53).
    std::optional<bool> block_unknown;
    std::vector<std::string> paths;
    std::vector<std::string> exclude;  // config `exclude` and --exclude: files never analysed
    std::string stats_file;
    stats::SizeOptions size;
    std::shared_ptr<const stats::LoadedStats> stats;  // read by load_stats
    // Who named options.pg_version ("--pg-version", "pg_version in the configuration", "the stats
    // snapshot's server"); empty: the default, an assumption the report prints.
    std::string pg_version_from;
};

// Whether `path` (as analyze expanded it, or repository-relative in pr) matches one of the
// exclude globs.
[[nodiscard]] bool excluded(const std::vector<std::string>& globs, const std::string& path);

// A stats snapshot names its server's version: it becomes the target PostgreSQL version unless
// --pg-version or the configuration's pg_version named one.
void version_from_snapshot(Settings& settings);

// Prints one error: line and sets config_failed when the configuration file is bad.
[[nodiscard]] Settings resolve(const AnalyzeArgs& a, std::ostream& err, bool& config_failed);

// The configuration file's settings into `s`: its `paths` joined to paths_folder, its
// `stats_file` to files_folder (an empty folder leaves them as written).
void apply_config(Settings& s, const Config& c, const std::filesystem::path& paths_folder,
                  const std::filesystem::path& files_folder);
// The command line over what the configuration set.
void apply_args(Settings& s, const AnalyzeArgs& a);

// In GitHub Actions ($GITHUB_ACTIONS is true) the checkout, $GITHUB_WORKSPACE: migrations are
// read only from inside it (a committed link to a file elsewhere is refused); "" elsewhere.
[[nodiscard]] std::string untrusted_checkout();

// Reads the stats snapshot, if one is set, before the analysis (its columns go into
// options.known_schema); false (with an error: line) when it cannot be read.
[[nodiscard]] bool load_stats(Settings& settings, std::ostream& err);
// --db-url (else $PGFENCE_DB_URL, unless --stats-file is given): the snapshot extract-stats
// takes, read into memory and used as load_stats uses a file's; else load_stats. A stats file
// it overrides gets one note: line; false after one error: line (never the password).
[[nodiscard]] bool load_stats(const AnalyzeArgs& a, Settings& settings, std::ostream& err);
// --schema and the snapshot's statements (README "Schema context"), for start_history.
[[nodiscard]] SchemaContext schema_context(const AnalyzeArgs& a, const Settings& settings);
// The size pass of the snapshot load_stats read, if any.
void apply_stats(Report& report, const Settings& settings);

// What a finished report means for the exit code; prints an error: or warning: line for each
// unreadable file, unparsable statement and ORM call whose SQL is not visible.
struct Diagnosis {
    bool failed = false;   // exit 2
    bool over = false;     // a finding (not pre-existing) above max_risk
    bool scripts = false;  // ORM scripts were read: print the coverage line
    Coverage coverage;
    std::size_t unseen = 0;  // new unknown- and unparsable-statement findings: statements pgfence could not see

    Diagnosis& operator+=(const Diagnosis& other);
};
[[nodiscard]] Diagnosis diagnose(const Report& report, const Settings& settings, bool block_unknown, std::ostream& err);

// The line that says `unseen` unknown statements were let through because --unknown warn or
// `unknown = "warn"` said so (`said_warn`); empty otherwise. `markdown`: for the pull request's
// comment rather than stderr.
[[nodiscard]] std::string ungated_note(std::size_t unseen, bool said_warn, bool markdown);

class PlanHint;
// --format plan: each file's migration plan written under `folder` (the files the tool expects,
// at the paths the plan names). The analysis checked each plan from the schema its file started
// from (analyzer.cpp: a plan that keeps a finding it claims to resolve is declined there); what
// it keeps as written is listed. Says what it wrote on `out`; false when a file cannot be written.
[[nodiscard]] bool write_plans(const Report& report, const std::string& folder, const PlanHint& hint, std::ostream& out,
                               std::ostream& err, const std::string& under = "");

[[nodiscard]] int run_analyze(const AnalyzeArgs& a, std::ostream& out, std::ostream& err);

// Columns of the terminal standard output is (when `tty`), else $COLUMNS, else 0 (unknown).
[[nodiscard]] int terminal_width(bool tty);

}  // namespace pgfence::bot
