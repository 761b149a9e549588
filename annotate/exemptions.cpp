#include "annotate/exemptions.hpp"

#include <map>
#include <sstream>
#include <tuple>
#include <vector>

#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"

namespace pgfence::annotate::review {

using namespace pgfence::analyze;

std::string exemptions_section(const Report& report, const Links& links, std::size_t max_rows) {
    struct Row {
        const FileReport* file;
        const SuppressedBy* by;
        std::string rule;
        std::size_t count = 0;
    };
    // By file (in report order), comment line, rule.
    std::map<std::tuple<std::size_t, int, std::string>, Row> rows;
    for (std::size_t fi = 0; fi < report.files.size(); ++fi) {
        for (const auto& f : report.files[fi].suppressed) {
            if (!f.suppressed_by || !f.suppressed_by->exemption()) continue;
            Row& row = rows.try_emplace({fi, f.suppressed_by->line, f.rule}, Row{&report.files[fi], &*f.suppressed_by, f.rule}).first->second;
            ++row.count;
        }
    }
    if (rows.empty()) return {};
    std::ostringstream out;
    out << "\n**Exemptions** (" << rows.size() << " by `pgfence-ignore` comments):\n\n";
    std::size_t shown = 0;
    for (const auto& [key, row] : rows) {
        if (shown++ == max_rows) break;
        const SuppressedBy& by = *row.by;
        std::string at = md_code_span(repo_path(row.file->path, links.root()) + ":" + std::to_string(by.line), MdPlace::Prose, 120);
        out << "- **" << links.rule(row.rule) << "**" << (row.count > 1 ? " ×" + std::to_string(row.count) : "") << " at "
            << links.line_link(at, row.file->path, by.line) << (by.whole_file ? " (whole file)" : "");
        std::vector<std::string> parts;
        if (!by.owner.empty()) parts.push_back("owner " + md_text(by.owner, 120));
        if (!by.until.empty()) parts.push_back("until " + md_text(by.until, 20));
        if (!by.reason.empty()) parts.push_back("reason: " + md_text(by.reason, 200));
        for (std::size_t i = 0; i < parts.size(); ++i) out << (i == 0 ? " — " : " · ") << parts[i];
        out << "\n";
    }
    if (rows.size() > max_rows) out << "- … and " << (rows.size() - max_rows) << " more\n";
    return out.str();
}

PullRequestSuppressionCounts pull_request_suppression_counts(const std::vector<PullRequestSuppression>& list) {
    PullRequestSuppressionCounts c;
    for (const auto& s : list) ++(s.lifted ? c.lifted : c.not_lifted);
    return c;
}

std::string pull_request_suppressions_section(const std::vector<PullRequestSuppression>& list, const Links& links, std::size_t max_rows) {
    const PullRequestSuppressionCounts c = pull_request_suppression_counts(list);
    if (c.lifted + c.not_lifted == 0) return {};
    std::ostringstream out;
    std::string head;
    if (c.lifted > 0) head = std::to_string(c.lifted) + (c.lifted == 1 ? " finding" : " findings") + " suppressed by this pull request";
    if (c.not_lifted > 0) {
        head += (head.empty() ? "" : "; ") + std::to_string(c.not_lifted) + " pgfence-ignore without a reason not honoured (" +
                (c.not_lifted == 1 ? "its finding counts" : "their findings count") + ")";
    }
    out << "\n**" << head << "**: `pgfence-ignore` comments this pull request adds or changes, for a reviewer to judge.\n\n";
    std::size_t shown = 0, total = 0;
    for (const auto& s : list) {
        ++total;
        if (shown == max_rows) continue;
        ++shown;
        std::string at = md_code_span(repo_path(s.path, links.root()) + ":" + std::to_string(s.line), MdPlace::Prose, 120);
        out << "- **" << links.rule(s.rule) << "** (" << risk_name(s.risk) << ", line " << s.finding_line << ") at "
            << links.line_link(at, s.path, s.line) << ", "
            << (s.reason.empty() ? std::string("no reason given") : "reason: " + md_text(s.reason, 200));
        if (!s.lifted) out << ": not honoured, the finding counts";
        out << "\n";
    }
    if (total > shown) out << "- … and " << (total - shown) << " more\n";
    return out.str();
}

}  // namespace pgfence::annotate::review
