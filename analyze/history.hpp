#pragma once
// The schema before a migration: earlier migrations replayed through the splitter, the parser
// and the lock model only (no rules, no findings, no report kept) into a Catalog, which then
// starts the analysed file's (AnalyzeOptions::history). README "Migration history".
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/catalog.hpp"

namespace pgfence::analyze {

// A catalog being built file by file. What does not replay (a statement that does not parse or
// that the lock model does not know, a file that cannot be read) is left out and counted, never
// an error: history is context, the analysed files are what is judged.
class Replay {
public:
    // `start`: the catalog to continue from (copied), or none.
    explicit Replay(const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& start = nullptr);

    // One migration's text: its up direction, by the conventions its path names.
    void replay_text(const std::string& path, std::string_view text);
    // Reads the file (within options' size limit and confine_to) and replays it.
    void replay_file(const std::string& path);

    // The catalog as the next migration finds it: every relation existing (is_new false).
    [[nodiscard]] std::shared_ptr<const Catalog> snapshot() const;
    [[nodiscard]] const Catalog& catalog() const { return m_catalog; }
    [[nodiscard]] const HistoryCounts& counts() const { return m_counts; }

private:
    const AnalyzeOptions& m_options;
    Catalog m_catalog;
    HistoryCounts m_counts;
};

// Replays `files` in their order (see group_migration_sets for the order tools apply them in).
[[nodiscard]] Replay replay_files(const std::vector<std::string>& files, const AnalyzeOptions& options);

// Each analysed file's baseline: the history, then the files before it in its migration set,
// replayed sequentially just ahead of the analysis. Only the baselines of files handed out
// soon are kept (analyze_files asks in input order, a few files ahead), not one per file.
class HistoryChain {
public:
    // `files` in analysis order; set_of[i] the migration set of files[i] (group_migration_sets).
    HistoryChain(std::vector<std::string> files, std::vector<std::size_t> set_of,
                 std::shared_ptr<const Catalog> history, const AnalyzeOptions& options);

    // Thread-safe; each index asked once. A copy of its own, which the analysis then changes:
    // one copy per file is what a baseline costs.
    [[nodiscard]] Catalog baseline(std::size_t index);
    // The files replayed to build the baselines so far.
    [[nodiscard]] HistoryCounts counts() const;

private:
    std::vector<std::string> m_files;
    std::vector<std::size_t> m_set_of;
    std::vector<std::size_t> m_last_of_set;  // by set: the index of its last file
    std::shared_ptr<const Catalog> m_history;
    const AnalyzeOptions& m_options;
    mutable std::mutex m_mutex;
    std::size_t m_next = 0;                                      // first file not yet replayed
    std::map<std::size_t, std::unique_ptr<Replay>> m_working;   // by set
    std::map<std::size_t, Catalog> m_ready;                      // by file index, not yet asked for
    HistoryCounts m_counts;
};

}  // namespace pgfence::analyze
