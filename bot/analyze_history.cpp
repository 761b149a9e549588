#include "bot/analyze_history.hpp"

#include "analyze/migration_order.hpp"

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
    if (chain) {
        MigrationSets sets = group_migration_sets(files);
        files = sets.files;
        run->chain = std::make_unique<HistoryChain>(std::move(sets.files), std::move(sets.set_of), options.history, options);
        options.chain = run->chain.get();
    }
    return run;
}

}  // namespace pgfence::bot
