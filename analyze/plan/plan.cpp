#include "analyze/plan/plan.hpp"
#include <utility>
#include "analyze/plan/plan_composer.hpp"
#include "analyze/plan/plan_temporal.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/orm/script_tools.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan_concurrent.hpp"
#include "analyze/plan/plan_fills.hpp"
#include "analyze/plan/plan_objects.hpp"
#include "analyze/plan/plan_releases.hpp"
#include "analyze/plan/plan_survey.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/plan/plan_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rename_chains.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {

std::string_view plan_run_name(PlanRun run) {
    switch (run) {
        case PlanRun::in_transaction: return "in transaction";
        case PlanRun::no_transaction: return "no transaction";
        case PlanRun::out_of_band: return "out of band";
    }
    return "in transaction";
}

Plan no_plan(std::string why) {
    Plan plan;
    plan.summary = "no plan offered";
    plan.declined = std::move(why);
    return plan;
}

namespace {

// Whether `node` holds `$1` (ParamRef): the text pgfence renders for a value an ORM call binds
// at run time that it does not know (knex_bindings.cpp, knex_query.cpp, sequelize.cpp). Written
// into a plan's step as SQL it fails ("there is no parameter $1", knex 3.3.0 client.raw sends it
// with no bindings), or with a value would change other rows than the call did (review87:
// speckle's whereNotIn update rendered without its WHERE). Also a column named "$1", how an
// unknown identifier replacement is rendered (sequelize_replacements.cpp).
bool holds_parameter(const pg::Node* node) {
    bool found = false;
    auto visit = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr || found) return;
        if (pg::is<ParamRef>(n)) { found = true; return; }
        if (const auto* col = pg::as<ColumnRef>(n)) {
            for (const pg::Node* f : pg::each(col->fields)) {
                if (const auto* str = pg::as<String>(f); str != nullptr && str->sval != nullptr && str->sval[0] == '$' &&
                                                        std::isdigit(static_cast<unsigned char>(str->sval[1]))) {
                    found = true;
                }
            }
            return;
        }
        if (const auto* alter = pg::as<AlterTableStmt>(n)) {  // a DEFAULT or a USING of a subcommand
            for (const pg::Node* c : pg::each(alter->cmds)) {
                if (const auto* cmd = pg::as<AlterTableCmd>(c)) self(self, cmd->def);
            }
            return;
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    visit(visit, node);
    return found;
}

}  // namespace

bool plan_wanted(const FileReport& report) {
    // A safe rewrite to paste, or a HIGH finding (a transaction to split is the plan's grouping;
    // a statement without a safe form still gets lock_timeout and a migration of its own).
    return !report.statements.empty() && std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) {
        return f.recipe.has_value() || f.risk >= Risk::High;
    });
}

void compose_plan(FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
                  const Catalog* catalog, const KnownMigrations* known, const Catalog* start, bool psql_runs) {
    if (!plan_wanted(report)) return;
    // What does not parse cannot be planned around: nothing says what it locks or changes.
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        const StatementFacts& s = report.statements[i];
        if (s.status != StatementStatus::Unparsable || (i < down.size() && down[i])) continue;
        report.plan = no_plan("line " + std::to_string(s.span.start.line) +
                              " does not parse, so pgfence cannot tell what a plan around it would change: fix it, or make "
                              "this change by hand, with the findings' advice");
        return;
    }
    // A statement holding a value pgfence did not know (`$1`) is not the statement the call runs:
    // no step may carry it as SQL, and the plan writer cannot keep the ORM call in its place.
    for (std::size_t i = 0; i < report.statements.size() && i < stmts.size(); ++i) {
        if ((i < down.size() && down[i]) || pg::is<PrepareStmt>(stmts[i]) || !holds_parameter(stmts[i])) continue;
        report.plan = no_plan("line " + std::to_string(report.statements[i].span.start.line) +
                              " binds a value, which pgfence reads as $1: a plan step cannot carry it as SQL (nor can the "
                              "plan writer keep the ORM call), so make this change by hand, with the findings' advice");
        return;
    }
    // sequelize's bulkInsert is read as `INSERT INTO t DEFAULT VALUES` (sequelize.cpp): its rows are
    // not rendered, and a step of that SQL would insert one row of defaults instead of them.
    for (std::size_t i = 0; report.source_kind == "sequelize" && i < report.statements.size() && i < stmts.size(); ++i) {
        const auto* insert = pg::as<InsertStmt>(stmts[i]);
        if ((i < down.size() && down[i]) || insert == nullptr || insert->selectStmt != nullptr) continue;
        report.plan = no_plan("line " + std::to_string(report.statements[i].span.start.line) +
                              " inserts rows pgfence does not render (read as DEFAULT VALUES): a plan step cannot carry "
                              "them as SQL, so make this change by hand, with the findings' advice");
        return;
    }
    report.plan = Composer(report, stmts, down, catalog, known, start, psql_runs).compose();
    fit_temporal_plan(report);  // a manifest's layout (plan_temporal.hpp)
    // A plan that resolves no finding (the file's are advice it does not follow, or have no safe
    // form) would only move statements apart, each move a chance to differ: none is offered
    // (the outside DBA's teable share_meta: two UPDATEs split for no gain).
    // With a HIGH or CRITICAL finding the file says so, rather than go without a plan unexplained.
    if (report.plan && report.plan->declined.empty() && report.plan->replaced.empty()) {
        bool high = std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.risk >= Risk::High; });
        if (high) {
            report.plan = no_plan("no statement of the file has a safe form pgfence can write, so a plan would only move "
                                  "statements apart: make this change by hand, with the findings' advice");
        } else {
            report.plan.reset();
        }
    }
}

