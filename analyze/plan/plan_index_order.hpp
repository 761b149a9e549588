// The order a plan takes a file's statements in: the file's, except where the file drops indexes
// and then builds others (Prisma's "updated indexes" migrations): the plan builds the new ones
// first and drops the old ones after, so that queries keep an index at every step of the deploy
// (issue #54, the DBA review dba70's ghostfolio 20260822000000: three DROP INDEX CONCURRENTLY
// first, then three builds, and "orders of user X" scanned the whole table for their duration).
#pragma once

#include <cstddef>
#include <vector>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {
class Catalog;
}

namespace pgfence::analyze::plan_index_order {

struct Order {
    std::vector<std::size_t> statements;  // every index of `stmts`, each once
    bool moved = false;                   // a drop now comes after a build that followed it
};

// The statements' order. A run of consecutive DROP INDEX and CREATE INDEX statements (the down
// part's left out) is reordered, builds first, only when every index it drops existed before the
// file (`start`) and is not unique (a unique one refuses writes: kept longer, it would refuse
// writes the original takes from its commit on), and every index it builds is named, with a name
// none of the drops frees (built first, it would meet the old index of that name).
[[nodiscard]] Order planned_order(const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
                                  std::size_t count, const Catalog* start);

}  // namespace pgfence::analyze::plan_index_order
