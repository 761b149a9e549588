#pragma once
// Releases are part of the plan (issue #54, section 2). A plan that asks for an application
// release before its migrations ("deploy code that no longer reads or writes W", the safe form of
// a DROP TABLE whose rows the file reads first) must not put that release before a migration
// whose data the new release needs: a column or table the file adds (the new code reads a column
// that does not exist yet), or a fill that reads W (the new code no longer writes W, so the rows
// it creates in between get no value, silently). The oracle cannot know what a release does; the
// composer knows the order, and declines.
#include <cstddef>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::plan_releases {

// Why a release that stops using `table` (the statement at `drop`, whose safe form it is) cannot
// come before the other statements of the file, naming the first one that needs the new release's
// data; "" when none does.
[[nodiscard]] std::string release_first_conflict(const std::vector<StatementFacts>& facts, const std::vector<const pg::Node*>& nodes,
                                                 const std::string& table, std::size_t drop);

}  // namespace pgfence::analyze::plan_releases
