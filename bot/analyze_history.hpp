#pragma once
// `--history` and the chaining of a migration set's files (README "Migration history"): what
// analyze and pr replay before the files they analyse.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/history.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Alive for the whole analysis: options.history and options.chain point into it.
struct HistoryRun {
    std::optional<analyze::Replay> replay;         // the --history files
    std::optional<analyze::Replay> schema;         // the --schema files
    std::optional<analyze::Replay> snapshot;       // the stats snapshot's schema_sql
    std::unique_ptr<analyze::HistoryChain> chain;  // each analysed file after its set's earlier ones

    // Nothing when nothing was replayed (a single file, no --history): the report says nothing.
    [[nodiscard]] std::optional<analyze::HistoryCounts> counts() const;
    // The counts of the schema files and of the snapshot, when there were any.
    [[nodiscard]] std::optional<analyze::HistoryCounts> schema_counts() const;
    [[nodiscard]] std::optional<analyze::HistoryCounts> snapshot_counts() const;
    // All three into a report's summary.
    void count_into(analyze::Report& report) const;
};

// The schema context besides history (README "Schema context"): --schema files and the stats
// snapshot's statements (extract-stats --schema), or none.
struct SchemaContext {
    std::vector<std::string> schema_files;
    const std::vector<std::string>* snapshot_sql = nullptr;
    // Schema files already read (pr: from the base commit), name shown and text, replayed
    // before schema_files.
    std::vector<std::pair<std::string, std::string>> schema_texts;
};

// Replays `context` into `run` and makes options.history the catalog the three sources give,
// by precedence: the snapshot's relations over the schema files', over the history's. Files
// `schema_files` names are expanded like inputs; what matches nothing is an error in `errors`.
void add_schema_context(HistoryRun& run, const SchemaContext& context, analyze::AnalyzeOptions& options,
                        std::vector<analyze::Error>& errors);

// `analyze` and `pre-commit` inside a git repository (README "Migration history"): the
// migrations committed in the migration sets of `files` (files the default migration globs or
// `paths_setting` select), as git holds them, not as the working tree does.
struct CommittedMigrations {
    std::vector<std::string> paths;  // absolute and normal: every such migration
    // Those not among `files` that their tool applies before the first of `files` in their set,
    // in that order, with their texts: the history replayed before the files, as pr replays its
    // base commit. Never one whose bytes are an analysed file's (that file renumbered).
    std::vector<std::pair<std::string, std::string>> before;
    // One line each (without "note: ", not escaped) for a file left out of `before` because its
    // blob is over --max-file-size, which is never loaded.
    std::vector<std::string> notes;
    // How many of them: each may have made a table, so the replayed schema is unsure (Replay::left_out).
    std::size_t left_out = 0;
    // The analysed files (absolute, normal) whose bytes the mainline already has at their path:
    // merged, so they may have run on databases (AnalyzeOptions::merged). The mainline is the
    // merge base of HEAD and the first of origin/$GITHUB_BASE_REF, origin/HEAD, origin/main,
    // origin/master the clone has; none when it has none (a shallow checkout: nothing is merged).
    // A CRLF checkout of an LF blob matches. `merged_in` names it.
    std::unordered_set<std::string> merged;
    std::string merged_in;
};
// Where committed_migrations reads the set from.
enum class CommittedFrom {
    // `analyze`: HEAD's files that the working tree still has (one deleted or renamed away there
    // is left out).
    HeadInWorkingTree,
    // `pre-commit`: the index, what the commit being made will hold (a file the staged change
    // deletes or renames is left out; a staged file is read as staged).
    Index,
};
// Nothing outside a repository, before its first commit (HeadInWorkingTree), or when git
// cannot be read (the files are analysed all the same). A set with an analysed file that is not
// committed, or every set with `unchanged_ran` (analyze --changed-since: the files not given are
// unchanged, so they have run), has all its committed files as history, those named after the
// analysed ones included: the new file runs after them, as the base's history in `pr`.
[[nodiscard]] CommittedMigrations committed_migrations(const std::vector<std::string>& files,
                                                       const std::vector<std::string>& paths_setting,
                                                       const analyze::AnalyzeOptions& options,
                                                       CommittedFrom from = CommittedFrom::HeadInWorkingTree,
                                                       bool unchanged_ran = false);

// The note for a history file whose blob is over --max-file-size (not escaped).
[[nodiscard]] std::string history_too_large(const std::string& path, std::uint64_t bytes, std::uint64_t max_bytes);

// The repository's migrations besides the analysed ones, for AnalyzeOptions::known_migrations:
// `files`, `history` (expanded), `committed`, and the entries of each set's folder on disk
// (a Prisma or diesel set's migration folders; not a folder whose real path is outside a
// non-empty `confine_to`), absolute and normal, sorted, once each.
[[nodiscard]] std::vector<std::string> known_migrations(const std::vector<std::string>& files,
                                                        const std::vector<std::string>& history,
                                                        const CommittedMigrations& committed,
                                                        analyze::orm::InputFormat format,
                                                        const std::string& confine_to = {});

// pr's known_migrations: the head commit's files in the sets of the changed migrations, chosen
// as known_migrations chooses a set's folder entries (the kinds analysed there, pop's .fizz, a
// name that starts with a version), absolute and normal as analyze's are. With them a changed
// file's siblings decide what analyze lets them decide (a pop name golang-migrate runs, a free
// version for a plan's new files), as they do for `analyze` (red team R68 B28).
[[nodiscard]] analyze::Result<std::vector<std::string>> head_known_migrations(const diff::Repository& repo,
                                                                             const diff::ChangeSet& changes);

// Replays the files `history` names (expanded like analyze's inputs; what matches nothing is an
// error in `errors`), adds `context` (add_schema_context; its errors in `schema_errors`) and, when `chain` and the direction is not down, orders `files` by
// migration set and sets options.chain so that each file starts from the files before it in its set.
// `committed` (committed_migrations' `before`), when given, is replayed after `history`.
[[nodiscard]] std::unique_ptr<HistoryRun> start_history(const std::vector<std::string>& history, bool chain,
                                                        const SchemaContext& context, std::vector<std::string>& files, analyze::AnalyzeOptions& options,
                                                        std::vector<analyze::Error>& errors,
                                                        std::vector<analyze::Error>& schema_errors,
                                                        const CommittedMigrations* committed = nullptr);

// pgfence pr: the migrations at the base commit that the pull request does not change (every
// file `globs` select there, each set in the order its tool applies it), replayed after the
// `history_texts` (--history files read from the base commit: name shown, text) and the
// `history` files (read from disk), into options.history. An Error only when git cannot list or read the commit.
// A file whose blob is over --max-file-size is never loaded: a line for it in `notes`
// (history_too_large's, not escaped).
[[nodiscard]] analyze::Result<std::unique_ptr<HistoryRun>> base_history(const diff::Repository& repo,
                                                                        const diff::ChangeSet& changes,
                                                                        const std::vector<std::string>& globs,
                                                                        const std::vector<std::string>& history,
                                                                        analyze::AnalyzeOptions& options,
                                                                        std::vector<analyze::Error>& errors,
                                                                        std::vector<std::string>& notes,
                                                                        const std::vector<std::pair<std::string, std::string>>& history_texts = {});

}  // namespace pgfence::bot
