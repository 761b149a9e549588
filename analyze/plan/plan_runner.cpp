#include "analyze/plan/plan_runner.hpp"

#include <algorithm>
#include <cctype>

namespace pgfence::analyze::plan_runner {

namespace {

bool contains_ci(std::string_view text, std::string_view needle) {
    return std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
               return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
           }) != text.end();
}

constexpr const char* k_unknown = "pgfence does not know how the project's runner runs these files (no migration tool detected; "
                                  "`tool = ...` in the configuration names one)";

}  // namespace

std::string unknown_runner_decline(const std::vector<PlanStep>& steps) {
    bool view_made = false;
    for (const auto& step : steps) {
        if (step.run == PlanRun::out_of_band) continue;
        if (view_made && contains_ci(step.sql, "DROP VIEW")) {
            return std::string(k_unknown) + ": the plan puts a view in a table's place in one migration and swaps it back in "
                   "a later one, which is safe only if the runner commits each file before the next and nothing between them "
                   "alters the table; a runner that runs every pending file in one transaction (memos' does) runs the next "
                   "migrations' ALTER TABLE against the view, and the whole upgrade rolls back. No plan is offered; by hand: "
                   "rename in one migration with a release that uses the new name, or use expand/contract";
        }
        view_made = view_made || contains_ci(step.sql, "CREATE VIEW");
    }
    return {};
}

std::string unknown_runner_note(const std::vector<PlanStep>& steps) {
    int migrations = 0;
    bool outside = false, local = false;
    for (const auto& step : steps) {
        if (step.run == PlanRun::out_of_band) continue;
        ++migrations;
        outside = outside || step.run == PlanRun::no_transaction;
        local = local || contains_ci(step.sql, "SET LOCAL");
    }
    std::string needs;
    if (migrations > 1) needs = "each of its " + std::to_string(migrations) + " migrations committed before the next runs";
    if (outside) needs += std::string(needs.empty() ? "" : "; ") + "a migration marked no transaction run outside any transaction";
    if (local) needs += std::string(needs.empty() ? "" : "; ") + "each migration run inside a transaction (its SET LOCAL guards nothing otherwise)";
    if (needs.empty()) return {};
    return std::string(k_unknown) + ": this plan assumes " + needs +
           ". A runner that runs every pending file in one transaction breaks that: check how yours runs them before using it";
}

}  // namespace pgfence::analyze::plan_runner
