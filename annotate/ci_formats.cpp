#include "annotate/ci_formats.hpp"

#include <nlohmann/json.hpp>

#include "annotate/finding_view.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/rule_docs.hpp"
#include "annotate/sarif.hpp"

namespace pgfence::annotate {

using namespace pgfence::analyze;
using json = nlohmann::json;

namespace {

// A log reader (the GitHub runner, GitLab's) acts on "##[" anywhere in a line: inside a JSON
// string it is written "##\u005b", the same value to a JSON reader.
void write_json(const json& doc, std::ostream& out) {
    std::string text = doc.dump(2);
    for (std::size_t at = 0; (at = text.find("##[", at)) != std::string::npos; at += 8) text.replace(at, 3, "##\\u005b");
    out << text << "\n";
}

const char* gitlab_severity(const Finding& f) {
    if (f.pre_existing) return "info";
    switch (f.risk) {
        case Risk::Critical: return "blocker";
        case Risk::High: return "critical";
        case Risk::Medium: return "major";
        case Risk::Low:
        case Risk::None: return "minor";
    }
    return "minor";
}

const char* rdjson_severity(const Finding& f) {
    if (f.pre_existing) return "INFO";
    switch (severity_of(f.risk)) {
        case Severity::Error: return "ERROR";
        case Severity::Warning: return "WARNING";
        case Severity::Notice: return "INFO";
    }
    return "INFO";
}

// The message with its fix, as one text; valid UTF-8, no terminal controls.
std::string text_of(const Finding& f) {
    std::string text = f.message;
    if (!f.fix.empty()) text += ". Fix: " + f.fix;
    if (f.pre_existing) text += " (pre-existing: on lines this change did not touch)";
    return valid_utf8(printable(text, true));
}

// Each finding with its file's repository path and its fingerprint, in report order.
template <typename Visit>
void each_finding(const Report& report, const CiFormatOptions& options, Visit visit) {
    for (const auto& file : report.files) {
        std::string path = valid_utf8(repo_path(file.path, options.root));
        std::vector<std::string> fingerprints = finding_fingerprints(file, path);
        for (std::size_t i = 0; i < file.findings.size(); ++i) visit(path, file.findings[i], fingerprints[i]);
    }
}

}  // namespace

void render_gitlab(const Report& report, std::ostream& out, const CiFormatOptions& options) {
    json issues = json::array();
    each_finding(report, options, [&](const std::string& path, const Finding& f, const std::string& fingerprint) {
        LineSpan span = span_of(f);
        issues.push_back({{"type", "issue"},
                          {"description", text_of(f)},
                          {"check_name", f.rule},
                          {"categories", json::array({"Bug Risk"})},
                          {"fingerprint", fingerprint},
                          {"severity", gitlab_severity(f)},
                          {"location", {{"path", path}, {"lines", {{"begin", span.start_line}, {"end", span.end_line}}}}}});
    });
    write_json(issues, out);
}

void render_rdjson(const Report& report, std::ostream& out, const CiFormatOptions& options) {
    json diagnostics = json::array();
    each_finding(report, options, [&](const std::string& path, const Finding& f, const std::string& fingerprint) {
        LineSpan span = span_of(f);
        json code{{"value", f.rule}};
        if (!rule_doc(f.rule).empty()) code["url"] = std::string(k_docs_base) + f.rule + ".md";
        diagnostics.push_back({{"message", text_of(f)},
                               {"location",
                                {{"path", path},
                                 {"range",
                                  {{"start", {{"line", span.start_line}, {"column", span.start_column}}},
                                   // rdjson's end column is exclusive.
                                   {"end", {{"line", span.end_line}, {"column", span.end_column + 1}}}}}}},
                               {"severity", rdjson_severity(f)},
                               {"code", code},
                               {"original_output", fingerprint}});
    });
    json doc{{"source", {{"name", "pgfence"}, {"url", "https://github.com/pgfence/action"}}}, {"diagnostics", diagnostics}};
    write_json(doc, out);
}

}  // namespace pgfence::annotate
