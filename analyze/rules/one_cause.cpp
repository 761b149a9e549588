#include "analyze/rules/one_cause.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <string_view>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// A rule that reports the statement's own table-sized work (or, for a required column, the
// check of every row that fails on the first one).
bool own_work_rule(std::string_view id) {
    if (id == "add-column-not-null-without-default") return true;
    const Rule* rule = find_rule(id);
    return rule != nullptr && rule->size_work != SizeWork::none;
}

// Whose fix also ends the folded finding: the held-lock rules' cause is the work the statement
// does in the transaction, and the own-work rules' fixes take that work out of it.
bool fix_covers(std::string_view own, std::string_view folded) {
    return (folded == "work-under-held-lock" || folded == "statement-after-access-exclusive") && own_work_rule(own);
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

bool migration_transaction_rule(std::string_view id) {
    return transaction_rule(id) || id == "backfill-in-migration" || id == "lock-timeout-missing" ||
           id == "statement-timeout-missing" || id == "lock-timeout-too-long" || id == "lock-timeout-zero" ||
           id == "idle-in-transaction-timeout-missing" || id == "concurrently-in-transaction" ||
           id == "not-valid-validate-same-transaction" || id == "enum-add-value-in-transaction";
}

bool transaction_rule(std::string_view id) {
    return id == "work-under-held-lock" || id == "statement-after-access-exclusive" ||
           id == "multiple-access-exclusive-in-transaction" || id == "lock-upgrade-in-transaction";
}

void fold_held_lock_findings(std::vector<Finding>& findings, bool held_only) {
    // (statement, called statement) -> its first HIGH finding of its own (not a transaction
    // rule's, not a session setting's). A transaction finding on a DO block as a whole (one whose
    // statements are not all read) folds into the first finding inside it.
    std::map<std::pair<int, int>, std::size_t> own;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (f.statement < 0 || f.risk < Risk::High || transaction_rule(f.rule)) continue;
        const Rule* rule = find_rule(f.rule);
        if (rule == nullptr || !rule->policy_setting.empty()) continue;
        own.emplace(std::make_pair(f.statement, -2), i);  // the statement's first, wherever it is
        auto [at, added] = own.emplace(std::make_pair(f.statement, f.called), i);
        // Prefer the statement's own work, whose fix also takes it out of the transaction.
        if (!added && !own_work_rule(findings[at->second].rule) && own_work_rule(f.rule)) at->second = i;
    }
    std::vector<bool> folded(findings.size(), false);
    for (std::size_t i = 0; i < findings.size(); ++i) {
        Finding& f = findings[i];
        // A MEDIUM one (a lock upgrade, locks held while the statement waits) is a clause of the
        // statement's HIGH finding as well: one finding per statement.
        if (f.risk < Risk::Medium || !transaction_rule(f.rule)) continue;
        if (held_only && f.rule != "work-under-held-lock" && f.rule != "statement-after-access-exclusive") continue;
        auto work = own.find(std::make_pair(f.statement, f.called));
        if (work == own.end() && f.called < 0) work = own.find(std::make_pair(f.statement, -2));
        if (work == own.end()) continue;
        Finding& into = findings[work->second];
        folded[i] = true;
        // A statement that fails (CONCURRENTLY in a transaction block, syntax the server rejects)
        // holds nothing and does no work.
        if (into.rule == "concurrently-in-transaction" || into.rule == "syntax-newer-than-target") continue;
        into.message += "; " + (f.fold_note.empty() ? f.message : f.fold_note) + " (" + f.rule + ")";
        if (!f.fix.empty() && !fix_covers(into.rule, f.rule) && into.fix.find(f.fix) == std::string::npos) {
            into.fix += "; and for " + f.rule + ": " + f.fix;
        }
        into.risk = std::max(into.risk, f.risk);
    }
    // A statement with no HIGH finding of its own, where several transaction rules are HIGH (the
    // lock it upgrades and the locks held across it): one finding, the first, naming each.
    if (!held_only) {
        std::map<std::pair<int, int>, std::size_t> first;  // (statement, called) -> its first transaction finding
        for (std::size_t i = 0; i < findings.size(); ++i) {
            Finding& f = findings[i];
            if (folded[i] || f.statement < 0 || f.risk < Risk::High || !transaction_rule(f.rule)) continue;
            auto [at, added] = first.emplace(std::make_pair(f.statement, f.called), i);
            if (added || findings[at->second].rule == f.rule) continue;
            Finding& into = findings[at->second];
            folded[i] = true;
            into.message += "; " + (f.fold_note.empty() ? f.message : f.fold_note) + " (" + f.rule + ")";
            if (!f.fix.empty() && into.fix.find(f.fix) == std::string::npos) into.fix += "; and for " + f.rule + ": " + f.fix;
            into.risk = std::max(into.risk, f.risk);
        }
    }
    drop_folded(findings, folded);
}

