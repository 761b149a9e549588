// analyze_files with chaining and several threads: every file handed over once, in order, for
// any shape of migration sets; a handler or an ordered step that throws ends the run with that
// exception (no deadlock, no step run twice or after the failure's file).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"
#include "analyze/migrations/migration_order.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

struct Files {
    fs::path dir;
    std::vector<std::string> paths;
    std::vector<std::size_t> sets;
    ~Files() { fs::remove_all(dir); }
};

// Sets of the given sizes; some files missing (unreadable), which the chain must pass over.
void make(Files& f, const std::vector<std::size_t>& sizes) {
    f.dir = fs::temp_directory_path() / ("pgfence_chain_threads_" + std::to_string(::getpid()));
    fs::remove_all(f.dir);
    for (std::size_t s = 0; s < sizes.size(); ++s) {
        fs::create_directories(f.dir / std::to_string(s));
        for (std::size_t i = 0; i < sizes[s]; ++i) {
            fs::path p = f.dir / std::to_string(s) / (std::to_string(i + 1) + "_m.sql");
            if (i % 7 != 3) std::ofstream(p) << (i == 0 ? "CREATE TABLE t (a int);\n" : "ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int;\n");
            f.paths.push_back(p.string());
            f.sets.push_back(s);
        }
    }
}

}  // namespace

TEST_CASE("chained analyze_files: each file once and in order, for any set shape", "[chain]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 12; ++round) {
        std::vector<std::size_t> sizes;
        for (std::size_t n = 1 + rng() % 6; n > 0; --n) sizes.push_back(rng() % 3 == 0 ? 1 + rng() % 200 : 1 + rng() % 4);
        Files f;
        make(f, sizes);
        for (unsigned threads : {1u, 2u, 5u}) {
            AnalyzeOptions options;
            options.run_rules = false;
            options.threads = threads;
            HistoryChain chain(f.sets, nullptr);
            options.chain = &chain;
            std::vector<std::size_t> order;
            analyze_files(f.paths, options, [&](FileReport&&, std::size_t index) -> OrderedStep {
                return [&order, index] { order.push_back(index); };
            });
            REQUIRE(order.size() == f.paths.size());
            for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);
        }
    }
}

TEST_CASE("chained analyze_files: a throwing handler or step ends the run with its exception", "[chain]") {
    Files f;
    make(f, {150, 3, 1, 80, 2});
    for (unsigned threads : {1u, 2u, 4u}) {
        for (std::size_t bad : {std::size_t{0}, std::size_t{70}, std::size_t{149}, std::size_t{150}, std::size_t{154}, std::size_t{200}}) {
            for (bool in_step : {false, true}) {
                INFO("threads " << threads << ", file " << bad << (in_step ? " (step)" : " (handler)"));
                AnalyzeOptions options;
                options.run_rules = false;
                options.threads = threads;
                HistoryChain chain(f.sets, nullptr);
                options.chain = &chain;
                std::vector<std::size_t> order;
                auto run = [&] {
                    analyze_files(f.paths, options, [&](FileReport&&, std::size_t index) -> OrderedStep {
                        if (!in_step && index == bad) throw std::runtime_error("handler");
                        return [&order, index, bad, in_step] {
                            if (in_step && index == bad) throw std::runtime_error("step");
                            order.push_back(index);
                        };
                    });
                };
                CHECK_THROWS_WITH(run(), in_step ? "step" : "handler");
                CHECK(order.size() <= bad);
                for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);
            }
        }
    }
}
