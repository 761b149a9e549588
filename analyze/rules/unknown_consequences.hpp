#pragma once
#include <functional>
#include <string>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// A HIGH or CRITICAL finding on a table pgfence never saw made (its lock fact is not new, and the
// schema the file starts from does not hold it), after a statement of the same file pgfence could
// not read whose text names that table and may make one (it spells CREATE, or a helper's
// createTable: metriport's shared.createTable(queryInterface, "patient_cohort", ...) from a module
// it does not read): that statement may have made the table, new and empty, and then the finding
// does not apply. It is a consequence of the unknown statement, which is reported as one
// (unknown-statement): MEDIUM, saying which statement it hangs on.
// `known_before(relname)`: the schema the file starts from holds the relation. The report's and
// its statements' risks are set again. True when a finding changed.
bool cap_consequences_of_unknowns(FileReport& report, const std::function<bool(const std::string&)>& known_before);

}  // namespace pgfence::analyze::rules
