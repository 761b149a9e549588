#include "analyze/plan/plan_concurrent.hpp"

#include <cctype>
#include <sstream>

namespace pgfence::analyze::plan_concurrent {
namespace {

std::string upper_code(const std::string& unit) {
    std::istringstream in(unit);
    std::string line, out;
    while (std::getline(in, line)) {
        std::size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line.compare(start, 2, "--") == 0) continue;
        for (char c : line) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out += ' ';
    }
    return out;
}

}  // namespace

bool only_concurrent_index_work(const std::vector<std::string>& units) {
    int seen = 0;
    for (const auto& unit : units) {
        std::string code = upper_code(unit);
        if (code.find_first_not_of(" ;") == std::string::npos) continue;
        // One statement per unit: a second ';' before the end is something else as well.
        std::size_t semi = code.find(';');
        if (semi != std::string::npos && code.find_first_not_of(" ;", semi) != std::string::npos) return false;
        const bool index = code.find("CREATE INDEX CONCURRENTLY") != std::string::npos ||
                           code.find("CREATE UNIQUE INDEX CONCURRENTLY") != std::string::npos ||
                           code.find("DROP INDEX CONCURRENTLY") != std::string::npos ||
                           code.find("REINDEX INDEX CONCURRENTLY") != std::string::npos ||
                           code.find("REINDEX TABLE CONCURRENTLY") != std::string::npos;
        if (!index || (code.rfind("CREATE", 0) != 0 && code.rfind("DROP", 0) != 0 && code.rfind("REINDEX", 0) != 0)) return false;
        ++seen;
    }
    return seen > 0;
}

std::string without_default_timeout(const std::string& prefix) {
    static constexpr std::string_view line = "SET lock_timeout = '2s';  -- give up rather than queue traffic behind a lock; retry later\n";
    std::string out = prefix;
    if (std::size_t at = out.find(line); at != std::string::npos) out.erase(at, line.size());
    return out;
}

std::string unguarded_note() {
    return "concurrent index work (CREATE, DROP or REINDEX ... CONCURRENTLY) runs without the plan's lock_timeout: it waits "
           "for every transaction older than it, on any table, and under a 2s lock_timeout it would give up whenever one has "
           "been open that long, leaving an INVALID index that makes the migration fail when run again; its SHARE UPDATE "
           "EXCLUSIVE lock queues no reads or writes. "
           "If it fails anyway, drop the INVALID index first (DROP INDEX CONCURRENTLY IF EXISTS <name>), then run the "
           "migration again";
}

}  // namespace pgfence::analyze::plan_concurrent
