#include "annotate/check_run.hpp"

#include <algorithm>
#include <sstream>

#include "analyze/model/unseen.hpp"
#include "annotate/annotations.hpp"
#include "annotate/escape.hpp"
#include "annotate/exemptions.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"

namespace pgfence::annotate {

using namespace pgfence::analyze;
using json = nlohmann::json;

namespace {

constexpr std::size_t k_title_max = 255;         // annotation title limit (characters; bytes is stricter)
constexpr std::size_t k_raw_details_max = 4096;  // kept small: the comment has the full recipe

const char* level_of(Severity s) {
    switch (s) {
        case Severity::Error: return "failure";
        case Severity::Warning: return "warning";
        case Severity::Notice: return "notice";
    }
    return "notice";
}

struct Counts {
    std::size_t findings = 0, pre_existing = 0, failing = 0, errors = 0;
    std::size_t unseen = 0;  // new unknown- and unparsable-statement findings: SQL pgfence could not see
    std::size_t by_risk[5] = {0, 0, 0, 0, 0};
};

Counts count(const Report& report, Risk max_risk, bool unknown_fails) {
    Counts c;
    for (const auto& file : report.files) {
        if (file.error) ++c.errors;
        for (const auto& f : file.findings) {
            ++c.findings;
            if (f.pre_existing) {
                ++c.pre_existing;
                continue;
            }
            ++c.by_risk[static_cast<int>(f.risk)];
            const bool unseen = analyze::unseen_rule(f.rule);
            c.unseen += unseen ? 1 : 0;
            if (f.risk > max_risk || (unseen && unknown_fails)) ++c.failing;
        }
    }
    return c;
}

std::string title_of(const Counts& c, Risk max_risk, bool unknown_fails, const review::PullRequestSuppressionCounts& self) {
    std::string above = "above " + std::string(risk_name(max_risk));
    if (c.unseen > 0 && unknown_fails) {
        above += " or not seen (" + std::to_string(c.unseen) + (c.unseen == 1 ? " statement" : " statements") +
                 " pgfence could not see)";
    }
    // The pgfence-ignore comments the pull request adds or changes, said in the title too.
    std::string self_note;
    if (self.lifted > 0) {
        self_note = "; " + std::to_string(self.lifted) + (self.lifted == 1 ? " finding" : " findings") + " suppressed by this pull request";
    }
    if (self.not_lifted > 0) {
        self_note += "; " + std::to_string(self.not_lifted) + " pgfence-ignore without a reason not honoured";
    }
    if (c.errors > 0 && c.failing == 0) return std::to_string(c.errors) + (c.errors == 1 ? " file" : " files") + " could not be read" + self_note;
    if (c.failing > 0) return std::to_string(c.failing) + (c.failing == 1 ? " finding " : " findings ") + above + self_note;
    if (c.findings == 0 && self.lifted > 0) {
        return std::to_string(self.lifted) + (self.lifted == 1 ? " finding" : " findings") + " suppressed by this pull request, nothing else found";
    }
    if (c.findings == 0) return "No risky statements" + self_note;
    return std::to_string(c.findings) + (c.findings == 1 ? " finding, none " : " findings, none ") + above + self_note;
}

// The same digest as the comment, then how the check decides.
std::string summary_of(const Report& report, const CheckRunOptions& options, std::size_t left_out) {
    MarkdownOptions digest;
    digest.part = MarkdownPart::digest;
    digest.title = options.name;
    digest.links = options.links;
    digest.root = options.root;
    digest.max_chars = 0;
    digest.pull_request_suppressions = options.pull_request_suppressions;
    std::ostringstream out;
    render_markdown(report, out, digest);
    out << "\nThe check fails on findings above **" << risk_name(options.max_risk) << "**"
        << (options.unknown_fails ? " and on statements pgfence could not see (`unknown-statement`: a person must review them)" : "")
        << "; pre-existing findings (on lines this change did not touch) are notices and never fail it.\n";
    if (left_out > 0) {
        out << "\n" << left_out << " further findings are not annotated (the Checks API is limited to "
            << options.max_annotations << " here); the details below and the SARIF file list them all.\n";
    }
    return fit_bytes(out.str(), k_check_output_max_bytes, "\n\n_The summary was cut at GitHub's 65535-byte limit; the details follow._\n");
}

json annotation_of(const Annotation& annotation, const CheckRunOptions& options) {
    LineSpan span = annotation.span();
    json a{{"path", valid_utf8(repo_path(annotation.file->path, options.root))},
           {"start_line", span.start_line},
           {"end_line", span.end_line},
           {"annotation_level", level_of(annotation.severity())}};
    // The API accepts columns only on a one-line annotation.
    if (annotation.has_columns()) {
        a["start_column"] = span.start_column;
        a["end_column"] = span.end_column;
    }
    a["title"] = valid_utf8(utf8_prefix(annotation.title(), k_title_max));
    if (annotation.folded()) {
        a["message"] = fit_bytes(valid_utf8(printable(fold_message(annotation), true)), 65535, "...");
        return a;
    }
    const Finding& f = annotation.first();
    std::string message = printable(f.message, true);
    if (!f.fix.empty()) message += "\n\nFix: " + printable(f.fix, true);
    if (f.pre_existing) message += "\n\nPre-existing: on lines this change did not touch; it does not fail the check.";
    a["message"] = fit_bytes(valid_utf8(message), 65535, "...");
    if (f.recipe) {
        std::string details = "Safe way: " + printable(f.recipe->summary, true);
        if (!f.recipe->steps.empty()) details += "\n\n" + printable(f.recipe->steps.front().sql, true);
        if (f.recipe->steps.size() > 1) details += "\n\n(" + std::to_string(f.recipe->steps.size() - 1) + " more steps in the pull-request comment)";
        a["raw_details"] = fit_bytes(valid_utf8(details), k_raw_details_max, "\n... (the full recipe is in the pull-request comment)");
    }
    return a;
}

}  // namespace

std::string check_conclusion(const Report& report, Risk max_risk, bool unknown_fails, std::size_t suppressed_by_pull_request) {
    Counts c = count(report, max_risk, unknown_fails);
    if (c.failing > 0 || c.errors > 0) return "failure";
    // A finding the pull request's own pgfence-ignore hides is for a reviewer to look at: never "success".
    return c.findings == 0 && suppressed_by_pull_request == 0 ? "success" : "neutral";
}

CheckRunPlan plan_check_run(const Report& report, const CheckRunOptions& options) {
    CheckRunPlan plan;
    Counts c = count(report, options.max_risk, options.unknown_fails);
    const auto self = review::pull_request_suppression_counts(options.pull_request_suppressions);
    plan.conclusion = check_conclusion(report, options.max_risk, options.unknown_fails, self.lifted);

    // Files in report order, each file's annotations in source order.
    std::vector<Annotation> items = annotations_of(report);
    if (items.size() > options.max_annotations) {
        // Keep the ones that matter: new before pre-existing, then highest risk; sent in source
        // order all the same.
        std::vector<std::size_t> order(items.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            if (items[a].pre_existing() != items[b].pre_existing()) return !items[a].pre_existing();
            return items[a].risk() > items[b].risk();
        });
        std::vector<bool> kept(items.size(), false);
        for (std::size_t i = 0; i < options.max_annotations; ++i) kept[order[i]] = true;
        std::vector<Annotation> sent;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (kept[i]) sent.push_back(std::move(items[i]));
            else plan.annotations_left_out += items[i].findings.size();
        }
        items = std::move(sent);
    }
    plan.annotations = items.size();

    std::string title = title_of(c, options.max_risk, options.unknown_fails, self);
    std::string summary = summary_of(report, options, plan.annotations_left_out);
    MarkdownOptions details;
    details.part = MarkdownPart::details;
    details.max_chars = k_check_output_max_bytes;
    details.links = options.links;
    details.root = options.root;
    details.full_report = "the job summary";
    std::ostringstream text;
    render_markdown(report, text, details);

    // JSON needs valid UTF-8; a replaced byte grows to three, so the limit is applied after.
    json output{{"title", title},
                {"summary", fit_bytes(valid_utf8(summary), k_check_output_max_bytes, "...")},
                {"text", fit_bytes(valid_utf8(text.str()), k_check_output_max_bytes, "...")}};
    auto batch = [&](std::size_t from) {
        json list = json::array();
        for (std::size_t i = from; i < items.size() && i < from + k_annotations_per_request; ++i) {
            list.push_back(annotation_of(items[i], options));
        }
        return list;
    };

    plan.create = {{"name", options.name},
                   {"head_sha", options.head_sha},
                   {"status", "completed"},
                   {"conclusion", plan.conclusion},
                   {"output", output}};
    if (options.details_url) plan.create["details_url"] = *options.details_url;
    plan.create["output"]["annotations"] = batch(0);
    // Each update repeats title, summary and text: an update's output replaces the old one,
    // while its annotations are appended to those already on the run.
    for (std::size_t from = k_annotations_per_request; from < items.size(); from += k_annotations_per_request) {
        json update{{"output", output}};
        update["output"]["annotations"] = batch(from);
        plan.updates.push_back(std::move(update));
    }
    return plan;
}

}  // namespace pgfence::annotate
