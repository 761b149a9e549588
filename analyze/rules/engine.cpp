#include "analyze/rules/engine.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <tuple>

#include "analyze/model/if_not_exists.hpp"
#include "analyze/orm/fixes.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/rules/finding_room.hpp"
#include "analyze/rules/do_block_view.hpp"
#include "analyze/rules/one_cause.hpp"
#include "analyze/rules/suppressions.hpp"

namespace pgfence::analyze::rules {

bool rule_active(const Rule& rule, const Options& options) {
    std::string_view id(rule.id);
    if (options.disabled.find(id) != options.disabled.end()) return false;
    return rule.default_enabled || (rule.strict && options.strict) || options.enabled.find(id) != options.enabled.end();
}

namespace {

bool matches(const Suppression& s, const Finding& f) {
    if (s.retired_only) return false;
    if (s.statement == -1) return s.ids.empty() || s.ids.count(f.rule) > 0;
    return s.statement == f.statement && (s.ids.empty() || s.ids.count(f.rule) > 0);
}

void report_unused(std::vector<Suppression>& suppressions, std::vector<Finding>& findings, const Options& options) {
    const Rule* rule = find_rule("unused-suppression");
    if (rule == nullptr || !rule_active(*rule, options)) return;
    Sink sink(rule->id, rule->default_risk, findings);
    for (const auto& s : suppressions) {
        for (const auto& id : s.ids) {
            if (find_rule(id) == nullptr) {
                sink.add_at(s.where, s.where_end, "pgfence-ignore names unknown rule '" + id + "'");
            }
        }
        // One in the original pgfence's form gets one note, old-suppression-syntax's, which
        // says when it matched nothing too.
        if (s.old_syntax || !s.old_ids.empty()) continue;
        // One that hides nothing by its own fault is reported by the rule that says why.
        if (s.used || s.state != SuppressionState::active) continue;
        std::string scope = s.statement == -1 ? "in this file" : s.statement == -2 ? "(no statement follows it)"
                                                                                 : "on the statement after it";
        std::string what = s.ids.empty() ? "finding" : "finding of " + rule_list(s);
        Finding& f = sink.add_at(s.where, s.where_end, "pgfence-ignore matched nothing: no " + what + " " + scope);
        if (s.statement >= 0) f.statement = s.statement;
    }
}

// Suppressions that hide nothing (malformed, expired, without the owner the policy requires),
// each reported by its rule, when that rule is on.
void report_inactive(const std::vector<Suppression>& suppressions, std::vector<Finding>& findings, const Options& options) {
    struct Reporter {
        SuppressionState state;
        const char* rule;
        void (*report)(const Suppression&, Sink&);
    };
    static constexpr Reporter k_reporters[] = {
        {SuppressionState::invalid, "invalid-suppression", report_invalid_suppression},
        {SuppressionState::expired, "expired-suppression", report_expired_suppression},
        {SuppressionState::missing_owner, "suppression-missing-owner", report_suppression_missing_owner},
    };
    if (const Rule* rule = find_rule("old-suppression-syntax"); rule != nullptr && rule_active(*rule, options)) {
        Sink sink(rule->id, rule->default_risk, findings);
        for (const auto& s : suppressions) {
            if (s.old_syntax || !s.old_ids.empty()) report_old_suppression_syntax(s, sink);
        }
    }
    for (const auto& reporter : k_reporters) {
        const Rule* rule = find_rule(reporter.rule);
        if (rule == nullptr || !rule_active(*rule, options)) continue;
        Sink sink(rule->id, rule->default_risk, findings);
        for (const auto& s : suppressions) {
            if (s.state == reporter.state) reporter.report(s, sink);
        }
    }
}

// An edit is kept only where it is an edit of this very text: within it, for a statement whose
// text is the file's own at its span (an ORM script's SQL is not, nor a statement the splitter
// rebuilt), so applying it changes what the rule read and nothing else.
bool edit_fits(const TextEdit& edit, int statement, const FileReport& report, std::string_view text) {
    if (statement < 0 || static_cast<std::size_t>(statement) >= report.statements.size()) return false;
    const StatementFacts& s = report.statements[static_cast<std::size_t>(statement)];
    if (s.span.begin > s.span.end || s.span.end > text.size()) return false;
    if (text.substr(s.span.begin, s.span.end - s.span.begin) != s.sql) return false;
    return edit.begin <= edit.end && edit.end <= text.size();
}

// A finding about one subcommand of a multi-clause ALTER TABLE points at that subcommand, where
// the statement itself is only its head; a rule that chose a narrower place (a column) keeps it.
void point_at_subcommands(std::vector<Finding>& findings, const FileReport& report) {
    for (auto& f : findings) {
        if (f.subcommand < 0 || f.statement < 0 || static_cast<std::size_t>(f.statement) >= report.statements.size()) continue;
        const StatementFacts& s = report.statements[static_cast<std::size_t>(f.statement)];
        if (static_cast<std::size_t>(f.subcommand) >= s.subcommands.size()) continue;
        if (f.start.line != s.span.start.line || f.start.column != s.span.start.column) continue;
        f.start = s.subcommands[static_cast<std::size_t>(f.subcommand)].start;
        f.stop = s.subcommands[static_cast<std::size_t>(f.subcommand)].stop;
    }
}

}  // namespace

void recompute_risks(FileReport& report) {
    report.risk = Risk::None;
    for (auto& s : report.statements) s.risk = Risk::None;
    for (const auto& f : report.findings) {
        report.risk = std::max(report.risk, f.risk);
        if (f.statement >= 0 && static_cast<std::size_t>(f.statement) < report.statements.size()) {
            auto& s = report.statements[static_cast<std::size_t>(f.statement)];
            s.risk = std::max(s.risk, f.risk);
        }
    }
}

void order_findings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.start.line, a.start.column, b.risk, a.rule) < std::tie(b.start.line, b.start.column, a.risk, b.rule);
    });
}

