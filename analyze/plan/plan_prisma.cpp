#include "analyze/plan/plan_prisma.hpp"

#include <algorithm>

namespace pgfence::analyze::plan_prisma {

bool is_walk(std::string_view sql) { return sql.find("DO $pgfence_walk$") != std::string_view::npos; }

std::string by_hand_decline(std::string_view sql) {
    std::string first;
    for (std::size_t at = 0; at < sql.size();) {
        std::size_t end = std::min(sql.find('\n', at), sql.size());
        std::string_view line = sql.substr(at, end - at);
        at = end + 1;
        while (!line.empty() && (line.front() == '-' || line.front() == ' ')) line.remove_prefix(1);
        if (line.empty()) continue;
        first = std::string(line.substr(0, 100));
        break;
    }
    return "the plan has a step to run by hand (" + first + "), and `prisma migrate deploy` runs the migration folders and "
           "nothing else: where it deploys unattended (a container's entrypoint, a CI job) that step never runs, and the "
           "database differs from what the original leaves; by hand: keep the statement in its migration, with lock_timeout, "
           "or do that work before the deploy on every database the migrations reach";
}

std::string failure_note(const std::vector<PlanStep>& steps) {
    const bool can_fail = std::any_of(steps.begin(), steps.end(), [](const PlanStep& s) {
        return s.run != PlanRun::out_of_band && (s.sql.find("lock_timeout") != std::string::npos ||
                                                 s.sql.find("CONCURRENTLY") != std::string::npos || is_walk(s.sql));
    });
    if (!can_fail) return {};
    return "Prisma records a migration that fails as failed (a lock_timeout that gives up, a CREATE INDEX CONCURRENTLY that "
           "fails and leaves an INVALID index, a batched walk stopped part-way), and every later `prisma migrate deploy` then "
           "stops with P3009 (a deploy at each start fails at each start) until someone runs `prisma migrate resolve "
           "--rolled-back <folder>` (after `DROP INDEX CONCURRENTLY IF EXISTS` of an INVALID index it left) and deploys again";
}

}  // namespace pgfence::analyze::plan_prisma
