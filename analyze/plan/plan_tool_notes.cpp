#include "analyze/plan/plan_tool_notes.hpp"

#include <algorithm>

#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan_prisma.hpp"

namespace pgfence::analyze::plan_tool_notes {
namespace {

// A step the tool runs (not one by hand) that can stop part-way: a lock_timeout that gives up,
// a CONCURRENTLY build or drop, a batched walk.
bool can_fail(const PlanStep& s) {
    return s.run != PlanRun::out_of_band && (s.sql.find("lock_timeout") != std::string::npos ||
                                             s.sql.find("CONCURRENTLY") != std::string::npos || plan_prisma::is_walk(s.sql));
}

bool any_step(const std::vector<PlanStep>& steps, bool outside_transaction_only) {
    return std::any_of(steps.begin(), steps.end(), [&](const PlanStep& s) {
        return can_fail(s) && (!outside_transaction_only || s.run == PlanRun::no_transaction);
    });
}

// The version written in a Flyway file name (V2_1__x.sql: "2.1"), "" when none.
std::string flyway_version(std::string_view name) {
    std::size_t sep = name.find("__");
    if (sep == std::string_view::npos || sep < 2) return {};
    std::string out(name.substr(1, sep - 1));
    for (char& c : out) c = c == '_' ? '.' : c;
    return out;
}

std::string dotted(std::string v) {
    for (char& c : v) c = c == '_' ? '.' : c;
    return v;
}

std::string joined(const std::vector<std::string>& versions) {
    std::string out;
    for (std::size_t i = 0; i < versions.size(); ++i) out += (i ? ", " : "") + dotted(versions[i]);
    return out;
}

}  // namespace

std::string failure_note(MigrationTool tool, const std::vector<PlanStep>& steps) {
    switch (tool) {
    case MigrationTool::Prisma:
        return plan_prisma::failure_note(steps);
    case MigrationTool::GolangMigrate:
        if (!any_step(steps, false)) return {};
        return "golang-migrate marks a migration's version dirty before running it and clean only after it succeeds: a step "
               "that fails (a lock_timeout that gives up, a CREATE INDEX CONCURRENTLY that leaves an INVALID index, a batched "
               "walk stopped part-way) leaves the database dirty, and every later `migrate up` refuses (\"Dirty database "
               "version N. Fix and force version.\"; an application that migrates at start fails at each start) until someone "
               "removes what the step left (`DROP INDEX CONCURRENTLY IF EXISTS` of an INVALID index), runs `migrate force "
               "<the version before it>` and migrates again";
    case MigrationTool::Flyway:
        if (!any_step(steps, true)) return {};
        return "Flyway records a migration that runs outside a transaction and fails as failed (a CREATE INDEX CONCURRENTLY "
               "that leaves an INVALID index, a lock_timeout that gives up there), and every later `flyway migrate` stops "
               "(\"contains a failed migration to version N\"; an application that migrates at start fails at each start) "
               "until someone removes what it left (`DROP INDEX CONCURRENTLY IF EXISTS` of an INVALID index), runs `flyway "
               "repair` and migrates again; a migration in a transaction that fails is rolled back, not recorded, and runs "
               "again at the next migrate";
    case MigrationTool::Goose:
    case MigrationTool::Dbmate: {
        if (!any_step(steps, true)) return {};
        const std::string name = tool == MigrationTool::Goose ? "goose" : "dbmate";
        return name + " runs a migration outside a transaction statement by statement and records its version only after "
               "the last one: a step that fails part-way (a CREATE INDEX CONCURRENTLY that leaves an INVALID index, a "
               "lock_timeout that gives up) keeps what ran before it, records nothing, and the next `" + name +
               " up` runs the whole file again from its first statement (drop an INVALID index it left first)";
    }
    default:
        return {};
    }
}

std::string flyway_locations_note(const std::vector<std::string>& own_set, const std::vector<std::string>& chosen,
                                  const std::vector<std::string>& others, const std::string& root) {
    std::vector<std::string> named;
    for (const auto& other : others) {
        const std::string v = flyway_version(path_name(other));
        bool hit = std::any_of(own_set.begin(), own_set.end(), [&](const std::string& mine) { return dotted(mine) == v; });
        if (!hit || named.size() >= 3) continue;
        std::string shown = other;
        if (!root.empty() && shown.starts_with(root + "/")) shown = shown.substr(root.size() + 1);
        if (std::find(named.begin(), named.end(), shown) == named.end()) named.push_back(shown);
    }
    std::string which;
    for (std::size_t i = 0; i < named.size(); ++i) which += (i ? ", " : "") + named[i];
    which = named.empty() ? "a Flyway migration in another folder, which Flyway may load with this one, sorts between this file and them"
                          : which + ", in a folder Flyway may load with this one, already " + (named.size() == 1 ? "has" : "have") +
                                " that version";
    return "the plan's Flyway versions are " + joined(chosen) + ", not " + joined(own_set) + ": " + which +
           ", and Flyway refuses two migrations of one version (it loads all its locations as one set ordered by "
           "version); pgfence does not read which locations a deploy names, so it counts the Flyway files of the folders "
           "given with this one" + (root.empty() ? std::string() : " and of every folder under " + root);
}

}  // namespace pgfence::analyze::plan_tool_notes
