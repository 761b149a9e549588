#include "bot/pr_suppressions.hpp"

#include <algorithm>
#include <string>

namespace pgfence::bot {

using namespace pgfence::analyze;

void review_pull_request_suppressions(FileReport& file, std::vector<bool>& from_base,
                                      std::vector<annotate::PullRequestSuppression>& out) {
    std::vector<Finding> kept;
    std::vector<bool> kept_from_base;
    bool restored = false;
    for (std::size_t i = 0; i < file.suppressed.size(); ++i) {
        Finding& f = file.suppressed[i];
        const bool on_base = i < from_base.size() && from_base[i];
        if (on_base || !f.suppressed_by) {
            kept.push_back(std::move(f));
            kept_from_base.push_back(on_base);
            continue;
        }
        const SuppressedBy& by = *f.suppressed_by;
        annotate::PullRequestSuppression s;
        s.path = file.path;
        s.line = by.line;
        s.rule = f.rule;
        s.risk = f.risk;
        s.finding_line = f.start.line;
        s.reason = by.reason;
        s.lifted = !by.reason.empty() || f.risk < Risk::High;
        out.push_back(s);
        if (s.lifted) {
            kept.push_back(std::move(f));
            kept_from_base.push_back(false);
            continue;
        }
        // Not lifted: the finding stands, as the analysis reported it, and says why.
        f.message += " (the `pgfence-ignore` this pull request adds at line " + std::to_string(by.line) +
                     " gives no reason, so it does not lift a " + std::string(risk_name(f.risk)) +
                     " finding: say why after a second `--`, for a reviewer to judge)";
        f.suppressed_by.reset();
        file.findings.push_back(std::move(f));
        restored = true;
    }
    file.suppressed = std::move(kept);
    from_base = std::move(kept_from_base);
    if (!restored) return;
    std::stable_sort(file.findings.begin(), file.findings.end(), [](const Finding& a, const Finding& b) {
        return std::pair(a.start.line, a.start.column) < std::pair(b.start.line, b.start.column);
    });
    for (const auto& f : file.findings) file.risk = std::max(file.risk, f.risk);
}

}  // namespace pgfence::bot
