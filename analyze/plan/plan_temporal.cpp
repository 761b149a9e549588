#include "analyze/plan/plan_temporal.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan.hpp"
#include "analyze/migrations/temporal_manifest.hpp"

#include <algorithm>

namespace pgfence::analyze {

// A file prepare_source read as a listed file of a Temporal version (conventions.cpp
// prepare_temporal): its first statement carries the tool's note. Its runner is known:
// temporal-sql-tool runs each statement by itself, outside a transaction (plan_compose.cpp).
bool temporal_file(const FileReport& report);
bool temporal_file(const FileReport& report) {
    if (!tools::temporal_version_file(report.path) || report.statements.empty()) return false;
    const auto& notes = report.statements.front().notes;
    return std::any_of(notes.begin(), notes.end(), [](const std::string& n) { return n.starts_with(tools::k_temporal_note); });
}

void fit_temporal_plan(FileReport& report) {
    if (!report.plan || !report.plan->declined.empty() || !temporal_file(report)) return;
    std::string added;
    for (const auto& step : report.plan->steps) {
        if (step.run == PlanRun::out_of_band) continue;  // run by hand, never by the tool
        if (step.path == report.path || (path_name(step.path) == path_name(report.path) && path_folder(step.path).empty())) continue;
        added += (added.empty() ? "" : ", ") + step.path;
    }
    if (added.empty()) {
        report.plan->notes.push_back("temporal-sql-tool runs this file's statements one by one, outside a transaction; the plan "
                                     "rewrites the file in place, which its version's manifest.json already lists");
        return;
    }
    // updatetask.go parseSQLStmts reads manifest.SchemaUpdateCqlFiles only.
    report.plan = no_plan("temporal-sql-tool runs only the files its version's manifest.json lists, and this plan adds " + added +
                          ", which pgfence does not add to SchemaUpdateCqlFiles: make the change by hand, with the findings' "
                          "advice, listing each new file in manifest.json after " + std::string(path_name(report.path)));
}

}  // namespace pgfence::analyze
