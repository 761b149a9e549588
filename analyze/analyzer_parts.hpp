// Internal to analyze/analyzer.cpp, analyze/analyzer_session.cpp, analyze/analyzer_checks.cpp, analyze/analyzer_text.cpp, analyze/analyzer_files.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "analyze/analyzer.hpp"
#include "analyze/rules/one_cause.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "analyze/parse/alter_clauses.hpp"
#include "analyze/plan/plan.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/model/function_calls.hpp"
#include "analyze/history.hpp"
#include "analyze/parse/lexing_settings.hpp"
#include "analyze/parse/set_config.hpp"
#include "analyze/base/heap.hpp"
#include "analyze/parse/limits.hpp"
#include "analyze/model/empty_tables.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/rules/engine.hpp"
#include "analyze/migrations/flyway_report.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/folder_tool.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/temporal_manifest.hpp"
#include "analyze/parse/source_text.hpp"
#include "analyze/parse/splitter.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {
namespace analyzer_detail {

// Session state carried from statement to statement within one file. Settings follow
// PostgreSQL's GUC stack: SET changes the value now and at commit, SET LOCAL only until the
// transaction ends; ROLLBACK (TO SAVEPOINT) restores what was in force when the transaction
// (savepoint) began.
// The key of SessionState::relexed for a change pgfence could not rule out (LexingChange::maybe).
constexpr const char* kMaybeRelexed = "?";

struct SessionState {
    struct Snapshot {
        std::string savepoint;  // empty for the transaction's start
        Settings current;
        Settings committed;
    };

    Transaction base = Transaction::None;  // Implicit when the tool wraps the file
    // The tool's transaction is a block on the file's own session that a COMMIT or ROLLBACK in the
    // file ends, with no new one after it (drizzle's migrator: analyzer_set_transaction.cpp).
    bool commit_ends_base = false;
    bool explicit_block = false;
    // What changed how the statements after it are read (lexing_settings.hpp), by setting.
    struct Relexing {
        std::string what;    // "SET standard_conforming_strings = off (line 3)"
        std::string at;      // the same with its file, for the next file (Catalog::relexed)
        bool local = false;  // by SET LOCAL: it ends with the transaction
        // The default of later sessions it is (LexingChange::lasting, "database app"): not carried
        // as the connection's (Catalog::lasting_relexed gives it to each file), ended by that RESET.
        std::string lasting;
    };
    std::map<std::string, Relexing> relexed;
    bool maybe_file_only = false;  // relexed[kMaybeRelexed] is not carried to the next file
    Settings current;    // in force now
    Settings committed;  // what COMMIT keeps: SET values, not SET LOCAL ones
    Snapshot at_begin;
    std::vector<Snapshot> savepoints;
    // The positions of the open savepoints of each name, innermost last: finding one is O(1)
    // however many are open (a file of 200,000 SAVEPOINTs stays linear).
    std::unordered_map<std::string, std::vector<std::size_t>> by_name;
    // The gids PREPARE TRANSACTION gave in this file and no COMMIT/ROLLBACK PREPARED ended yet.
    std::set<std::string> prepared;

