#pragma once
// Finding a statement of a report by its text, for the unit tests that check facts.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze::testing {

// The statement whose SQL is exactly `sql` (the last one, when it appears more than once).
inline const StatementFacts& find(const FileReport& report, const std::string& sql) {
    const StatementFacts* found = nullptr;
    for (const auto& s : report.statements) {
        if (s.sql == sql) found = &s;
    }
    if (found == nullptr) FAIL("no statement `" << sql << "`");
    return *found;
}

}  // namespace pgfence::analyze::testing
