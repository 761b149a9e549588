// The conformance suite: proves the lock model against a real PostgreSQL 15.
// usage: pgfence_conformance --source-dir DIR [--bin-dir DIR] [--filter TEXT] [--verbose]
// Exit codes: 0 all cases pass; 1 a mismatch or a case that could not run; 2 setup error;
// 77 skipped (no PostgreSQL 15 binaries).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/conformance/case_file.hpp"
#include "tests/conformance/runner.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_instance.hpp"

namespace {

using namespace pgfence;
using namespace pgfence::tests::conformance;

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
    auto cases = load_cases(args.source_dir + "/cases");
    if (!cases) {
        std::cerr << "error: " << cases.error().describe() << "\n";
        return 2;
    }
    std::string schema = read_file(args.source_dir + "/schema.sql");
    if (schema.empty()) {
        std::cerr << "error: cannot read " << args.source_dir << "/schema.sql\n";
        return 2;
    }
    auto started = std::chrono::steady_clock::now();
    trace::InstanceOptions options;
    options.bin_dir = args.bin_dir;
    // Autovacuum would contend for the tables the cases lock; nothing else changes.
    // A short deadlock_timeout settles lock queues that the contention sessions reorder.
    options.settings = {"autovacuum = off", "max_connections = 60", "deadlock_timeout = 100ms"};
    auto instance = trace::PgInstance::start(options);
    if (!instance) {
        std::cerr << "error: cannot start PostgreSQL: " << instance.error().message << "\n";
        return 2;
    }
    // Interrupted (Ctrl-C, ctest's timeout): the server stops and its folder goes.
    trace::stop_server_on_signals(instance->get());
    Runner runner(**instance, schema);
    if (auto s = runner.prepare(); !s) {
        std::cerr << "error: " << s.error().message << "\n";
        return 2;
    }
    int passed = 0;
    int failed = 0;
    for (const auto& c : *cases) {
        if (!args.filter.empty() && c.id.find(args.filter) == std::string::npos) continue;
        CaseResult r = runner.run(c);
        if (r.ok()) {
            ++passed;
            std::cout << "ok        " << c.id;
            if (!r.verdict.uncertain.empty()) {
                std::cout << "  (uncertain: ";
                for (std::size_t i = 0; i < r.verdict.uncertain.size(); ++i) std::cout << (i ? "; " : "") << r.verdict.uncertain[i];
                std::cout << ")";
            }
            std::cout << "\n";
            if (args.verbose) std::cout << "          predicted: " << r.verdict.predicted << "\n          observed:  " << r.verdict.observed << "\n";
            std::cout.flush();
            continue;
        }
        ++failed;
        std::cout << "MISMATCH  " << c.id << "  (" << c.file.substr(c.file.rfind('/') + 1) << ":" << c.line << ")\n";
        if (r.error) {
            std::cout << "          " << *r.error << "\n";
            continue;
        }
        std::cout << "          predicted: " << r.verdict.predicted << "\n"
                  << "          observed:  " << r.verdict.observed << "\n";
        for (const auto& d : r.verdict.differences) std::cout << "          - " << d.text << "\n";
        std::cout.flush();
    }
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "ran " << passed + failed << " cases in " << static_cast<int>(seconds + 0.5) << " s\n";
    std::cout << "conformance: " << passed << " passed, " << failed << " failed\n";
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