    Transaction transaction() const { return explicit_block ? Transaction::Explicit : base; }
    int savepoint_depth() const { return static_cast<int>(savepoints.size()); }
    void begin() {
        explicit_block = true;
        at_begin = Snapshot{{}, current, committed};
    }
    void commit() {
        explicit_block = false;
        close_savepoints(0);
        current = committed;
    }
    void rollback() {
        explicit_block = false;
        close_savepoints(0);
        current = at_begin.current;
        committed = at_begin.committed;
    }
    void open_savepoint(const std::string& name) {
        by_name[name].push_back(savepoints.size());
        savepoints.push_back(Snapshot{name, current, committed});
    }
    // Keeps the first `keep` savepoints.
    void close_savepoints(std::size_t keep) {
        while (savepoints.size() > keep) {
            auto it = by_name.find(savepoints.back().savepoint);
            it->second.pop_back();
            if (it->second.empty()) by_name.erase(it);
            savepoints.pop_back();
        }
    }
    // The innermost open savepoint of that name, or -1.
    int find_savepoint(const std::string& name) const {
        auto it = by_name.find(name);
        return it == by_name.end() ? -1 : static_cast<int>(it->second.back());
    }
};

std::optional<std::string>* setting_slot(Settings& s, const std::string& name);
std::string lower_ascii(std::string_view s);
std::string setting_value(const List* args, bool list);
void apply_transaction(const TransactionStmt* stmt, SessionState& state, StatementFacts& facts);
void apply_set_config(const pg::Node* stmt, SessionState& state, StatementFacts& facts);
void apply_session(const pg::Node* stmt, SessionState& state, StatementFacts& facts);
int do_body_line(const StatementFacts& facts, const LineIndex& lines);
std::string read_whole(const std::string& path, bool& ok, std::uint64_t limit, std::uint64_t* file_size = nullptr);

// Checking reads the plan again as a whole: for a file of thousands of statements (generated
// SQL, not a migration a person splits by hand) that would double what the file costs, so such a
// file gets no plan, and none is composed (its units and text were a tenth of the file's memory).
constexpr std::size_t k_most_checked = 5000;

std::string constraint_name_taken(const FileReport& report);
bool too_long_to_check(const FileReport& report, const AnalyzeOptions& options);
void decline_unsafe_plan(FileReport& report, const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& before);
void temporary_drops(FileReport& report, const std::vector<const pg::Node*>& stmts, bool schema_known);
bool takes_values_of(const std::string& made, const std::string& was);
void recreated_tables(FileReport& report, const std::vector<const pg::Node*>& stmts, const Catalog& start);
std::optional<std::string> not_read_yet(std::string_view path, std::string_view text);

FileReport analyze_text_here(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment);

// analyzer_set_transaction.cpp: tools that run every pending migration of a set in one
// transaction. Who does for a file of `tool` (`source_kind`: "typeorm" for a TypeORM script), ""
// when its tool runs each file apart.
std::string set_transaction_of(MigrationTool tool, std::string_view source_kind, const AnalyzeOptions& options);
// Puts the statements the set's earlier files left holding locks (catalog.held(), when held by
// `who`) before the file's, for the rules; returns how many. take_back_held removes them again
// after the rules, with the findings on them.
// Who holds them (set_transaction_of), and the statements of the set's earlier files whose locks
// the set's one transaction still holds, each noted with its file (rules k_held_from).
using HeldStatements = std::pair<std::string, std::shared_ptr<const std::vector<StatementFacts>>>;
// What the catalog carries from the file before (on the connection's side channel, next to the
// reading settings: Catalog::relexed, under a key no setting has); k_held_key is that key.
inline constexpr std::string_view k_held_key = "\x01pgfence held locks";
// Under this key: the file and line whose COMMIT or ROLLBACK ended the set's one transaction
// (drizzle), after which the set's later files run in autocommit; set_ended_by reads it.
inline constexpr std::string_view k_set_ended_key = "\x01pgfence set transaction ended";
HeldStatements held_of(const Catalog& catalog);
std::string set_ended_by(const Catalog& catalog);
std::size_t lend_held(FileReport& report, std::vector<const pg::Node*>& stmts, std::vector<rules::CalledStatement>& called,
                      const HeldStatements& held_before, const std::string& who, const std::shared_ptr<void>& arena);
void take_back_held(FileReport& report, std::vector<const pg::Node*>& stmts, std::vector<rules::CalledStatement>& called,
                    std::size_t lent);
// What the next file of the set finds held: the earlier files' statements and this file's that
// took locks in the set's transaction (none past a COMMIT or ROLLBACK of the file's own).
void hand_on_held(const FileReport& report, const std::vector<bool>& down_part, Catalog& catalog, const std::string& who,
                  const std::string& path);

FileReport analyze_text_from(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment);

// What a run learns of folders, so that each is looked at once (a run reads thousands of files
// from a few folders). One per analyze_files call: the files of a run do not move under it.
struct FolderFacts {
    std::mutex mutex;
    std::unordered_map<std::string, bool> in_pgmi_project;  // by absolute folder
    std::unordered_map<std::string, bool> by_spelling;      // by a file's folder as written
    // A migration's sibling metadata (metadata.toml, Cargo.toml) by its path as written: read
    // once for the up.sql and down.sql beside it, or for every file of a crate's migrations/.
    std::unordered_map<std::string, std::string> beside;
    std::mutex beside_mutex;  // held while a file for `beside` is read
    // Whether a folder holds a sqlx migration starting with `-- no-transaction`, by folder as written.
    std::unordered_map<std::string, bool> sqlx_folder;
    // What the Rust crate above a folder says of it (tools/sqlx_crate.hpp), as sqlx metadata or
    // "", by folder as written.
    std::unordered_map<std::string, std::string> sqlx_crate;
    // The Flyway settings files packed for a migration of a folder (flyway_settings_beside), by
    // the folder as written: what is found depends on the folder alone, and the walk up to the
    // repository's top with a real-path question per candidate cost 70 system calls a file.
    std::unordered_map<std::string, std::string> flyway_settings;
    // The tool the project's files say runs a folder (tools/folder_tool.hpp), by folder as written.
    std::unordered_map<std::string, std::string> folder_tool;
    // The settings files the walks above (Flyway's, the folder's tool's) look for, by path as
    // written: those walks go up from every migration folder to the same few folders (a Prisma or
    // Diesel history has a folder per migration: 70 stat calls and a package.json read again per
    // file), so each path is asked about once a run. Under `path_mutex` (taken inside beside_mutex).
    struct PathKind {
        bool exists = false;   // lstat found it
        bool link = false;     // it is a symbolic link
        bool regular = false;  // it is, or a link to, a regular file (stat)
    };
    std::unordered_map<std::string, PathKind> path_kind;
    std::unordered_map<std::string, std::optional<std::string>> settings_text;  // folder_tool's reads
    std::mutex path_mutex;
    [[nodiscard]] PathKind kind_of(const std::string& path);
};

bool sqlx_folder(const std::string& folder, const AnalyzeOptions& options);
bool in_pgmi_project(const std::string& path, const std::string& confine_to, FolderFacts* folders);
std::string link_text(const std::string& path);
std::string flyway_settings_beside(const std::string& path, const AnalyzeOptions& options, FolderFacts* folders = nullptr);
void add_script_config(std::string& packed, const std::string& path, const AnalyzeOptions& options);

// What a file's path says about how it runs, read from beside it: a diesel metadata.toml or the
// Cargo.toml of a crate's migrations/ (sqlx), a sqlx folder's marker, a pgmi project.
struct Beside {
    std::string metadata;
    std::string deployment;
};

Beside beside_facts(const std::string& path, const AnalyzeOptions& options, FolderFacts* folders);

FileReport analyze_file_from(const std::string& path, const AnalyzeOptions& options, Catalog& catalog,
                             FolderFacts* folders = nullptr);

bool is_sql_file(const fs::path& p);
bool is_migration_file(const fs::path& p, orm::InputFormat format);
void walk_directory(const fs::path& dir, std::vector<std::string>& out, orm::InputFormat format);
void expand_double_star(const std::string& pattern, std::vector<std::string>& out);
FileReport analyze_one(const std::string& path, const AnalyzeOptions& options, Catalog& catalog, FolderFacts& folders);
}  // namespace analyzer_detail
using namespace analyzer_detail;

}  // namespace pgfence::analyze
