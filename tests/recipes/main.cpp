// The recipes suite: every common pattern's safe rewrite, executed step by step on a real
// PostgreSQL 15 with data, must succeed, take no lock stronger than the analyzer predicts
// for each of its statements, rewrite no table it does not predict, and end in the schema
// the original statement meant.
// usage: pgfence_recipes --source-dir DIR [--bin-dir DIR] [--filter TEXT] [--verbose]
// Exit codes: 0 every recipe passes; 1 a recipe fails; 2 setup error; 77 skipped (no
// PostgreSQL 15 binaries).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/recipes/cases.hpp"
#include "tests/recipes/rehearsal.hpp"
#include "tests/pg_suite_args.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_instance.hpp"

using namespace pgfence;
using namespace pgfence::tests;
using namespace pgfence::tests::recipes;

int main(int argc, char** argv) {
    SuiteArgs args = parse_suite_args(argc, argv);
    if (!server_binaries_present(args)) return k_skipped;
    std::optional<std::string> schema = read_schema(args);
    if (!schema) return 2;
    auto started = std::chrono::steady_clock::now();
    trace::InstanceOptions options;
    options.bin_dir = args.bin_dir;
    // Autovacuum would take locks of its own on the tables being watched.
    options.settings = {"autovacuum = off", "max_connections = 40", "deadlock_timeout = 100ms"};
    auto instance = trace::PgInstance::start(options);
    if (!instance) {
        std::cerr << "error: cannot start PostgreSQL: " << instance.error().message << "\n";
        return 2;
    }
    // Interrupted (Ctrl-C, ctest's timeout): the server stops and its folder goes.
    trace::stop_server_on_signals(instance->get());
    Rehearsal rehearsal(**instance);
    if (auto s = rehearsal.prepare(*schema); !s) {
        std::cerr << "error: " << s.error().message << "\n";
        return 2;
    }
    int passed = 0;
    int failed = 0;
    for (const auto& c : recipe_cases()) {
        if (!args.filter.empty() && c.rule.find(args.filter) == std::string::npos) continue;
        Outcome r;
        try {
            r = rehearsal.run(c);
        } catch (const std::exception& e) {  // a crash in the analyzer fails the case, not the suite
            r.problems.push_back(std::string("exception: ") + e.what());
        }
        std::cout << (r.ok() ? "ok        " : "FAILED    ") << c.rule << "  (" << r.steps << " steps, "
                  << r.statements << " statements executed)\n";
        if (args.verbose || !r.ok()) {
            std::cout << "          statement: " << c.statement << "\n";
            for (const auto& line : r.log) std::cout << "          " << line << "\n";
        }
        for (const auto& p : r.problems) std::cout << "          - " << p << "\n";
        for (const auto& n : r.notes) std::cout << "          note: " << n << "\n";
        std::cout.flush();
        (r.ok() ? passed : failed)++;
    }
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "ran " << passed + failed << " recipes in " << static_cast<int>(seconds + 0.5) << " s\n";
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
