#include "bot/governance_envelope.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "annotate/json_report.hpp"
#include "bot/sha256.hpp"

namespace pgfence::bot::governance {
namespace {

void left_out(nlohmann::json& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_string()) object[key] = k_sql_left_out;
}

void strip_findings(nlohmann::json& findings) {
    if (!findings.is_array()) return;
    for (auto& finding : findings) {
        if (!finding.is_object() || !finding.contains("recipe") || !finding["recipe"].is_object()) continue;
        auto& steps = finding["recipe"]["steps"];
        if (steps.is_array()) {
            for (auto& step : steps) left_out(step, "sql");
        }
    }
}

// U+0000 in any string (a NUL byte in a migration's SQL) becomes U+FFFD, as invalid UTF-8 does
// when the body is written: the service refuses a NUL, which PostgreSQL's jsonb cannot hold.
void replace_nul(nlohmann::json& value) {
    if (value.is_string()) {
        auto& text = value.get_ref<std::string&>();
        for (std::size_t at = text.find('\0'); at != std::string::npos; at = text.find('\0', at + 3)) {
            text.replace(at, 1, "\xEF\xBF\xBD");
        }
    } else if (value.is_array() || value.is_object()) {
        for (auto& item : value) replace_nul(item);
    }
}

}  // namespace

void strip_sql(nlohmann::json& report) {
    if (!report.is_object() || !report.contains("files") || !report["files"].is_array()) return;
    for (auto& file : report["files"]) {
        if (!file.is_object()) continue;
        if (file.contains("statements") && file["statements"].is_array()) {
            for (auto& statement : file["statements"]) left_out(statement, "sql");
        }
        if (file.contains("findings")) strip_findings(file["findings"]);
        if (file.contains("suppressed")) strip_findings(file["suppressed"]);
        if (file.contains("plan") && file["plan"].is_object() && file["plan"].contains("steps") && file["plan"]["steps"].is_array()) {
            for (auto& step : file["plan"]["steps"]) {
                left_out(step, "sql");
                if (!step.contains("files") || !step["files"].is_array()) continue;
                for (auto& written : step["files"]) left_out(written, "text");
            }
        }
    }
}

analyze::Result<Envelope> build_envelope(const analyze::Report& report, const Subject& subject,
                                         const BytesAtHead& bytes_at_head, const SuppressionOrigins& origins,
                                         bool include_sql) {
    std::ostringstream text;
    annotate::write_json_report(report, text);
    nlohmann::json document = nlohmann::json::parse(text.str(), nullptr, false);
    if (document.is_discarded() || !document.contains("files"))
        return analyze::Error{"the report could not be read back as JSON", "", std::nullopt};

    // "<file sha256> <path>\n" per file, sorted by path in byte order.
    std::vector<std::pair<std::string, std::string>> hashed;  // path, sha256
    for (auto& file : document["files"]) {
        std::string path = file.value("path", std::string());
        auto bytes = bytes_at_head(path);
        if (!bytes) return bytes.error();
        auto sha = sha256_hex(bytes->value_or(std::string()));
        if (!sha) return sha.error();
        file["sha256"] = *sha;
        // Every suppressed entry says whether its comment is on the base branch: false unless known.
        if (auto suppressed = file.find("suppressed"); suppressed != file.end() && suppressed->is_array()) {
            auto known = origins.find(path);
            for (std::size_t i = 0; i < suppressed->size(); ++i) {
                bool on_base = known != origins.end() && i < known->second.size() && known->second[i];
                if ((*suppressed)[i].is_object()) (*suppressed)[i]["suppression_on_base"] = on_base;
            }
        }
        hashed.emplace_back(path, *sha);
    }
    std::sort(hashed.begin(), hashed.end());
    std::string lines;
    for (const auto& [path, sha] : hashed) lines += sha + " " + path + "\n";
    auto content = sha256_hex(lines);
    if (!content) return content.error();

    if (!include_sql) strip_sql(document);
    replace_nul(document);
    Envelope envelope;
    envelope.content_hash = "sha256:" + *content;
    std::string version = document["tool"].value("version", std::string());
    auto key = sha256_hex(subject.repository + "\n" + std::to_string(subject.pull_request) + "\n" + subject.head_sha + "\n" +
                          envelope.content_hash + "\n" + version + "\n" + (include_sql ? "sql" : "no-sql") +
                          (subject.job.empty() ? std::string() : "\njob " + subject.job));
    if (!key) return key.error();
    envelope.idempotency_key = *key;
    envelope.body = nlohmann::json{
        {"schema_version", k_envelope_schema_version},
        {"repository", subject.repository},
        {"pull_request", subject.pull_request},
        {"head_sha", subject.head_sha},
        {"base_sha", subject.base_sha},
        {"content_hash", envelope.content_hash},
        {"sql_included", include_sql},
        {"report", std::move(document)},
    };
    // Only with --name, so that a service that does not know the key still takes every other upload.
    if (!subject.job.empty()) envelope.body["job"] = subject.job;
    return envelope;
}

}  // namespace pgfence::bot::governance
