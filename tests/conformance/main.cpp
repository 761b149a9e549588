// The conformance suite: proves the lock model against a real PostgreSQL (15 unless
// PGFENCE_PG_BIN or --bin-dir names another); the analyzer targets the server's version.
// usage: pgfence_conformance --source-dir DIR [--bin-dir DIR] [--filter TEXT] [--verbose]
//                            [--observed FILE]
// --filter runs only the cases whose id contains TEXT. A case that needs a newer server
// (`-- needs: N`) is reported as skipped and does not fail the run.
// --observed writes what the server really did for each case (its locks per relation and the
// relations it rewrote) as JSON, the ground truth bench/accuracy.sh compares tools against.
// Exit codes: 0 every case that ran passed; 1 a mismatch or a case that could not run;
// 2 setup error, or no case id contains the --filter text; 77 skipped (no server binaries).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/model/lock_mode.hpp"
#include "tests/conformance/case_file.hpp"
#include "tests/conformance/runner.hpp"
#include "tests/pg_suite_args.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_instance.hpp"

using namespace pgfence;
using namespace pgfence::tests;
using namespace pgfence::tests::conformance;

namespace {

// One case as the server ran it: relations by schema-qualified name, modes as PostgreSQL
// spells them, new relations (created by the statement) marked.
nlohmann::json observed_case(const Case& c, const CaseResult& r) {
    nlohmann::json out;
    out["id"] = c.id;
    out["context"] = std::vector<std::string>(c.statements.begin(), c.statements.end() - 1);
    out["statement"] = c.statements.back();
    out["outside_transaction"] = r.outside_transaction;
    out["locks"] = nlohmann::json::array();
    out["rewritten"] = nlohmann::json::array();
    for (const auto& l : r.observation->locks) {
        out["locks"].push_back({{"relation", l.relation.schema + "." + l.relation.name},
                                {"relkind", std::string(1, l.relation.relkind)},
                                {"mode", std::string(analyze::lock_mode_name(l.mode))},
                                {"new", l.is_new}});
    }
    for (const auto& r2 : r.observation->rewritten) out["rewritten"].push_back(r2.schema + "." + r2.name);
    return out;
}

std::string location(const Case& c) { return c.file.substr(c.file.rfind('/') + 1) + ":" + std::to_string(c.line); }

// Cases run in one mode (runner.hpp: Mode), and how many of them mismatched.
struct ModeCount {
    int cases = 0;
    int mismatches = 0;
    void count(bool mismatch) {
        ++cases;
        if (mismatch) ++mismatches;
    }
};

void report_mismatch(const Case& c, const char* mode, const trace::Comparison& verdict) {
    if (verdict.ok()) return;
    std::cout << "MISMATCH  " << c.id << "  [" << mode << "]  (" << location(c) << ")\n"
              << "          predicted: " << verdict.predicted << "\n"
              << "          observed:  " << verdict.observed << "\n";
    for (const auto& d : verdict.differences) std::cout << "          - " << d.text << "\n";
    std::cout.flush();
}

}  // namespace

int main(int argc, char** argv) {
    SuiteArgs args = parse_suite_args(argc, argv);
    if (!server_binaries_present(args)) return k_skipped;
    auto cases = load_cases(args.source_dir + "/cases");
    if (!cases) {
        std::cerr << "error: " << cases.error().describe() << "\n";
        return 2;
    }
    std::vector<Case> selected;
    std::copy_if(cases->begin(), cases->end(), std::back_inserter(selected),
                 [&](const Case& c) { return c.id.find(args.filter) != std::string::npos; });
    if (selected.empty()) {
        if (args.filter.empty()) std::cerr << "error: no cases in " << args.source_dir << "/cases\n";
        else std::cerr << "error: no case id contains \"" << args.filter << "\"\n";
        return 2;
    }
    std::optional<std::string> schema = read_schema(args);
    if (!schema) return 2;
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
    Runner runner(**instance, *schema);
    if (auto s = runner.prepare(); !s) {
        std::cerr << "error: " << s.error().message << "\n";
        return 2;
    }
    int server = runner.server_major();
    std::cout << "server: PostgreSQL " << server << "\n";
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    ModeCount same_file;
    ModeCount history;
    int same_file_only = 0;
    nlohmann::json observed = nlohmann::json::array();
    for (const auto& c : selected) {
        if (auto reason = skip_reason(c, server)) {
            ++skipped;
            std::cout << "skipped   " << c.id << "  (" << *reason << ")\n";
            if (args.verbose) std::cout << "          " << location(c) << "\n";
            std::cout.flush();
            continue;
        }
        CaseResult r = runner.run(c);
        if (r.observation) observed.push_back(observed_case(c, r));
        same_file.count(r.error || !r.verdict.ok());
        if (!c.same_file_only.empty()) ++same_file_only;
        else history.count(r.error || !r.history->ok());
        if (r.ok()) {
            ++passed;
            std::cout << "ok        " << c.id;
            if (!r.verdict.uncertain.empty()) {
                std::cout << "  (uncertain: ";
                for (std::size_t i = 0; i < r.verdict.uncertain.size(); ++i) std::cout << (i ? "; " : "") << r.verdict.uncertain[i];
                std::cout << ")";
            }
            std::cout << "\n";
            if (args.verbose) {
                std::cout << "          predicted: " << r.verdict.predicted << "\n";
                if (r.history && r.history->predicted != r.verdict.predicted) {
                    std::cout << "          (history): " << r.history->predicted << "\n";
                }
                if (!c.same_file_only.empty()) std::cout << "          same-file only: " << c.same_file_only << "\n";
                std::cout << "          observed:  " << r.verdict.observed << "\n";
            }
            std::cout.flush();
            continue;
        }
        ++failed;
        if (r.error) {
            std::cout << "MISMATCH  " << c.id << "  (" << location(c) << ")\n";
            std::cout << "          " << *r.error << "\n";
            continue;
        }
        report_mismatch(c, "same-file", r.verdict);
        if (r.history) report_mismatch(c, "history", *r.history);
    }
    if (!args.observed.empty()) {
        std::ofstream out(args.observed);
        out << nlohmann::json{{"server_version", server}, {"schema", *schema}, {"cases", observed}}.dump(1) << "\n";
        if (!out) {
            std::cerr << "error: cannot write " << args.observed << "\n";
            return 2;
        }
    }
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "ran " << passed + failed << " cases in " << static_cast<int>(seconds + 0.5) << " s\n";
    std::cout << "same-file: " << same_file.cases << " cases, " << same_file.mismatches << " mismatches\n";
    std::cout << "history:   " << history.cases << " cases, " << history.mismatches << " mismatches, " << same_file_only
              << " same-file only\n";
    std::cout << "conformance: " << passed << " passed, " << failed << " failed";
    if (skipped > 0) std::cout << ", " << skipped << " skipped (need a newer server)";
    std::cout << "\n";
    return failed == 0 ? 0 : 1;
}
