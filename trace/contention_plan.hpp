#pragma once
// What other sessions contend for while a statement that cannot run in a transaction block
// (CONCURRENTLY, VACUUM) is watched, derived from its predicted locks and the live catalog
// instead of being written by hand: the tables it locks and their partitions and children
// are held, the indexes it drops or rebuilds are pinned, the names of indexes it creates are
// squatted (see trace::Contention).
#include "analyze/model/facts.hpp"
#include "trace/contention.hpp"

namespace pgfence::trace {

[[nodiscard]] Result<Contention> plan_contention(const analyze::StatementFacts& facts, Connection& observer);

// "\"public\".\"orders\"" for "public.orders" (a normalised name).
[[nodiscard]] std::string quoted_name(const std::string& normalised);

}  // namespace pgfence::trace
