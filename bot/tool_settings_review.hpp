#pragma once
// `pgfence pr` and the migration tools' settings files (analyze/tools/flyway_settings.hpp): the
// settings a migration was analysed with are read from the commit it is read from (the head's
// for what runs, the merge base's for what ran), a pull request that changes them is reported at
// the changed lines, and the migrations the new settings bring in are analysed.
#include <functional>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The Flyway settings files for the migration at `path` in `commit`, packed as the analyzer takes
// them beside a Flyway migration (empty when `path` is no Flyway migration's, unless `any_name`).
[[nodiscard]] analyze::Result<std::string> flyway_settings_at(const diff::Repository& repo, const std::string& commit,
                                                              const std::string& path, std::uint64_t max_bytes,
                                                              bool any_name = false);

// What each other tool's settings file in `commit` says of the folder the tool reads its
// migrations from (tools/tool_dirs.hpp describe): the assumptions pr prints.
[[nodiscard]] analyze::Result<std::vector<std::string>> followed_tool_dirs(const diff::Repository& repo,
                                                                           const std::string& commit, std::uint64_t max_bytes);

// The SQL files the psql commands of `commit` run, with the variables each sets (AnalyzeOptions::psql_runs).
[[nodiscard]] analyze::Result<std::vector<analyze::PsqlRun>> psql_runs_at(const diff::Repository& repo, const std::string& commit,
                                                                         std::uint64_t max_bytes);
// The folders the sqlx::migrate!("path") calls of `commit` name (AnalyzeOptions::sqlx_folders).
[[nodiscard]] analyze::Result<std::vector<std::string>> sqlx_folders_at(const diff::Repository& repo, const std::string& commit,
                                                                        std::uint64_t max_bytes);

// golang-migrate's x-multi-statement as the settings, CI, compose, Makefile, .env and script files of
// `commit` set it (analyze/migrations/golang_migrate_split.hpp): fills `on` ("<file>:<line>" of a URL
// that turns it on) and `off` (every URL they give is written out and leaves it off).
[[nodiscard]] analyze::Result<bool> golang_multi_statement_at(const diff::Repository& repo, const std::string& commit,
                                                              std::uint64_t max_bytes, std::string& on, bool& off);

// The tools with up/down markers (goose, dbmate, node-pg-migrate) the files of `commit` name (a
// settings, CI, compose, Makefile, .env, script, package.json or go.mod file that runs, configures
// or depends on it), each with the first file naming it (AnalyzeOptions::marker_tools).
[[nodiscard]] analyze::Result<std::vector<std::pair<std::string, std::string>>> marker_tools_at(const diff::Repository& repo,
                                                                                                const std::string& commit,
                                                                                                std::uint64_t max_bytes);

// How the tools that can run every pending migration in one transaction are set in `commit`'s files
// (AnalyzeOptions::npm_single_transaction, flyway_group, typeorm_transaction_all): node-pg-migrate's
// `--no-single-transaction` / `singleTransaction: false`, Flyway's `group=true` (flyway.conf,
// flyway.toml, FLYWAY_GROUP, spring.flyway.group, -group=true) and `mixed=true` (the same spellings:
// flyway_mixed), TypeORM's migrationsTransactionMode
// / `migration:run -t each|none`.
[[nodiscard]] analyze::Result<bool> one_transaction_settings_at(const diff::Repository& repo, const std::string& commit,
                                                                std::uint64_t max_bytes, analyze::AnalyzeOptions& options);

// Whether a path of `commit` lies in a folder the other tools' settings files of `commit` name
// (and is a file that tool runs): a migration however the globs are set.
[[nodiscard]] analyze::Result<std::function<bool(std::string_view)>> tool_dir_selector(const diff::Repository& repo,
                                                                                       const std::string& commit,
                                                                                       std::uint64_t max_bytes);

// Adds to `changes` the migrations the pull request's settings bring in: those its changed
// settings files' locations hold (changed by the pull request, or all of a location it added),
// and those that read a placeholder whose value it changed (their lines that read it count as
// added). Sorted by path again.
[[nodiscard]] analyze::Result<bool> add_settings_migrations(const diff::Repository& repo, diff::ChangeSet& changes,
                                                            std::uint64_t max_bytes);

// Adds to `report` one file per settings file the pull request changed (its changed settings
// reported by migration-tool-settings-changed) and per settings file an analysed migration was
// read with (no finding): the upload's content hash covers their bytes, so an approval or an
// exemption given before one of them changes no longer holds.
[[nodiscard]] analyze::Result<bool> add_settings_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                         analyze::Report& report, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