namespace {

// A backfill (backfill-in-migration) that work-under-held-lock reports at HIGH: one finding, the
// held lock's, which says what the backfill's row locks add; its fix already says "in batches".
void fold_backfill_into_held_lock(std::vector<Finding>& findings) {
    std::map<std::pair<int, int>, std::size_t> held;  // (statement, called) -> the held-lock finding
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (f.rule == "work-under-held-lock" && f.risk >= Risk::High) held.emplace(std::make_pair(f.statement, f.called), i);
    }
    if (held.empty()) return;
    std::vector<bool> folded(findings.size(), false);
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (f.rule != "backfill-in-migration" || f.statement < 0) continue;
        auto at = held.find(std::make_pair(f.statement, f.called));
        if (at == held.end()) continue;
        findings[at->second].message += "; the rows it writes stay locked until the migration commits, and all of them go to WAL "
                                        "at once (backfill-in-migration)";
        folded[i] = true;
    }
    drop_folded(findings, folded);
}

// A rule whose findings on several subcommands of one statement are one cause with one fix: one
// rewrite, or one scan for every SET NOT NULL. Each constraint an ALTER TABLE validates reads the
// table in a scan of its own, but under the one lock the statement holds, with the one fix (NOT
// VALID on each, which the joined edit writes): one finding that names every place.
std::string_view same_rule_phrase(const Finding& f) {
    // `DROP TABLE a, b, c`: one statement, one release order to fix (lemmy's merge of its modlog
    // tables: 19 HIGH lines for one DROP TABLE before).
    if (f.rule == "drop-table" && f.statement >= 0) return "the statement drops";
    const Rule* rule = f.statement >= 0 && f.subcommand >= 0 ? find_rule(f.rule) : nullptr;
    if (rule == nullptr) return {};
    if (f.rule == "set-not-null-scan") return "the same scan checks";
    if (f.rule == "add-foreign-key-without-not-valid" || f.rule == "add-check-without-not-valid") {
        return "the statement validates";
    }
    if (rule->size_work == SizeWork::rewrite) return "the same rewrite does";
    return {};
}

// Two findings on one clause of a statement: the same subcommand, at the same place.
bool same_clause(const Finding& a, const Finding& b) {
    return a.subcommand == b.subcommand && a.start.line == b.start.line && a.start.column == b.start.column;
}

// What a finding's own work does to its table, in a few words: "builds an index on users".
std::string work_phrase(const Finding& f) {
    const Rule* rule = find_rule(f.rule);
    SizeWork work = rule != nullptr ? rule->size_work : SizeWork::none;
    switch (work) {
        case SizeWork::rewrite: return "rewrites " + f.relation;
        case SizeWork::index_build: return "builds an index on " + f.relation;
        case SizeWork::scan: return "reads every row of " + f.relation;
        case SizeWork::none: break;
    }
    return "does the work of " + f.rule;
}

// The folded finding's edit joins the kept one's: both applied at once, when they do not
// overlap (the suggestion is proven again on the whole statement before it is offered).
void join_edit(Finding& into, const Finding& folded, std::string_view text) {
    if (!folded.edit) return;
    if (!into.edit) {
        into.edit = folded.edit;
        return;
    }
    TextEdit a = *into.edit, b = *folded.edit;
    if (b.begin < a.begin) std::swap(a, b);
    if (a.end > b.begin || b.end > text.size()) {
        into.edit.reset();  // overlapping: neither alone fixes the finding any more
        return;
    }
    TextEdit joined{a.begin, b.end, a.text + std::string(text.substr(a.end, b.begin - a.end)) + b.text,
                    a.label == b.label ? a.label : a.label + "; " + b.label};
    *into.edit = std::move(joined);
}

