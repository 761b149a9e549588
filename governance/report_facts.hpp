#pragma once
// What the policy reads from a pgfence report (docs/json-format.md): findings with their lines,
// risks and sizes, and per statement whether it blocks traffic and the lock_timeout it runs
// under. Read once, checked as it is read, so the evaluation never meets a missing key.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "analyze/model/findings.hpp"

namespace pgfence::governance {

struct FindingFacts {
    std::string rule;
    analyze::Risk risk = analyze::Risk::None;
    int line = 0;  // start.line
    bool pre_existing = false;
    std::string relation;  // "" when the finding names none
    std::string message;
    std::optional<int> statement;          // the statement's index
    std::optional<long long> table_bytes;  // size.table_bytes, when the table was measured
    // Suppressed entries: the pgfence-ignore comment's line, and whether `pgfence pr` found it on
    // the base branch (nullopt: the report does not say, as `analyze` reports do not).
    int suppression_line = 0;
    std::optional<bool> suppression_on_base;
};

struct StatementFacts {
    int index = 0;
    int line = 0;
    bool blocks_traffic = false;             // blocks reads or writes of a relation that existed before
    std::optional<std::string> lock_timeout;  // settings.lock_timeout in force; nullopt: not set
    std::vector<std::string> relations;      // locked relations that existed before the migration
};

struct FileFacts {
    std::string path;
    std::vector<FindingFacts> findings;
    std::vector<FindingFacts> suppressed;  // hidden by a pgfence-ignore comment
    std::vector<StatementFacts> statements;
    // Why the file could not be read (`error`; "" when it was read): what it runs is unknown.
    std::string error;
};

struct ReportFacts {
    std::vector<FileFacts> files;
    // Measured heap sizes (size.table_bytes) by the relation and the table the findings name.
    std::map<std::string, long long> table_bytes;
};

// `document` is a report or the upload envelope ({"report": {...}}). An error names the first
// member that is missing or of the wrong type ("files[0].findings[2].risk: ...").
[[nodiscard]] analyze::Result<ReportFacts> read_report(const nlohmann::json& document);

}  // namespace pgfence::governance
