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
#include "trace/interrupt.hpp"
#include "trace/pg_instance.hpp"

namespace {

using namespace pgfence;
using namespace pgfence::tests::recipes;

constexpr int k_skipped = 77;

struct Args {
    std::string source_dir = ".";
    std::string bin_dir = "/usr/lib/postgresql/15/bin";
    std::string filter;
    bool verbose = false;
};

Args parse_args(int argc, char** argv) {
    Args a;
    if (const char* env = std::getenv("PGFENCE_PG_BIN")) a.bin_dir = env;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (arg == "--source-dir") a.source_dir = next();
        else if (arg == "--bin-dir") a.bin_dir = next();
        else if (arg == "--filter") a.filter = next();
        else if (arg == "--verbose" || arg == "-v") a.verbose = true;
        else {
            std::cerr << "error: unknown argument " << arg << "\n";
            std::exit(2);
        }
    }
    return a;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
    Args args = parse_args(argc, argv);
    if (!trace::PgInstance::binaries_present(args.bin_dir)) {
        std::cout << "skipped: PostgreSQL 15 binaries not found in " << args.bin_dir
                  << " (install postgresql-15 or set PGFENCE_PG_BIN)\n";
        return k_skipped;
    }
    std::string schema = read_file(args.source_dir + "/schema.sql");
    if (schema.empty()) {
        std::cerr << "error: cannot read " << args.source_dir << "/schema.sql\n";
        return 2;
    }
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
    if (auto s = rehearsal.prepare(schema); !s) {
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