namespace {

// A finding's texts are built by appending, and a string that grows doubles its room: each is
// kept in no more than it needs (a file of a hundred thousand findings holds them all, with
// their recipes, until its plan is composed and its report written).
void fit(Finding& f) {
    f.message.shrink_to_fit();
    f.fix.shrink_to_fit();
    f.relation.shrink_to_fit();
    if (f.recipe) {
        f.recipe->summary.shrink_to_fit();
        for (RecipeStep& step : f.recipe->steps) {
            step.title.shrink_to_fit();
            step.sql.shrink_to_fit();
        }
        f.recipe->steps.shrink_to_fit();
    }
}

}  // namespace

void apply_rules(FileReport& report, const std::vector<const pg::Node*>& stmts, std::string_view text,
                 const Options& options, const std::vector<CalledStatement>& called) {
    std::vector<Finding> findings;
    std::vector<const Rule*> active;
    for (const Rule& rule : all_rules()) {
        if (rule_active(rule, options)) active.push_back(&rule);
    }
    // Statement by statement, every rule on it: what rules derive from one statement (its
    // column types, say) is computed once and stays warm.
    std::size_t next_called = 0;  // `called` is in the order of its callers
    FileMemo statement_memo;
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        const std::size_t own = findings.size();
        const pg::Node* stmt = i < stmts.size() ? stmts[i] : nullptr;
        // A SELECT of constants kept as a stand-in (pg_parser.hpp): its own checks read its tree.
        ParsedStatement reparsed;
        if (stmt != nullptr && stmt == constant_select_stand_in()) {
            reparsed = parse_statement(report.statements[i].sql);
            if (!reparsed.failure) stmt = reparsed.stmt;
        }
        StatementContext ctx{report, report.statements[i], options, stmt, &stmts};
        ctx.memo = &statement_memo;
        for (const Rule* rule : active) {
            // IF NOT EXISTS of what the schema has: nothing is built, scanned or declared.
            if (rule->check == nullptr || skipped_if_exists(report.statements[i])) continue;
            Sink sink(rule->id, rule->default_risk, findings, &ctx.subcommand);
            rule->check(ctx, sink);
        }
        const std::size_t own_end = findings.size();
        for (; next_called < called.size() && called[next_called].caller <= static_cast<int>(i); ++next_called) {
            const CalledStatement& c = called[next_called];
            if (c.caller != static_cast<int>(i)) continue;
            std::vector<Finding> inner;
            StatementContext inner_ctx{report, c.facts, options, c.stmt, &stmts};
            inner_ctx.memo = &statement_memo;
            for (const Rule* rule : active) {
                if (rule->check == nullptr || skipped_if_exists(c.facts)) continue;
                if (c.apart && migration_transaction_rule(rule->id)) continue;
                Sink sink(rule->id, rule->default_risk, inner, &inner_ctx.subcommand);
                rule->check(inner_ctx, sink);
            }
            for (Finding& f : inner) {
                bool repeated = std::any_of(findings.begin() + static_cast<long>(own), findings.begin() + static_cast<long>(own_end),
                                            [&](const Finding& o) { return o.rule == f.rule; });
                if (repeated) continue;
                f.message = "inside " + c.function + (c.branch ? ", when the condition holds: " : ": ") + f.message;
                f.statement = static_cast<int>(i);
                f.subcommand = -1;
                f.called = static_cast<int>(next_called);
                f.subject = c.function + ": " + c.facts.sql;
                f.start = report.statements[i].span.start;  // at the call
                f.stop = report.statements[i].span.stop;
                if (c.line > f.start.line && c.line <= f.stop.line) {
                    // In a DO block: the line of the statement, the block's own text.
                    f.start = Position{c.line, 1};
                    if (f.stop.line > c.line) f.stop = Position{c.line, 1};
                }
                f.edit.reset();  // the text is the function's, not the file's
                f.recipe.reset();
                make_room_for_one(findings);
                findings.push_back(std::move(f));
            }
        }
    }
    FileMemo memo;
    // The transaction rules see a DO block's statements one after another (do_block_view.hpp).
    std::optional<DoBlockView> view = do_block_view(report, stmts, called);
    FileMemo view_memo;
    // The other file rules judge each DO block's statements too (issue #34), on a view of their own.
    std::optional<DoBlockView> judged = do_block_view(report, stmts, called, true);
    FileMemo judged_memo;
    for (const Rule* rule : active) {
        if (rule->file_check == nullptr) continue;
        if (view && transaction_rule(rule->id)) {
            std::vector<Finding> found;
            Sink sink(rule->id, rule->default_risk, found);
            rule->file_check(FileContext{view->file, options, view->stmts, &view_memo, text}, sink);
            for (Finding& f : found) {
                if (!map_to_file(*view, f)) continue;
                make_room_for_one(findings);
                findings.push_back(std::move(f));
            }
            continue;
        }
        Sink sink(rule->id, rule->default_risk, findings);
        rule->file_check(FileContext{report, options, stmts, &memo, text}, sink);
        if (!judged || transaction_rule(rule->id)) continue;
        // The rule again with each DO block as its statements: what it finds on a statement of a
        // block, at that statement's line, unless it found it on the block itself (review 88: SET NOT
        // NULL in a DO block had the lock and the scan, and no set-not-null-scan).
        std::vector<Finding> found;
        Sink inner_sink(rule->id, rule->default_risk, found);
        rule->file_check(FileContext{judged->file, options, judged->stmts, &judged_memo, text}, inner_sink);
        if (found.empty()) continue;
        std::set<int> had_called, had_statement;  // where the rule found something already
        for (const Finding& e : findings) {
            if (e.rule != rule->id) continue;
            if (e.called >= 0) had_called.insert(e.called);
            else had_statement.insert(e.statement);
        }
        for (Finding& f : found) {
            if (f.statement < 0 || static_cast<std::size_t>(f.statement) >= judged->origin.size()) continue;
            const DoBlockView::Origin& o = judged->origin[static_cast<std::size_t>(f.statement)];
            if (o.called < 0) continue;  // the file's own statement: judged on the file above
            if (had_called.contains(o.called) || had_statement.contains(o.statement) || !map_to_file(*judged, f)) continue;
            make_room_for_one(findings);
            findings.push_back(std::move(f));
        }
    }
    for (auto& f : findings) {
        if (f.edit && !edit_fits(*f.edit, f.statement, report, text)) f.edit.reset();
    }
    // A script's fixes in its tool's terms (orm/fixes.hpp), before any of them folds into another.
    orm::rewrite_fixes(findings, report);

    point_at_subcommands(findings, report);

    // One finding per rule, statement and message.
    std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.start.line, a.start.column, a.rule, a.message) <
               std::tie(b.start.line, b.start.column, b.rule, b.message);
    });
    findings.erase(std::unique(findings.begin(), findings.end(),
                               [](const Finding& a, const Finding& b) {
                                   return a.rule == b.rule && a.statement == b.statement && a.message == b.message &&
                                          a.start.line == b.start.line;
                               }),
                   findings.end());

    for (auto& f : findings) {
        auto override_risk = options.risk.find(f.rule);
        if (override_risk != options.risk.end()) f.risk = override_risk->second;
    }

    std::vector<Suppression> suppressions = find_suppressions(text, report);
    settle_suppressions(suppressions, options.today ? *options.today : utc_today(), options);
    // The kept findings are compacted in place and handed over whole: a file of a hundred
    // thousand findings never holds them twice.
    std::size_t kept = 0;
    for (auto& f : findings) {
        fit(f);
        // The comment named on the finding: the statement's own before a file-wide one.
        const Suppression* by = nullptr;
        for (auto& s : suppressions) {
            if (s.state != SuppressionState::active || !matches(s, f)) continue;
            s.used = true;
            if (by == nullptr || (by->statement == -1 && s.statement != -1)) by = &s;
        }
        if (by != nullptr) {
            f.suppressed_by = suppressed_by(*by);
            make_room_for_one(report.suppressed);
            report.suppressed.push_back(std::move(f));
        } else {
            if (&findings[kept] != &f) findings[kept] = std::move(f);
            ++kept;
        }
    }
    findings.resize(kept);
    fold_held_lock_findings(findings, true);
    if (report.findings.empty()) {
        report.findings = std::move(findings);
    } else {
        report.findings.insert(report.findings.end(), std::make_move_iterator(findings.begin()),
                               std::make_move_iterator(findings.end()));
    }
    // Findings about the comments themselves are never suppressed: the comments cannot vouch
    // for themselves.
    std::vector<Finding> meta;
    report_unused(suppressions, meta, options);
    report_inactive(suppressions, meta, options);
    for (auto& f : meta) {
        make_room_for_one(report.findings);
        report.findings.push_back(std::move(f));
    }
    order_findings(report.findings);
    order_findings(report.suppressed);

    recompute_risks(report);
}

}  // namespace pgfence::analyze::rules
