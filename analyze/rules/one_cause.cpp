#include "analyze/rules/one_cause.hpp"

#include <map>
#include <string>
#include <tuple>
#include <string_view>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The transaction rules whose finding at a statement is about the work that statement does
// while earlier locks stay held.
bool held_lock_rule(std::string_view id) {
    return id == "work-under-held-lock" || id == "statement-after-access-exclusive";
}

// A rule that reports the statement's own table-sized work (or, for a required column, the
// check of every row that fails on the first one).
bool own_work_rule(std::string_view id) {
    if (id == "add-column-not-null-without-default") return true;
    const Rule* rule = find_rule(id);
    return rule != nullptr && rule->size_work != SizeWork::none;
}

// Removes the findings marked folded, keeping the others' order.
void drop_folded(std::vector<Finding>& findings, const std::vector<bool>& folded) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (folded[i]) continue;
        if (kept != i) findings[kept] = std::move(findings[i]);
        ++kept;
    }
    findings.resize(kept);
}

}  // namespace

void fold_held_lock_findings(std::vector<Finding>& findings) {
    std::map<int, std::size_t> own;  // statement -> its first HIGH work finding
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (f.statement >= 0 && f.risk >= Risk::High && own_work_rule(f.rule)) own.emplace(f.statement, i);
    }
    if (own.empty()) return;
    std::vector<bool> folded(findings.size(), false);
    for (std::size_t i = 0; i < findings.size(); ++i) {
        Finding& f = findings[i];
        if (f.risk < Risk::High || !held_lock_rule(f.rule)) continue;
        auto work = own.find(f.statement);
        if (work == own.end()) continue;
        Finding& into = findings[work->second];
        into.message += "; and it prolongs the locks this transaction already holds (" + f.rule + "): " + f.message;
        folded[i] = true;
    }
    drop_folded(findings, folded);
}

void fold_same_rewrite_findings(std::vector<Finding>& findings) {
    std::map<std::tuple<int, std::string, std::string, Risk>, std::size_t> first;  // statement, rule, relation, risk
    std::map<std::size_t, std::vector<std::size_t>> more;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const Rule* rule = f.statement >= 0 && f.subcommand >= 0 ? find_rule(f.rule) : nullptr;
        // PostgreSQL checks every SET NOT NULL of one ALTER TABLE in one scan of the table (the
        // outside DBA's teable update_collaborator: two columns, two HIGH findings, one scan).
        if (rule == nullptr || (rule->size_work != SizeWork::rewrite && f.rule != "set-not-null-scan")) continue;
        auto [at, added] = first.emplace(std::make_tuple(f.statement, f.rule, f.relation, f.risk), i);
        if (!added) more[at->second].push_back(i);
    }
    if (more.empty()) return;
    std::vector<bool> folded(findings.size(), false);
    for (const auto& [i, others] : more) {
        Finding& into = findings[i];
        std::string where;  // the first eight places
        for (std::size_t k = 0; k < others.size(); ++k) {
            const Finding& o = findings[others[k]];
            folded[others[k]] = true;
            if (k < 8) where += (k == 0 ? "" : ", ") + std::to_string(o.start.line) + ":" + std::to_string(o.start.column);
        }
        if (others.size() > 8) where += ", ...";
        const bool scan = into.rule == "set-not-null-scan";
        into.message += (scan ? "; the same scan checks " : "; the same rewrite does ") + std::to_string(others.size()) + " more subcommand" +
                        (others.size() == 1 ? "" : "s") + " of this statement (at " + where + "), and each takes the same fix";
    }
    drop_folded(findings, folded);
}

}  // namespace pgfence::analyze::rules
