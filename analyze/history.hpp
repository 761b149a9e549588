#pragma once
// The schema before a migration: earlier migrations replayed through the splitter, the parser
// and the lock model only (no rules, no findings, no report kept) into a Catalog, which then
// starts the analysed file's (AnalyzeOptions::history). README "Migration history".
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/model/catalog.hpp"

namespace pgfence::analyze {

// A catalog being built file by file. What does not replay (a statement that does not parse or
// that the lock model does not know, a file that cannot be read) is left out and counted, never
// an error: history is context, the analysed files are what is judged.
class Replay {
public:
    // `start`: the catalog to continue from (copied), or none.
    explicit Replay(const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& start = nullptr);

    // One migration's text: its up direction, by the conventions its path names.
    // `metadata`: what the analyzer is given beside the file (sibling_metadata: a Flyway
    // migration's settings files, so its placeholders replay with their values).
    // `on_disk`: `path` names the file on disk whose text this is (a committed version of it), so
    // the files its psql includes name are read beside it (psql_includes_on_disk.hpp).
    // `included`: else, where given, reads the files its psql includes name by their paths relative
    // to the same root as `path` (a commit's tree: `pgfence pr`'s base), as psql would run them
    // (tools::with_included_files); nullopt for one not followed.
    void replay_text(const std::string& path, std::string_view text, std::string_view metadata = {}, bool on_disk = false,
                     const tools::ReadFile* included = nullptr);
    // Reads the file (within options' size limit and confine_to) and replays it.
    void replay_file(const std::string& path);
    // A schema rather than a migration (a pg_dump --schema-only file, a Rails structure.sql, the
    // snapshot's statements): always SQL, whatever its name or --input-format. `source` names it
    // in the catalog (RelationInfo::source).
    void replay_schema_text(const std::string& source, std::string_view text);
    void replay_schema_file(const std::string& path);

    // The catalog as the next migration finds it: every relation existing (is_new false).
    // A history file left out (over --max-file-size at a commit): counted as skipped, and the
    // schema is not known whole from here, as when a file on disk cannot be read.
    void left_out();
    [[nodiscard]] std::shared_ptr<const Catalog> snapshot() const;
    [[nodiscard]] const Catalog& catalog() const { return m_catalog; }
    [[nodiscard]] const HistoryCounts& counts() const { return m_counts; }

private:
    // `on_disk`: `path` is the file read, whose psql includes are followed (psql_includes_on_disk.hpp).
    void replay(const std::string& path, std::string_view text, bool schema, std::string_view metadata = {}, bool on_disk = false,
                const tools::ReadFile* included = nullptr);
    [[nodiscard]] bool readable(const std::string& path, std::string& text);

    const AnalyzeOptions& m_options;
    Catalog m_catalog;
    HistoryCounts m_counts;
};

// Replays `files` in their order (see group_migration_sets for the order tools apply them in).
[[nodiscard]] Replay replay_files(const std::vector<std::string>& files, const AnalyzeOptions& options);

// The files of one analysis, grouped by migration set (group_migration_sets): each set's files
// are analysed in order on one thread, each starting from the catalog the analysis of the one
// before it left (its up direction), so a file's schema costs neither a second parse nor a copy.
class HistoryChain {
public:
    // set_of[i]: the set of the analysis's i-th file; each set's files are together, in order.
    HistoryChain(const std::vector<std::size_t>& set_of, std::shared_ptr<const Catalog> history);

    // One past the last file of the set files[index] is in.
    [[nodiscard]] std::size_t set_end(std::size_t index) const;
    // What the first file of a set starts from: the history, or nothing.
    [[nodiscard]] Catalog start() const;
    // Thread-safe: `report`'s file has left its catalog to the next file of its set (counted as
    // replayed history, as the summary reports it).
    void handed_on(const FileReport& report);
    [[nodiscard]] HistoryCounts counts() const;

private:
    std::vector<std::size_t> m_set_end;  // by file
    std::shared_ptr<const Catalog> m_history;
    mutable std::mutex m_mutex;
    HistoryCounts m_counts;
};

}  // namespace pgfence::analyze
