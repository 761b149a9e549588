// The recipes suite: every rule's safe rewrite, executed step by step on a real PostgreSQL 15
// with data while the application reads and writes, must succeed, take no lock stronger than
// the analyzer predicts for each of its statements, hold the application up no longer than
// those locks allow, rewrite no table it does not predict, and end in the state the original
// statement meant. Every rule whose findings carry a recipe must have a case (checked first,
// without a server).
// usage: pgfence_recipes --source-dir DIR [--bin-dir DIR] [--filter TEXT] [--verbose]
// Exit codes: 0 every recipe passes; 1 a recipe fails or a rule has no case; 2 setup error;
// 77 skipped (no PostgreSQL 15 binaries).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "tests/recipes/cases.hpp"
#include "tests/recipes/coverage.hpp"
#include "tests/recipes/rehearsal.hpp"
#include "tests/pg_suite_args.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_instance.hpp"

using namespace pgfence;
using namespace pgfence::tests;
using namespace pgfence::tests::recipes;

namespace {

// Rules whose findings carry a recipe (golden cases under <source-dir>/../rules) and no case
// here; each is printed as a failure.
int uncovered_rules(const SuiteArgs& args) {
    std::set<std::string> covered;
    for (const auto& c : recipe_cases()) covered.insert(c.rule);
    auto with_recipes = rules_with_recipes(args.source_dir + "/../rules");
    if (with_recipes.empty()) {
        std::cout << "FAILED    no rule with a recipe found under " << args.source_dir << "/../rules\n";
        return 1;
    }
    int missing = 0;
    for (const auto& rule : with_recipes) {
        if (covered.count(rule) > 0) continue;
        std::cout << "FAILED    " << rule << "  (its findings carry a recipe, and no case here rehearses it)\n";
        ++missing;
    }
    std::cout << "coverage: " << with_recipes.size() - static_cast<std::size_t>(missing) << " of "
              << with_recipes.size() << " rules with a recipe have a case\n";
    return missing;
}

}  // namespace

int main(int argc, char** argv) {
    SuiteArgs args = parse_suite_args(argc, argv);
    int uncovered = args.filter.empty() ? uncovered_rules(args) : 0;
    if (!server_binaries_present(args)) return uncovered > 0 ? 1 : k_skipped;
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
        std::string name = c.rule + (c.variant.empty() ? "" : " [" + c.variant + "]");
        std::cout << (r.ok() ? "ok        " : "FAILED    ") << name << "  (" << r.steps << " steps, "
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
    std::cout << passed << " passed, " << failed << " failed";
    if (uncovered > 0) std::cout << ", " << uncovered << " rules with a recipe but no case";
    std::cout << "\n";
    return failed == 0 && uncovered == 0 ? 0 : 1;
}
