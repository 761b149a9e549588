// analyze_files lets a thread that is too far ahead sleep until half the window is written.
// Several sleepers wait for different counts of written files: none may be left asleep (the
// run would never end). Tiny files, and a writer that is sometimes slow, so the threads get
// ahead of it and of each other in every order; each run must end within a few seconds.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

struct Run {
    std::vector<std::string> files;
    std::vector<std::size_t> sets;
    unsigned threads = 1;
    bool chained = false;
    unsigned seed = 0;
    std::size_t written = 0;
};

// Runs analyze_files on a thread of its own: false if it has not ended after `limit` (its
// thread is then left behind, blocked, with the run it owns; otherwise it is joined).
bool ends_within(std::shared_ptr<Run> run, std::chrono::seconds limit) {
    auto finished = std::make_shared<std::promise<void>>();
    std::future<void> ended = finished->get_future();
    std::thread runner([run, finished] {
        AnalyzeOptions options;
        options.run_rules = false;
        options.threads = run->threads;
        std::unique_ptr<HistoryChain> chain;
        if (run->chained) {
            chain = std::make_unique<HistoryChain>(run->sets, nullptr);
            options.chain = chain.get();
        }
        std::mt19937 rng(run->seed);
        std::vector<unsigned> delays(run->files.size());
        for (auto& d : delays) d = rng() % 8 == 0 ? 1 + rng() % 400 : 0;
        analyze_files(run->files, options, [&](FileReport&&, std::size_t index) -> OrderedStep {
            if (delays[index] % 2 == 1) std::this_thread::sleep_for(std::chrono::microseconds(delays[index]));
            return [&, index] {
                if (delays[index] % 2 == 0 && delays[index] > 0) std::this_thread::sleep_for(std::chrono::microseconds(delays[index] * 4));
                ++run->written;
            };
        });
        finished->set_value();
    });
    if (ended.wait_for(limit) != std::future_status::ready) {
        runner.detach();
        return false;
    }
    runner.join();
    return true;
}

}  // namespace

TEST_CASE("analyze_files: every thread that sleeps ahead of the writer is woken, chained or not", "[chain]") {
    fs::path dir = fs::temp_directory_path() / ("pgfence_analyze_files_wakeup_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::vector<std::string> files;
    std::vector<std::size_t> sets;
    std::mt19937 shape(5);
    for (std::size_t set = 0; files.size() < 400; ++set) {
        // Sets of 1 to 40 files (goose folders); each file one statement.
        std::size_t size = shape() % 3 == 0 ? 1 + shape() % 40 : 1 + shape() % 3;
        fs::create_directories(dir / std::to_string(set));
        for (std::size_t i = 0; i < size; ++i) {
            fs::path p = dir / std::to_string(set) / (std::to_string(1000 + i) + "_add_column.sql");
            std::ofstream(p) << "ALTER TABLE accounts ADD COLUMN note_" << i << " text;\n";
            files.push_back(p.string());
            sets.push_back(set);
        }
    }
    for (unsigned seed = 1; seed <= 2; ++seed) {
        for (unsigned threads = 1; threads <= 8; ++threads) {
            for (bool chained : {false, true}) {
                auto run = std::make_shared<Run>();
                run->files = files;
                run->sets = sets;
                run->threads = threads;
                run->chained = chained;
                run->seed = seed * 31 + threads;
                INFO("seed " << seed << ", threads " << threads << (chained ? ", chained" : ""));
                REQUIRE(ends_within(run, std::chrono::seconds(20)));
                CHECK(run->written == files.size());
            }
        }
    }
    fs::remove_all(dir);
}
