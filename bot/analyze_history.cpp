#include "bot/analyze_history.hpp"

#include <unordered_set>

#include "analyze/limits.hpp"
#include "analyze/migration_order.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {

using namespace pgfence::analyze;

std::optional<HistoryCounts> HistoryRun::counts() const {
    HistoryCounts total;
    if (replay) total += replay->counts();
    if (chain) total += chain->counts();
    if (total.files == 0 && total.skipped_files == 0) return std::nullopt;
    return total;
}

std::unique_ptr<HistoryRun> start_history(const std::vector<std::string>& history, bool chain,
                                          std::vector<std::string>& files, AnalyzeOptions& options,
                                          std::vector<Error>& errors) {
    auto run = std::make_unique<HistoryRun>();
    if (!history.empty()) {
        std::vector<std::string> named = expand_inputs(history, errors, options.input_format);
        run->replay.emplace(replay_files(history_before(named, files), options));
        options.history = run->replay->snapshot();
    }
    // A down half runs after its own up half, which the files before it do not include.
    if (chain && options.direction != Direction::Down) {
        MigrationSets sets = group_migration_sets(files);
        files = sets.files;
        run->chain = std::make_unique<HistoryChain>(sets.set_of, options.history);
        options.chain = run->chain.get();
    }
    return run;
}

Result<std::unique_ptr<HistoryRun>> base_history(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                const std::vector<std::string>& globs,
                                                const std::vector<std::string>& history, AnalyzeOptions& options,
                                                std::vector<Error>& errors) {
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    std::unordered_set<std::string> changed;
    for (const auto& change : changes.files) {
        changed.insert(change.path);
        changed.insert(change.old_path);
    }
    auto listed = repo.list_files(changes.base_sha, [&](std::string_view path) {
        return diff::selects(patterns, path) && changed.count(std::string(path)) == 0;
    });
    if (!listed) return listed.error();
    auto run = std::make_unique<HistoryRun>();
    run->replay.emplace(options);
    if (!history.empty()) {
        for (const auto& file : expand_inputs(history, errors, options.input_format)) run->replay->replay_file(file);
    }
    std::optional<Error> failure;
    // The parser and the tree walkers recurse once per nesting level.
    run_on_large_stack([&] {
        for (const auto& path : group_migration_sets(*listed).files) {
            auto text = repo.read_file(changes.base_sha, path);
            if (!text) {
                failure = text.error();
                return;
            }
            if (*text) run->replay->replay_text(path, **text);
        }
    });
    if (failure) return *failure;
    options.history = run->replay->snapshot();
    return run;
}

}  // namespace pgfence::bot
