#pragma once
// `--format json`: the documented, versioned report (docs/json-format.md,
// docs/pgfence-report.schema.json).
#include <ostream>

#include "analyze/facts.hpp"

namespace pgfence::annotate {

inline constexpr int k_json_schema_version = 1;

// The document, pretty-printed, streamed one file at a time (keeps peak memory low).
void write_json_report(const analyze::Report& report, std::ostream& out);

}  // namespace pgfence::annotate
