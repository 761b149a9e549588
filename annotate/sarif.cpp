#include "annotate/sarif.hpp"

#include <cstdint>
#include <cstdio>
#include <map>

#include "analyze/rules/rule.hpp"
#include "analyze/parse/source_text.hpp"
#include "analyze/model/meaning_context.hpp"
#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/rule_docs.hpp"
#include "annotate/runner_commands.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.0.0"
#endif

namespace pgfence::annotate {

using namespace pgfence::analyze;
using json = nlohmann::json;

namespace {

constexpr const char* k_schema_uri = "https://json.schemastore.org/sarif-2.1.0.json";

const char* level_of(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Notice: return "note";
    }
    return "note";
}

// FNV-1a, twice with different offsets: 128 bits, stable across platforms and releases
// (std::hash is neither).
std::string hash_hex(std::string_view text) {
    std::uint64_t a = 14695981039346656037ULL, b = 0x6c62272e07bb0142ULL;
    for (unsigned char c : text) {
        a = (a ^ c) * 1099511628211ULL;
        b = (b ^ c) * 1099511628211ULL;
        b ^= b >> 29;
    }
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
    return out;
}

// RFC 3986: everything but unreserved characters and '/' percent-encoded.
std::string uri_encode(std::string_view path) { return percent_encode(path, "-._~/"); }

json artifact_location(const std::string& path, const SarifOptions& options) {
    if (!path.empty() && path[0] == '/') return json{{"uri", "file://" + uri_encode(path)}};
    json location{{"uri", uri_encode(path)}};
    if (!options.uri_base_id.empty()) location["uriBaseId"] = options.uri_base_id;
    return location;
}

json rule_descriptor(const rules::Rule& rule, const SarifOptions& options) {
    std::string id(rule.id);
    std::string_view doc = rule_doc(id);
    std::string summary(rule.summary);
    std::string full = doc.empty() ? summary : doc_description(doc);
    if (full.empty()) full = summary;
    json d{
        {"id", id},
        {"name", rule_name(id)},
        {"shortDescription", {{"text", summary}}},
        {"fullDescription", {{"text", full}}},
        {"defaultConfiguration", {{"level", level_of(severity_of(rule.default_risk))}}},
        {"properties",
         {{"tags", json::array({"postgresql", "migration", std::string(rule.category)})},
          {"risk", std::string(risk_name(rule.default_risk))}}},
    };
    if (!doc.empty()) {
        d["help"] = {{"text", doc_plain_text(doc)}, {"markdown", std::string(doc)}};
    } else {
        d["help"] = {{"text", summary}, {"markdown", summary}};
    }
    if (!options.docs_base_uri.empty()) d["helpUri"] = options.docs_base_uri + id + ".md";
    return d;
}

// SARIF's fix for a file's migration plan: the first migration replaces the analysed file's
// statements, the others (and the out-of-band files) are inserted into new files.
json plan_fix(const FileReport& file, const Plan& plan, const SarifOptions& options) {
    json changes = json::array();
    for (const auto& step : plan.steps) {
        auto add = [&](const std::string& path, const std::string& text, bool replaces) {
            json region{{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}};
            if (replaces && !file.statements.empty()) {
                const auto& last = file.statements.back().span.stop;
                region = {{"startLine", 1}, {"startColumn", 1}, {"endLine", last.line}, {"endColumn", last.column + 1}};
            }
            changes.push_back({{"artifactLocation", artifact_location(repo_path(path, options.root), options)},
                               {"replacements", json::array({{{"deletedRegion", region}, {"insertedContent", {{"text", text}}}}})}});
        };
        add(step.path, step.file_text, step.path == file.path);
        for (const auto& [path, text] : step.extra_files) add(path, text, false);
    }
    return {{"description", {{"text", "Migration plan: " + plan.summary + "."}}}, {"artifactChanges", std::move(changes)}};
}

std::string result_message(const Finding& f) {
    auto sentence = [](std::string t) {
        if (!t.empty() && t.back() != '.') t += '.';
        return t;
    };
    std::string text = sentence(f.message);
    if (!f.fix.empty()) text += " Fix: " + sentence(f.fix);
    if (f.recipe && !f.recipe->summary.empty()) text += " Safe way: " + sentence(f.recipe->summary);
    if (f.pre_existing) text += " (Pre-existing: on lines this change did not touch.)";
    return text;
}

bool is_exemption(const Finding& f) { return f.suppressed_by && f.suppressed_by->exemption(); }

// SARIF 2.1.0 §3.35: an in-source suppression (a pgfence-ignore comment), its reason as the
// justification, owner, expiry and the comment's line as properties.
json suppression_of(const SuppressedBy& by) {
    json properties{{"line", by.line}, {"scope", by.whole_file ? "file" : "statement"}};
    if (!by.owner.empty()) properties["owner"] = by.owner;
    if (!by.until.empty()) properties["until"] = by.until;
    json s{{"kind", "inSource"}, {"status", "accepted"}, {"properties", std::move(properties)}};
    if (!by.reason.empty()) s["justification"] = by.reason;
    return s;
}

json result(const Finding& f, const std::string& path, const std::string& fingerprint, const std::map<std::string, int>& rule_index,
            const SarifOptions& options) {
    LineSpan span = span_of(f);
    json region{{"startLine", span.start_line},
                {"startColumn", span.start_column},
                {"endLine", span.end_line},
                {"endColumn", span.end_column + 1}};  // SARIF's end column is exclusive
    json r{
        {"ruleId", f.rule},
        {"level", level_of(severity_of(f))},
        {"message", {{"text", result_message(f)}}},
        {"locations", json::array({{{"physicalLocation", {{"artifactLocation", artifact_location(path, options)}, {"region", region}}}}})},
        {"partialFingerprints", {{"pgfence/v1", fingerprint}}},
        {"properties", {{"risk", std::string(risk_name(f.risk))}, {"preExisting", f.pre_existing}}},
    };
    auto it = rule_index.find(f.rule);
    if (it != rule_index.end()) r["ruleIndex"] = it->second;
    if (f.suppressed_by) r["suppressions"] = json::array({suppression_of(*f.suppressed_by)});
    return r;
}

}  // namespace

