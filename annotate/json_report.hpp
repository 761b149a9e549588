#pragma once
// `--format json`: the documented, versioned report (docs/json-format.md,
// docs/pgfence-report.schema.json).
#include <ostream>

#include <nlohmann/json.hpp>

#include "analyze/facts.hpp"

namespace pgfence::annotate {

inline constexpr int k_json_schema_version = 1;

[[nodiscard]] nlohmann::json report_to_json(const analyze::Report& report);
// The same document, pretty-printed, written one file at a time (keeps peak memory low).
void write_json_report(const analyze::Report& report, std::ostream& out);

}  // namespace pgfence::annotate
