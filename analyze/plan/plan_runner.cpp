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

// The statements of `sql` that PostgreSQL refuses inside a transaction block, comments left out:
// each line of code that says CONCURRENTLY (the plan writes one statement a line).
int concurrent_statements(std::string_view sql) {
    int n = 0;
    std::size_t at = 0;
    while (at < sql.size()) {
        std::size_t end = sql.find('\n', at);
        if (end == std::string_view::npos) end = sql.size();
        std::string_view line = sql.substr(at, end - at);
        std::size_t start = line.find_first_not_of(" \t\r");
        if (start != std::string_view::npos && line.substr(start, 2) != "--" && contains_ci(line, "CONCURRENTLY")) ++n;
        at = end + 1;
    }
    return n;
}

}  // namespace

std::string unknown_runner_outside_decline(const std::vector<PlanStep>& steps, std::string_view folder) {
    int migration = 0;
    for (const auto& step : steps) {
        if (step.run == PlanRun::out_of_band) continue;
        ++migration;
        if (step.run != PlanRun::no_transaction) continue;
        const int concurrent = concurrent_statements(step.sql);
        return "the tool that runs " + std::string(folder.empty() ? "these files" : std::string(folder) + "/") +
               " is not known (no migration tool detected, and no command of the project runs them with psql; where psql -f "
               "runs them, one file a run, say so with `tool = \"psql\"` in .pgfence.toml): pgfence cannot prove a plan deploys. Its migration " + std::to_string(migration) +
               " runs outside a transaction" + (concurrent > 1 ? " (" + std::to_string(concurrent) + " CONCURRENTLY statements in one file)" : "") +
               ", which a runner that wraps each file in a transaction (golang-migrate, dbmate, most own runners: BEGIN, the "
               "whole file, COMMIT) fails with \"cannot run inside a transaction block\"; only one that sends the file statement "
               "by statement outside any (psql -f) runs it. No plan is offered; by hand: find how your runner runs a file, and "
               "build the index CONCURRENTLY the way it allows (a file of its own it runs outside a transaction, or out of band)";
    }
    return {};
}

std::string one_query_concurrent_decline(const std::vector<PlanStep>& steps) {
    int migration = 0;
    for (const auto& step : steps) {
        if (step.run == PlanRun::out_of_band) continue;
        ++migration;
        if (step.run != PlanRun::no_transaction || concurrent_statements(step.sql) < 2) continue;
        return "migration " + std::to_string(migration) + " of the plan would hold " + std::to_string(concurrent_statements(step.sql)) +
               " CONCURRENTLY statements in one file, which the tool sends as one query: PostgreSQL runs that as one implicit "
               "transaction and refuses them (\"cannot run inside a transaction block\"); by hand: one such statement a file";
    }
    return {};
}

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