std::string rule_name(std::string_view id) {
    std::string out;
    bool upper = true;
    for (char c : id) {
        if (c == '-' || c == '_') {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

std::string stable_hash(std::string_view text) { return hash_hex(text); }

std::vector<std::string> finding_fingerprints(const FileReport& file, std::string_view path) {
    return finding_fingerprints(file, file.findings, path);
}

std::vector<std::string> finding_fingerprints(const FileReport& file, const std::vector<Finding>& findings, std::string_view path) {
    std::map<std::string, int> seen;  // (rule, statement text) -> occurrences so far
    std::vector<std::string> out;
    for (const auto& f : findings) {
        const StatementFacts* statement = statement_of(file, f);
        std::string text = statement != nullptr ? statement->sql : f.message;
        // At a call: what it runs too (Finding::subject), so a rewritten body is a new result.
        if (!f.subject.empty()) text += std::string(1, '\x1f') + f.subject;
        // And the settings that decide what it names: another search_path is another result (R83 F4).
        if (statement != nullptr) text += analyze::meaning_context(*statement);
        int occurrence = seen[f.rule + '\0' + analyze::fold_whitespace(text)]++;
        out.push_back(sarif_fingerprint(f.rule, path, text, occurrence));
    }
    return out;
}

std::string sarif_fingerprint(std::string_view rule, std::string_view path, std::string_view sql, int occurrence) {
    std::string key;
    key.append(rule).append(1, '\0').append(path).append(1, '\0').append(analyze::fold_whitespace(sql));
    key.append(1, '\0').append(std::to_string(occurrence));
    return hash_hex(key);
}

json report_to_sarif(const Report& report, const SarifOptions& options) {
    const auto& registry = rules::all_rules();
    // Only rules with a result, unless asked: each descriptor carries its whole docs page, and
    // code scanning needs descriptors only for the rules its results name.
    std::map<std::string, bool> used;
    for (const auto& file : report.files) {
        for (const auto& f : file.findings) used[f.rule] = true;
        for (const auto& f : file.suppressed) {
            if (is_exemption(f)) used[f.rule] = true;
        }
    }
    json rules_json = json::array();
    std::map<std::string, int> rule_index;
    for (const auto& rule : registry) {
        std::string id(rule.id);
        if (!options.all_rules && used.count(id) == 0) continue;
        rule_index[id] = static_cast<int>(rules_json.size());
        rules_json.push_back(rule_descriptor(rule, options));
    }

    json results = json::array();
    json notifications = json::array();
    for (const auto& file : report.files) {
        std::string path = repo_path(file.path, options.root);
        if (file.error) {
            notifications.push_back({{"level", "error"},
                                     {"message", {{"text", file.error->message}}},
                                     {"locations", json::array({{{"physicalLocation", {{"artifactLocation", artifact_location(path, options)}}}}})}});
        }
        std::vector<std::string> fingerprints = finding_fingerprints(file, path);
        bool plan_given = false;
        for (std::size_t i = 0; i < file.findings.size(); ++i) {
            const Finding& f = file.findings[i];
            json r = result(f, path, fingerprints[i], rule_index, options);
            // The file's migration plan, once per file, as the fix of its first finding the plan
            // resolves: a file change per migration (the first replaces this file).
            if (file.plan && !file.plan->steps.empty() && !plan_given && std::binary_search(file.plan->replaced.begin(), file.plan->replaced.end(), f.rule)) {
                plan_given = true;
                r["fixes"] = json::array({plan_fix(file, *file.plan, options)});
            }
            results.push_back(std::move(r));
        }
        // Exemptions (findings hidden by a comment that gives a reason, an owner or an expiry)
        // are results too, suppressed in the source: a viewer lists them as suppressed, with the
        // comment's reason, owner and expiry. A bare pgfence-ignore stays out, as it always was.
        std::vector<std::string> suppressed_prints = finding_fingerprints(file, file.suppressed, path);
        for (std::size_t i = 0; i < file.suppressed.size(); ++i) {
            if (!is_exemption(file.suppressed[i])) continue;
            results.push_back(result(file.suppressed[i], path, suppressed_prints[i], rule_index, options));
        }
    }

    json driver{{"name", "pgfence"},
                {"version", PGFENCE_VERSION},
                {"semanticVersion", PGFENCE_VERSION},
                {"rules", std::move(rules_json)}};
    if (!options.information_uri.empty()) driver["informationUri"] = options.information_uri;
    json invocation{{"executionSuccessful", notifications.empty()}};
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
    json run{{"tool", {{"driver", std::move(driver)}}},
             {"automationDetails", {{"id", options.automation_id}}},
             {"columnKind", "unicodeCodePoints"},  // analyze::LineIndex counts code points
             {"invocations", json::array({std::move(invocation)})},
             {"results", std::move(results)},
             {"properties", {{"postgresqlVersion", report.pg_version}}}};
    if (!options.uri_base_id.empty() && !options.root_uri.empty()) {
        std::string base = options.root_uri;
        if (base.back() != '/') base += '/';
        run["originalUriBaseIds"] = {{options.uri_base_id, {{"uri", base}}}};
    }
    return json{{"$schema", k_schema_uri}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

void render_sarif(const Report& report, std::ostream& out, const SarifOptions& options) {
    out << json_without_legacy_commands(report_to_sarif(report, options).dump(2, ' ', false, json::error_handler_t::replace)) << "\n";
}

}  // namespace pgfence::annotate