// The folded finding's recipe joins the kept one's where both have the same steps (each key's
// NOT VALID in the first migration, each VALIDATE in the second): each step gets the other's
// lines after its own. Recipes of other shapes leave none: half a recipe would read as the whole.
void join_recipe(Finding& into, const Finding& folded) {
    if (!into.recipe || !folded.recipe) {
        if (folded.recipe) into.recipe.reset();
        return;
    }
    auto& a = into.recipe->steps;
    const auto& b = folded.recipe->steps;
    bool same = a.size() == b.size();
    for (std::size_t i = 0; same && i < a.size(); ++i) {
        same = a[i].title == b[i].title && a[i].in_transaction == b[i].in_transaction;
    }
    if (!same) {
        into.recipe.reset();
        return;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string_view rest = b[i].sql;
        while (!rest.empty()) {
            std::size_t end = rest.find('\n');
            std::string_view line = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
            // A statement the step has already (its SET lock_timeout) is not repeated; comments
            // are, as they explain the lines after them.
            const bool comment = line.substr(0, 2) == "--";
            if (line.empty() ||
                (!comment && ("\n" + a[i].sql + "\n").find("\n" + std::string(line) + "\n") != std::string::npos)) {
                continue;
            }
            if (!a[i].sql.empty() && a[i].sql.back() != '\n') a[i].sql += '\n';
            a[i].sql += std::string(line) + "\n";
        }
    }
}

// Folds the later findings of `more` into `findings[into]`, naming where they are.
void fold_places(std::vector<Finding>& findings, std::size_t into, const std::vector<std::size_t>& more,
                 std::vector<bool>& folded, std::string_view phrase, std::string_view text) {
    std::string where;  // the first eight places
    for (std::size_t k = 0; k < more.size(); ++k) {
        const Finding& o = findings[more[k]];
        folded[more[k]] = true;
        join_edit(findings[into], o, text);
        join_recipe(findings[into], o);
        if (k < 8) where += (k == 0 ? "" : ", ") + std::to_string(o.start.line) + ":" + std::to_string(o.start.column);
    }
    if (more.size() > 8) where += ", ...";
    const std::string n = std::to_string(more.size());
    if (phrase == "the statement drops") {
        std::string tables;  // the first eight
        for (std::size_t k = 0; k < more.size() && k < 8; ++k) tables += (k == 0 ? "" : ", ") + findings[more[k]].relation;
        if (more.size() > 8) tables += ", ...";
        findings[into].message += "; the statement drops " + n + " more table" + (more.size() == 1 ? "" : "s") + " the same way (" +
                                  tables + "), and each takes the same fix";
        return;
    }
    if (phrase == "the statement validates") {
        findings[into].message += "; the statement validates " + n + " more constraint" + (more.size() == 1 ? "" : "s") +
                                  " (at " + where + ") the same way, each in a scan of its own under the same lock, and each takes the same fix";
        return;
    }
    findings[into].message += "; " + std::string(phrase) + " " + n + " more subcommand" + (more.size() == 1 ? "" : "s") +
                              " of this statement (at " + where + "), and each takes the same fix";
}

}  // namespace

