#include "trace/verdict.hpp"

#include <algorithm>

namespace pgfence::trace {
namespace {

using analyze::LockMode;
using analyze::Risk;

// What the locks and rewrites the server really performed deserve.
Risk observed_risk(const Comparison& c) {
    Risk out = Risk::None;
    for (const auto& l : c.observed_locks) {
        if (!l.is_new) out = std::max(out, lock_risk(l.mode));
    }
    if (!c.observed_rewrites.empty()) out = std::max(out, Risk::High);
    return out;
}

Risk trace_only_risk(const Comparison& c) {
    Risk out = Risk::None;
    for (const auto& d : c.differences) {
        if (d.kind == DifferenceKind::UnpredictedRewrite) out = std::max(out, Risk::High);
        if (d.kind != DifferenceKind::UnpredictedLock || !d.observed) continue;
        bool is_new = std::any_of(c.observed_locks.begin(), c.observed_locks.end(),
                                  [&](const ComparedLock& l) { return l.relation == d.relation && l.is_new; });
        if (!is_new) out = std::max(out, lock_risk(*d.observed));
    }
    return out;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::Confirmed: return "confirmed";
        case Verdict::Mismatch: return "mismatch";
        case Verdict::TraceOnly: return "trace-only";
        case Verdict::StaticOnly: return "static-only";
        case Verdict::Error: return "error";
        case Verdict::Skipped: return "skipped";
        case Verdict::NeedsSuperuser: return "needs-superuser";
    }
    return "unknown";
}

int TraceReport::count(Verdict verdict) const {
    int n = 0;
    for (const auto& f : files) {
        for (const auto& s : f.statements) n += s.verdict == verdict ? 1 : 0;
    }
    return n;
}

Risk lock_risk(LockMode mode) {
    switch (mode) {
        case LockMode::AccessExclusive: return Risk::High;
        case LockMode::Exclusive:
        case LockMode::ShareRowExclusive:
        case LockMode::Share: return Risk::Medium;
        case LockMode::ShareUpdateExclusive: return Risk::Low;
        default: return Risk::None;
    }
}

void judge(TracedStatement& s) {
    const Comparison& c = s.comparison;
    bool mismatch = std::any_of(c.differences.begin(), c.differences.end(), [](const Difference& d) { return !d.trace_only(); });
    if (mismatch) {
        s.verdict = Verdict::Mismatch;
        s.risk = std::max(s.static_risk, observed_risk(c));
        return;
    }
    if (!c.differences.empty()) {
        s.verdict = Verdict::TraceOnly;
        s.risk = std::max(s.static_risk, trace_only_risk(c));
        return;
    }
    bool nothing_to_check = s.predicted.locks.empty() && s.predicted.rewrites.empty() && c.observed_locks.empty() &&
                            c.observed_rewrites.empty();
    s.verdict = nothing_to_check && !s.findings.empty() ? Verdict::StaticOnly : Verdict::Confirmed;
    s.risk = s.static_risk;
}

bool TracedPlan::ok() const {
    return verdict != "differs" && std::all_of(steps.begin(), steps.end(), [](const PlanStepTrace& s) { return s.ok; });
}

void agree_with_steps(TracedPlan& plan) {
    if (plan.verdict != "proven") return;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const PlanStepTrace& st = plan.steps[i];
        if (st.ok) continue;
        const bool broke = st.outcome.rfind("failed", 0) == 0 || !st.writer_error.empty();
        plan.verdict = broke ? "differs" : "unchecked";
        plan.reason = "step " + std::to_string(i + 1) + " (\"" + st.title + "\") failed in the rehearsal under the application's "
                      "traffic (" + (st.writer_error.empty() ? st.outcome : "the application got an error: " + st.writer_error) +
                      "), although the oracle's scripted traffic matched the file: a plan with a failed step is not proven";
        plan.details.clear();
        plan.details.push_back(plan.reason);
        plan.rescued = 0;
        return;
    }
}

bool TraceReport::failed() const {
    return !stopped.empty() || count(Verdict::Mismatch) > 0 || count(Verdict::Error) > 0 ||
           std::any_of(plans.begin(), plans.end(), [](const TracedPlan& p) { return !p.ok(); });
}

}  // namespace pgfence::trace
