#include "annotate/annotations.hpp"

#include <algorithm>

#include "analyze/rules/rule.hpp"

namespace pgfence::annotate {

using namespace pgfence::analyze;

bool is_session_setting(const Finding& finding) {
    const rules::Rule* rule = rules::find_rule(finding.rule);
    return rule != nullptr && rule->category == "policy";
}

Risk Annotation::risk() const {
    Risk out = Risk::None;
    for (const Finding* f : findings) out = std::max(out, f->risk);
    return out;
}

Severity Annotation::severity() const {
    Severity out = Severity::Notice;
    for (const Finding* f : findings) out = std::max(out, severity_of(*f));
    return out;
}

bool Annotation::pre_existing() const {
    return std::all_of(findings.begin(), findings.end(), [](const Finding* f) { return f->pre_existing; });
}

LineSpan Annotation::span() const {
    LineSpan s = span_of(first());
    if (folded()) s.end_line = s.start_line;
    return s;
}

std::string Annotation::title() const {
    std::string tail = " (" + std::string(risk_name(risk())) + (pre_existing() ? ", pre-existing" : "") + ")";
    if (!folded()) return first().rule + tail;
    std::vector<std::string_view> rules;
    for (const Finding* f : findings) {
        if (std::find(rules.begin(), rules.end(), f->rule) == rules.end()) rules.push_back(f->rule);
    }
    std::string out = "session settings: ";
    for (std::size_t i = 0; i < rules.size(); ++i) out += (i == 0 ? "" : ", ") + std::string(rules[i]);
    return out + tail;
}

std::vector<Annotation> annotations_of(const Report& report) {
    std::vector<Annotation> out;
    for (const auto& file : report.files) {
        std::size_t fold = out.size();  // where the file's fold is, once it has one
        bool folding = false;
        for (const auto& f : file.findings) {
            if (is_session_setting(f)) {
                if (folding) {
                    out[fold].findings.push_back(&f);
                    continue;
                }
                folding = true;
                fold = out.size();
            }
            out.push_back(Annotation{&file, {&f}});
        }
    }
    return out;
}

namespace {

// "line 2", "lines 2 and 7", "lines 2, 7 and 9".
std::string lines_text(const std::vector<int>& lines) {
    std::string out = lines.size() == 1 ? "line " : "lines ";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == lines.size() ? " and " : ", ") + std::to_string(lines[i]);
    }
    return out;
}

}  // namespace

std::string fold_message(const Annotation& annotation) {
    std::vector<std::pair<std::string_view, std::vector<int>>> by_rule;  // in order of first appearance
    for (const Finding* f : annotation.findings) {
        auto it = std::find_if(by_rule.begin(), by_rule.end(), [&](const auto& r) { return r.first == f->rule; });
        if (it == by_rule.end()) it = by_rule.insert(by_rule.end(), {f->rule, {}});
        int line = span_of(*f).start_line;
        if (it->second.empty() || it->second.back() != line) it->second.push_back(line);
    }
    std::string out;
    for (std::size_t i = 0; i < by_rule.size(); ++i) {
        out += (i == 0 ? "" : "; ") + std::string(by_rule[i].first) + " on " + lines_text(by_rule[i].second);
    }
    out += ".";
    bool any_pre_existing = false;
    for (const Finding* f : annotation.findings) {
        out += "\n\nLine " + std::to_string(span_of(*f).start_line) + ", " + f->rule + " (" + std::string(risk_name(f->risk)) +
               (f->pre_existing ? ", pre-existing" : "") + "): " + f->message;
        if (!f->fix.empty()) out += "\nFix: " + f->fix;
        if (f->recipe && !f->recipe->summary.empty()) out += "\nSafe way: " + f->recipe->summary;
        any_pre_existing = any_pre_existing || f->pre_existing;
    }
    if (any_pre_existing) out += "\n\nPre-existing: on lines this change did not touch; they do not fail the check.";
    return out;
}

}  // namespace pgfence::annotate
