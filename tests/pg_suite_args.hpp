#pragma once
// What the suites that run a real PostgreSQL share before their first case: the command line
// (--source-dir, --bin-dir, --filter, --verbose), the skip when no server binaries are
// installed (ctest's exit code 77), and reading the suite's schema.sql.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "trace/pg_instance.hpp"

namespace pgfence::tests {

inline constexpr int k_skipped = 77;

struct SuiteArgs {
    std::string source_dir = ".";
    std::string bin_dir = "/usr/lib/postgresql/15/bin";  // PGFENCE_PG_BIN overrides it
    std::string filter;
    bool verbose = false;
    std::string observed;  // --observed FILE: what the server did, per case, as JSON (conformance)
};

// Exits with 2 on an unknown argument.
inline SuiteArgs parse_suite_args(int argc, char** argv) {
    SuiteArgs a;
    if (const char* env = std::getenv("PGFENCE_PG_BIN")) a.bin_dir = env;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (arg == "--source-dir") a.source_dir = next();
        else if (arg == "--bin-dir") a.bin_dir = next();
        else if (arg == "--filter") a.filter = next();
        else if (arg == "--verbose" || arg == "-v") a.verbose = true;
        else if (arg == "--observed") a.observed = next();
        else {
            std::cerr << "error: unknown argument " << arg << "\n";
            std::exit(2);
        }
    }
    return a;
}

// Says why and returns false when the server binaries are missing (the suite then exits 77).
inline bool server_binaries_present(const SuiteArgs& args) {
    if (trace::PgInstance::binaries_present(args.bin_dir)) return true;
    std::cout << "skipped: PostgreSQL 15 binaries not found in " << args.bin_dir
              << " (install postgresql-15 or set PGFENCE_PG_BIN)\n";
    return false;
}

// The suite's schema.sql; nothing (after an error: line) when it is missing or empty.
inline std::optional<std::string> read_schema(const SuiteArgs& args) {
    std::ifstream in(args.source_dir + "/schema.sql");
    std::stringstream ss;
    ss << in.rdbuf();
    if (!ss.str().empty()) return ss.str();
    std::cerr << "error: cannot read " << args.source_dir << "/schema.sql\n";
    return std::nullopt;
}

}  // namespace pgfence::tests