void fold_same_statement_findings(std::vector<Finding>& findings, std::string_view text) {
    fold_held_lock_findings(findings, false);
    fold_backfill_into_held_lock(findings);
    std::map<std::tuple<int, int, std::string, std::string, Risk>, std::size_t> first;  // statement, called, rule, relation, risk
    std::map<std::size_t, std::vector<std::size_t>> more;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (same_rule_phrase(f).empty()) continue;
        // Each dropped table is its own relation, under the one statement.
        const std::string relation = f.rule == "drop-table" ? std::string() : f.relation;
        auto [at, added] = first.emplace(std::make_tuple(f.statement, f.called, f.rule, relation, f.risk), i);
        if (!added) more[at->second].push_back(i);
    }
    std::vector<bool> folded(findings.size(), false);
    for (const auto& [i, others] : more) fold_places(findings, i, others, folded, same_rule_phrase(findings[i]), text);

    // Different rules on one clause's own work, each HIGH: one lock held for all of it (`ADD
    // COLUMN id serial PRIMARY KEY` rewrites and builds the index under one ACCESS EXCLUSIVE), so
    // one finding, with each fix. Clauses of their own keep their findings (each its fix, its
    // edit, its annotation), but for a required column without a default: it proves the table
    // empty when the statement succeeds, so the work of the statement's other clauses on that
    // table is instant, and their findings go.
    std::map<std::tuple<int, int, std::string>, std::vector<std::size_t>> groups;  // statement, called, relation
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (folded[i] || f.statement < 0 || f.risk < Risk::High || !own_work_rule(f.rule) || f.relation.empty()) continue;
        groups[std::make_tuple(f.statement, f.called, f.relation)].push_back(i);
    }
    for (const auto& [key, members] : groups) {
        if (members.size() < 2) continue;
        // The finding kept per clause: the highest risk, then the required column (whose failure
        // makes the rest moot), then the costliest work (a rewrite, an index build, a scan).
        auto weight = [&](std::size_t i) {
            const Finding& f = findings[i];
            const Rule* rule = find_rule(f.rule);
            int work = f.rule == "add-column-not-null-without-default" ? 4
                       : rule == nullptr                                ? 0
                       : rule->size_work == SizeWork::rewrite           ? 3
                       : rule->size_work == SizeWork::index_build       ? 2
                                                                        : 1;
            return std::make_pair(static_cast<int>(f.risk), work);
        };
        const auto required = std::find_if(members.begin(), members.end(), [&](std::size_t i) {
            return findings[i].rule == "add-column-not-null-without-default";
        });
        // A rewrite of the table in one clause: PostgreSQL checks every constraint and builds
        // every index of the table as part of it (ALTER TABLE's one rewrite pass), so the index
        // builds and scans of the other clauses are that work, and their own fixes (an index
        // built CONCURRENTLY first, NOT VALID) do not shorten it while the rewrite stays.
        if (required == members.end()) {
            const auto rewrite = std::find_if(members.begin(), members.end(), [&](std::size_t i) {
                const Rule* rule = find_rule(findings[i].rule);
                return !folded[i] && rule != nullptr && rule->size_work == SizeWork::rewrite;
            });
            if (rewrite != members.end()) {
                Finding& into = findings[*rewrite];
                for (std::size_t i : members) {
                    const Rule* rule = find_rule(findings[i].rule);
                    // The rewrite's own clause keeps the fold below, with each fix: a clause's
                    // own index can be built CONCURRENTLY after the column is filled.
                    if (i == *rewrite || folded[i] || rule == nullptr || rule->size_work == SizeWork::rewrite ||
                        same_clause(findings[i], into)) {
                        continue;
                    }
                    folded[i] = true;
                    into.message += "; the same rewrite also " + work_phrase(findings[i]) + " for the clause at " +
                                    std::to_string(findings[i].start.line) + ":" + std::to_string(findings[i].start.column) +
                                    " (" + findings[i].rule + "), and nothing done to that clause shortens the lock while the rewrite stays";
                }
            }
        }
        for (std::size_t keep : members) {
            if (folded[keep]) continue;
            if (required != members.end() && keep != *required) continue;
            const bool whole = required != members.end();  // every clause's work folds into the required column
            std::size_t best = keep;
            for (std::size_t i : members) {
                if (!folded[i] && (whole || same_clause(findings[i], findings[keep])) && weight(i) > weight(best)) best = i;
            }
            Finding& into = findings[best];
            for (std::size_t i : members) {
                if (i == best || folded[i] || (!whole && !same_clause(findings[i], into))) continue;
                const Finding& other = findings[i];
                folded[i] = true;
                const std::string at = same_clause(other, into)
                                           ? ""
                                           : ", at " + std::to_string(other.start.line) + ":" + std::to_string(other.start.column);
                if (into.rule == "add-column-not-null-without-default") {
                    into.message += "; the rest of its work (" + other.rule + at + ") is instant on the empty table it requires";
                    continue;
                }
                join_edit(into, other, text);
                into.message += "; under the same lock it also " + work_phrase(other) + " (" + other.rule + ")";
                if (!other.fix.empty() && into.fix.find(other.fix) == std::string::npos) {
                    into.fix += "; and for " + other.rule + ": " + other.fix;
                }
            }
        }
    }
    if (std::find(folded.begin(), folded.end(), true) != folded.end()) drop_folded(findings, folded);
}

}  // namespace pgfence::analyze::rules
