#include "analyze/rules/one_cause.hpp"

#include <map>
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
    std::size_t kept = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (folded[i]) continue;
        if (kept != i) findings[kept] = std::move(findings[i]);
        ++kept;
    }
    findings.resize(kept);
}

}  // namespace pgfence::analyze::rules
