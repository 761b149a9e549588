#include "governance/decision.hpp"

#include <algorithm>
#include <stdexcept>

#include "analyze/model/unseen.hpp"
#include "analyze/rules/common.hpp"
#include "governance/report_facts.hpp"
#include "stats/units.hpp"

namespace pgfence::governance {
namespace {

using analyze::Risk;

// The rules whose finding is an index built or dropped without CONCURRENTLY.
constexpr std::string_view k_index_rules[] = {"create-index-without-concurrently", "drop-index-without-concurrently",
                                              "reindex-without-concurrently"};
constexpr std::string_view k_lock_timeout_rule = "lock-timeout-missing";
constexpr std::string_view k_unknown_rule = "unknown-statement";

bool index_rule(std::string_view rule) {
    return std::find(std::begin(k_index_rules), std::end(k_index_rules), rule) != std::end(k_index_rules);
}

// lock_timeout = 0 turns the timeout off: it is as good as unset.
bool sets_timeout(const std::optional<std::string>& value) {
    if (!value) return false;
    auto ms = analyze::rules::duration_ms(*value);
    return !ms || *ms != 0;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// Applies the exemptions to one finding at a time and remembers what they did.
class Exemptions {
public:
    Exemptions(const PolicySettings& settings, std::span<const Exemption> all, std::chrono::system_clock::time_point now,
               Decision& decision)
        : m_settings(settings), m_decision(decision) {
        for (const auto& e : all) {
            if (e.expires_at <= now) m_decision.ignored_exemptions.push_back({e, "expired"});
            else if (m_settings.exemptable && !m_settings.may_exempt(e.rule, Risk::None)) {
                m_decision.ignored_exemptions.push_back({e, "rule " + e.rule + " is not exemptable under this policy"});
            } else {
                m_active.push_back(&e);
            }
        }
    }

    // True when an exemption lifts it; an exemption that matches a finding it may not cover is
    // reported once as ignored.
    bool lifts(const std::string& path, int line, const std::string& rule, Risk risk) {
        for (const Exemption* e : m_active) {
            if (e->rule != rule || (e->path && *e->path != path) || (e->line && *e->line != line)) continue;
            if (m_settings.may_exempt(rule, risk)) {
                auto& done = m_decision.exempted;
                bool seen = std::any_of(done.begin(), done.end(), [&](const ExemptedItem& x) {
                    return x.path == path && x.line == line && x.rule == rule;
                });
                if (!seen) done.push_back({path, line, rule, risk, e->reason, e->owner});
                return true;
            }
            if (std::find(m_refused.begin(), m_refused.end(), e) == m_refused.end()) {
                m_refused.push_back(e);
                m_decision.ignored_exemptions.push_back(
                    {*e, "not exemptable: " + std::string(analyze::risk_name(risk)) + " findings need the policy's exemptable to name the rule"});
            }
        }
        return false;
    }

private:
    const PolicySettings& m_settings;
    Decision& m_decision;
    std::vector<const Exemption*> m_active;
    std::vector<const Exemption*> m_refused;
};

// The heap size of the table an index finding is about: its own size, else (DROP INDEX names
// the index) the measured size of a table its statement locks.
std::optional<long long> index_table_bytes(const FindingFacts& f, const FileFacts& file, const ReportFacts& report) {
    if (f.table_bytes) return f.table_bytes;
    if (!f.statement) return std::nullopt;
    for (const auto& s : file.statements) {
        if (s.index != *f.statement) continue;
        for (const auto& relation : s.relations) {
            if (auto it = report.table_bytes.find(relation); it != report.table_bytes.end()) return it->second;
        }
    }
    return std::nullopt;
}

// Where the file fails to set lock_timeout first: its first statement that blocks reads or
// writes, when that runs without one, or the analyzer's own lock-timeout-missing finding.
std::optional<Item> missing_lock_timeout(const FileFacts& file) {
    std::optional<Item> item;
    auto consider = [&](int line, Risk risk, std::string message) {
        if (!item || line < item->line) {
            item = Item{ItemKind::Guardrail, Guardrail::LockTimeout, file.path, line, std::string(k_lock_timeout_rule), risk, std::move(message)};
        }
    };
    for (const auto& s : file.statements) {
        if (!s.blocks_traffic) continue;
        if (!sets_timeout(s.lock_timeout)) {
            consider(s.line, Risk::Medium,
                     "the policy requires lock_timeout to be set before the first statement that blocks reads or writes, "
                     "in a file with a finding at MEDIUM or above");
        }
        break;
    }
    for (const auto* list : {&file.findings, &file.suppressed}) {
        for (const auto& f : *list) {
            if (f.rule == k_lock_timeout_rule) consider(f.line, f.risk, "the policy requires lock_timeout here: " + f.message);
        }
    }
    return item;
}

// Why a pgfence-ignore comment did not lift the policy.
std::string ignored_why(const FindingFacts& f) {
    if (f.suppression_on_base == false) {
        return "written by the pull request (not on the base branch): a suppression the pull request adds does not lift "
               "the policy; ask for an exemption from the service";
    }
    return "not shown to be on the base branch (only `pgfence pr` reports suppression_on_base): it does not lift the "
           "policy; ask for an exemption from the service";
}

std::string summary_of(const Decision& d, std::size_t new_findings) {
    std::size_t guardrails = 0, signoffs = 0, unseen = 0;
    std::vector<std::string> broken;
    for (const auto& item : d.items) {
        if (item.kind == ItemKind::Signoff) {
            const bool at_threshold = d.policy.signoff_at && item.risk >= *d.policy.signoff_at;
            ++(analyze::unseen_rule(item.rule) && !at_threshold ? unseen : signoffs);
            continue;
        }
        ++guardrails;
        std::string name(guardrail_name(*item.guardrail));
        if (std::find(broken.begin(), broken.end(), name) == broken.end()) broken.push_back(name);
    }
    std::string threshold = d.policy.signoff_at ? std::string(analyze::risk_name(*d.policy.signoff_at)) : "";
    std::string signoff_text = signoffs == 0 ? std::string()
                                             : plural(signoffs, "new finding", "new findings") + " at or above " + threshold +
                                                   (signoffs == 1 ? " needs" : " need") + " sign-off";
    if (unseen > 0) {
        signoff_text += (signoff_text.empty() ? "" : " and ") + plural(unseen, "new statement", "new statements") +
                        " pgfence could not see " + (unseen == 1 ? "needs" : "need") + " sign-off";
    }
    if (d.conclusion == Conclusion::Failure) {
        std::string names;
        for (const auto& n : broken) names += (names.empty() ? "" : ", ") + n;
        return plural(guardrails, "guardrail", "guardrails") + " broken (" + names + ")" +
               (signoffs + unseen > 0 ? " and " + signoff_text : "") + ".";
    }
    if (d.conclusion == Conclusion::ActionRequired) return signoff_text + ".";
    std::string exempted = d.exempted.empty() ? "" : ", " + plural(d.exempted.size(), "exempted", "exempted");
    return "The policy holds: " + plural(new_findings, "new finding", "new findings") + exempted + ", no guardrail broken" +
           (d.policy.signoff_at ? ", none needs sign-off at " + threshold : "") + ".";
}

}  // namespace

std::string_view conclusion_name(Conclusion conclusion) {
    switch (conclusion) {
        case Conclusion::Success: return "success";
        case Conclusion::ActionRequired: return "action_required";
        case Conclusion::Failure: return "failure";
    }
    return "failure";
}

std::string_view guardrail_name(Guardrail guardrail) {
    switch (guardrail) {
        case Guardrail::LockTimeout: return "lock_timeout";
        case Guardrail::Critical: return "critical";
        case Guardrail::Concurrently: return "concurrently";
    }
    return "";
}

Decision evaluate(const Policy& policy, const nlohmann::json& report, std::string_view repository,
                  std::span<const Exemption> exemptions, std::chrono::system_clock::time_point now) {
    auto facts = read_report(report);
    if (!facts) throw std::invalid_argument("not a pgfence report: " + facts.error().message);
    Decision d;
    d.policy = policy.for_repository(repository);
    const PolicySettings& p = d.policy;
    Exemptions exempt(p, exemptions, now, d);
    std::size_t new_findings = 0;

    for (const auto& file : facts->files) {
        std::vector<Item> items;
        bool needs_lock_timeout = false;
        // The new findings, and the new ones a suppression hid that the base branch does not vouch for.
        std::vector<const FindingFacts*> counted;
        for (const auto& f : file.findings) {
            if (!f.pre_existing) counted.push_back(&f);
        }
        for (const auto& f : file.suppressed) {
            if (f.pre_existing || f.suppression_on_base == true) continue;
            counted.push_back(&f);
            d.ignored_suppressions.push_back({file.path, f.suppression_line, f.rule, f.risk, ignored_why(f)});
        }
        // A file pgfence could not read (a checkout conversion it cannot apply, such as a filter
        // driver or a working-tree-encoding; a file above the size limit): what it runs is unknown
        // from its first line, a finding like any unknown-statement (never clean), as `pgfence pr`
        // counts it. Its line is 1: the report's error carries no position.
        FindingFacts unread;
        if (!file.error.empty()) {
            unread.rule = std::string(k_unknown_rule);
            unread.risk = Risk::Medium;
            unread.line = 1;
            unread.message = "pgfence could not read this file, so what it runs is unknown: " + file.error;
            counted.push_back(&unread);
        }
        for (const FindingFacts* counted_finding : counted) {
            const FindingFacts& f = *counted_finding;
            ++new_findings;
            if (exempt.lifts(file.path, f.line, f.rule, f.risk)) continue;
            needs_lock_timeout = needs_lock_timeout || f.risk >= Risk::Medium;
            bool guarded = false;
            if (p.critical_needs_exemption && f.risk == Risk::Critical) {
                items.push_back({ItemKind::Guardrail, Guardrail::Critical, file.path, f.line, f.rule, f.risk,
                                 "a CRITICAL finding fails unless exempted: " + f.message});
                guarded = true;
            }
            if (p.concurrently_above_bytes > 0 && index_rule(f.rule)) {
                auto bytes = index_table_bytes(f, file, *facts);
                if (bytes && static_cast<unsigned long long>(*bytes) > p.concurrently_above_bytes) {
                    items.push_back({ItemKind::Guardrail, Guardrail::Concurrently, file.path, f.line, f.rule, f.risk,
                                     "the table is " + stats::format_bytes(static_cast<double>(*bytes)) + ", above the policy's " +
                                         stats::format_bytes(static_cast<double>(p.concurrently_above_bytes)) +
                                         " for an index without CONCURRENTLY: " + f.message});
                    guarded = true;
                }
            }
            // A finding that breaks a guardrail already fails the check: it is not listed twice.
            if (!guarded && p.signoff_at && f.risk >= *p.signoff_at) {
                items.push_back({ItemKind::Signoff, std::nullopt, file.path, f.line, f.rule, f.risk, f.message});
            } else if (!guarded && p.unknown_needs_signoff && analyze::unseen_rule(f.rule)) {
                // What pgfence could not see (unknown or unparsable) is never clean: a person signs
                // it off, whatever its risk.
                items.push_back({ItemKind::Signoff, std::nullopt, file.path, f.line, f.rule, f.risk,
                                 "needs sign-off whatever signoff_at says (unknown_needs_signoff): " + f.message});
            }
        }
        if (p.require_lock_timeout && needs_lock_timeout) {
            if (auto item = missing_lock_timeout(file); item && !exempt.lifts(file.path, item->line, item->rule, item->risk)) {
                items.push_back(std::move(*item));
            }
        }
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
            if (a.line != b.line) return a.line < b.line;
            return a.kind == ItemKind::Guardrail && b.kind != ItemKind::Guardrail;
        });
        d.items.insert(d.items.end(), items.begin(), items.end());
    }

    auto any = [&](ItemKind kind) {
        return std::any_of(d.items.begin(), d.items.end(), [&](const Item& i) { return i.kind == kind; });
    };
    d.conclusion = any(ItemKind::Guardrail) ? Conclusion::Failure
                   : any(ItemKind::Signoff) ? Conclusion::ActionRequired
                                            : Conclusion::Success;
    d.summary = summary_of(d, new_findings);
    return d;
}

}  // namespace pgfence::governance