PlanCheck check_plan(const FileReport& original, const AnalyzeOptions& options,
                     const std::shared_ptr<const Catalog>& before) {
    PlanCheck out;
    if (!original.plan) return out;
    const Plan& plan = *original.plan;
    Catalog catalog = before ? *before : Catalog();
    // Tables the file changes that no history defines: known to the check as empty entries, so
    // that what the plan's own steps record of them (a CHECK validated in one migration, which
    // the next one's SET NOT NULL takes as proof) carries from step to step.
    for (const auto& s : original.statements) {
        for (const auto& lock : s.locks) {
            if (lock.kind != "table" || lock.is_new || lock.relation.find('"') != std::string::npos) continue;
            std::string relname = lock.relation.substr(lock.relation.rfind('.') == std::string::npos ? 0 : lock.relation.rfind('.') + 1);
            if (!relname.empty() && std::as_const(catalog).find(relname) == nullptr) (void)catalog.add(relname, lock.relation, "table");
        }
    }
    AnalyzeOptions step_options = options;
    step_options.history = nullptr;
    step_options.chain = nullptr;
    step_options.single_transaction = false;
    step_options.check_plans = false;
    step_options.compose_plans = false;
    std::set<std::string, std::less<>> replaced(plan.replaced.begin(), plan.replaced.end());
    std::set<std::string, std::less<>> original_high;  // rules with HIGH findings the plan does not resolve
    for (const auto& f : original.findings) {
        if (f.risk >= Risk::High && replaced.count(f.rule) == 0) original_high.insert(f.rule);
        // TRUNCATE ... CASCADE is reported by truncate-cascade instead of truncate; the plan's
        // TRUNCATE of the listed tables keeps the truncate finding the original had in it.
        if (f.risk >= Risk::High && f.rule == "truncate-cascade") original_high.insert("truncate");
    }
    // What each step creates and drops, against the catalog as it finds it; what the original
    // file itself creates twice or finds existing (a history the catalog knows imperfectly) is
    // not the plan's doing.
    PlanObjects objects;
    std::set<std::string> original_objects;
    {
        PlanObjects file_objects;
        std::string text;
        for (const auto& s : original.statements) text += s.sql + ";\n";
        for (auto& p : file_objects.read(text, before.get())) original_objects.insert(std::move(p));
    }
    // Where the project's settings were read (pr) and leave TypeORM at "all" (its default;
    // typeorm MigrationExecutor.executePendingMigrations: one transaction around every pending
    // migration), the plan's migrations run in one transaction, each under the locks of the ones
    // before it: a plan of several is no better than the original as deployed (issue #54, review
    // 90: laudspeaker's 4-migration plan blocked the writer 14.4 s, the original 12.3 s). A
    // migration cannot opt out by itself (its `transaction` throws
    // ForbiddenTransactionModeOverrideError under "all"), so such a plan is not offered.
    const auto tool_runs = std::count_if(plan.steps.begin(), plan.steps.end(), [](const PlanStep& s) { return s.run != PlanRun::out_of_band; });
    if (original.source_kind == "typeorm" && tool_runs >= 2 && options.marker_tools != nullptr && options.typeorm_transaction_all) {
        out.problems.push_back("its " + std::to_string(tool_runs) + " migrations run in one transaction, unsafe as deployed: TypeORM runs "
                               "every pending migration in one transaction under migrationsTransactionMode \"all\", its default, which "
                               "no DataSource option or `migration:run --transaction each|none` in the project's files changes; run "
                               "with `typeorm migration:run --transaction each` (or migrationsTransactionMode: \"each\") and the plan is offered");
    }
    for (std::size_t k = 0; k < plan.steps.size(); ++k) {
        const PlanStep& step = plan.steps[k];
        // Where the project's settings were read (pr) and leave TypeORM at "all", a migration
        // outside the transaction stops the whole run (ForbiddenTransactionModeOverrideError):
        // such a plan does not deploy as the project runs it.
        if (original.source_kind == "typeorm" && step.run == PlanRun::no_transaction && options.marker_tools != nullptr &&
            options.typeorm_transaction_all) {
            out.problems.push_back(step.title + ": sets `transaction = false`, which TypeORM refuses under the project's "
                                   "migrationsTransactionMode \"all\" (ForbiddenTransactionModeOverrideError: nothing runs)");
        }
        for (const auto& problem : objects.read(step.sql, &catalog)) {
            if (original_objects.count(problem) == 0) out.problems.push_back(step.title + ": " + problem);
        }
        if (step.run == PlanRun::out_of_band) {
            out.migrations.emplace_back();
            continue;
        }
        std::string text = step.sql;
        bool has_begin = starts_with_ci(without_comments(text), "BEGIN");
        if (step.run == PlanRun::in_transaction && !has_begin) text = "BEGIN;\n" + text + "\nCOMMIT;\n";
        FileReport r = analyze_text("plan-step-" + std::to_string(k + 1) + ".sql", text, step_options, {}, catalog);
        for (const auto& s : r.statements) {
            if (s.status == StatementStatus::Unparsable) {
                std::string problem = step.title + ": line " + std::to_string(s.span.start.line) + " does not parse" +
                                      (s.parse_error ? ": " + s.parse_error->message : std::string());
                bool kept = original_high.count("unparsable-statement") > 0;
                if (!kept && out.unparsable.empty()) out.unparsable = problem;
                (kept ? out.kept : out.problems).push_back(std::move(problem));
            }
        }
        for (const auto& f : r.findings) {
            // A rule the plan resolves counts from MEDIUM: an instant catalog change after
            // another in one migration stays LOW, and the index a foreign key asks for is
            // built in a later migration of the plan.
            bool resolved_here = replaced.count(f.rule) > 0 && f.risk >= Risk::Medium && role_of(f.rule) != Role::add;
            // A tool that sends a migration as one query cannot set lock_timeout beside a
            // statement that must run alone.
            bool alone_in_query = step.run == PlanRun::no_transaction && !contains_ci(step.sql, "SET lock_timeout") &&
                                  (f.rule == "lock-timeout-missing" || f.rule == "statement-timeout-missing");
            if (alone_in_query) continue;
            std::string line = step.title + ": " + f.rule + " (" + std::string(risk_name(f.risk)) + "): " + f.message;
            if (resolved_here) out.problems.push_back(line);
            else if (f.risk >= Risk::High) (original_high.count(f.rule) > 0 ? out.kept : out.problems).push_back(line);
        }
        out.migrations.push_back(std::move(r));
    }
    return out;
}

std::string plan_relative_path(std::string_view path) {
    std::string out;
    std::size_t at = 0;
    while (at <= path.size()) {
        std::size_t slash = path.find('/', at);
        std::string_view part = path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
        if (!part.empty() && part != "." && part != "..") {
            std::string clean;
            for (char c : part) clean += (static_cast<unsigned char>(c) < 0x20 || c == '\\') ? '_' : c;
            out += (out.empty() ? "" : "/") + clean;
        }
        if (slash == std::string_view::npos) break;
        at = slash + 1;
    }
    return out.empty() ? "plan.sql" : out;
}

}  // namespace pgfence::analyze
