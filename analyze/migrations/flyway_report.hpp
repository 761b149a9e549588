#pragma once
// What a Flyway placeholder without a known value does to a file's report: the statement it
// stands in (or after) is unknown, whatever it parsed as.
#include <string>

#include "analyze/migrations/conventions.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::analyze::tools {

// Marks the statements of `report` that hold one of source.replaced.unknown: unknown to the lock
// model (the unknown-statement rule reports them), with a note naming the placeholder and why.
void mark_unknown_placeholders(FileReport& report, const PreparedSource& source, const std::string& path);

}  // namespace pgfence::analyze::tools
