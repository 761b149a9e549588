#include "bot/governance_envelope.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
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

std::uint64_t span_end(const nlohmann::json& statement) {
    if (!statement.contains("span") || !statement["span"].is_object()) return 0;
    const auto& span = statement["span"];
    const auto number = [&](const char* key) -> std::uint64_t {
        return span.contains(key) && span[key].is_number_unsigned() ? span[key].get<std::uint64_t>() : 0;
    };
    return number("offset") + number("length");
}

bool in_transaction(const nlohmann::json& statement) {
    if (!statement.contains("transaction") || !statement["transaction"].is_object()) return false;
    return statement["transaction"].value("state", std::string("none")) != "none";
}

// Each statement's context_sha256: the SHA-256 of the file's bytes from its start to the end of
// the statement, or to the end of its transaction when it runs in one (the whole file when the
// tool wraps the file in one): the same context that decides whether a finding is pre-existing
// (bot/pre_existing.cpp), the settings before it (search_path) and the definitions its text
// names (a constant an ORM call sends), and what runs after it while its locks are held. An
// exemption at FILE:LINE binds to it (serve/binding.cpp).
analyze::Result<bool> bind_contexts(nlohmann::json& file, std::string_view bytes, const std::string& read_with) {
    if (!file.contains("statements") || !file["statements"].is_array()) return true;
    auto& statements = file["statements"];
    const bool wrapped = file.value("wrapped_in_transaction", false);
    const std::size_t n = statements.size();
    // Each statement's end: its own, the file's when wrapped, else the furthest end of the run of
    // statements in a transaction it starts (one pass from the last, not one per statement: r70 F3).
    std::vector<std::uint64_t> ends(n, 0);
    for (std::size_t i = n; i-- > 0;) {
        if (!statements[i].is_object()) continue;
        std::uint64_t end = span_end(statements[i]);
        if (wrapped) {
            end = bytes.size();
        } else if (in_transaction(statements[i]) && i + 1 < n && statements[i + 1].is_object() && in_transaction(statements[i + 1])) {
            end = std::max(end, ends[i + 1]);
        }
        ends[i] = std::min<std::uint64_t>(end, bytes.size());
    }
    // One running hash over the file: each distinct end's digest is its state then, plus read_with,
    // so the file is hashed once whatever the number of statements.
    std::vector<std::uint64_t> points;
    for (std::size_t i = 0; i < n; ++i) {
        if (statements[i].is_object()) points.push_back(ends[i]);
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::map<std::uint64_t, std::string> digest_at;
    RunningSha256 running;
    std::uint64_t fed = 0;
    for (std::uint64_t point : points) {
        auto more = running.update(bytes.substr(static_cast<std::size_t>(fed), static_cast<std::size_t>(point - fed)));
        if (!more) return more.error();
        fed = point;
        auto sha = running.hex_with(read_with);
        if (!sha) return sha.error();
        digest_at.emplace(point, std::move(*sha));
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (statements[i].is_object()) statements[i]["context_sha256"] = digest_at.at(ends[i]);
    }
    return true;
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

    // What a finding at a call is about (Finding::subject: the called body's statement, whole),
    // hashed beside it: its message cuts the statement short, and an approval or an exemption
    // binds to the whole of it (serve/binding.cpp), not to the message's cut (issue #53, BODYTAIL).
    std::map<std::string, const analyze::FileReport*> report_of;
    for (const auto& f : report.files) report_of.emplace(f.path, &f);
    for (auto& file : document["files"]) {
        auto it = report_of.find(file.value("path", std::string()));
        if (it == report_of.end() || !file.contains("findings") || !file["findings"].is_array()) continue;
        const auto& findings = it->second->findings;
        auto& listed = file["findings"];
        if (listed.size() != findings.size()) continue;
        for (std::size_t i = 0; i < findings.size(); ++i) {
            if (findings[i].subject.empty() || !listed[i].is_object() || listed[i].value("rule", std::string()) != findings[i].rule) continue;
            auto sha = sha256_hex(findings[i].subject);
            if (!sha) return sha.error();
            listed[i]["subject_sha256"] = *sha;
        }
    }
    // "<file sha256> <path>\n" per file, sorted by path in byte order.
    std::vector<std::pair<std::string, std::string>> hashed;  // path, sha256
    std::map<std::string, std::vector<std::string>> settings_of;
    for (const auto& f : report.files) {
        if (!f.settings_files.empty()) settings_of[f.path] = f.settings_files;
    }
    for (auto& file : document["files"]) {
        std::string path = file.value("path", std::string());
        auto bytes = bytes_at_head(path);
        if (!bytes) return bytes.error();
        auto sha = sha256_hex(bytes->value_or(std::string()));
        if (!sha) return sha.error();
        file["sha256"] = *sha;
        // The files it was read with (an imported module an unknown call sends, a tool's settings):
        // their bytes decide what the statement does as much as the file's own.
        std::string read_with;
        if (auto it = settings_of.find(path); it != settings_of.end()) {
            for (const auto& other : it->second) {
                auto other_bytes = bytes_at_head(other);
                if (!other_bytes) return other_bytes.error();
                auto other_sha = sha256_hex(other_bytes->value_or(std::string()));
                if (!other_sha) return other_sha.error();
                read_with += std::string("\0read with ", 11) + other + "\n" + (*other_bytes ? *other_sha : std::string("absent")) + "\n";
            }
        }
        auto bound = bind_contexts(file, bytes->value_or(std::string()), read_with);
        if (!bound) return bound.error();
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
    // The base too (issue #53, red team H2 item 9): the same head re-run after its base moved is
    // another analysis, judged anew, not a replay of the first (nor a 409 for another body).
    auto key = sha256_hex(subject.repository + "\n" + std::to_string(subject.pull_request) + "\n" + subject.head_sha + "\n" +
                          envelope.content_hash + "\n" + version + "\n" + (include_sql ? "sql" : "no-sql") +
                          (subject.job.empty() ? std::string() : "\njob " + subject.job) + "\nbase " + subject.base_sha);
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
    if (!subject.head_tree.empty()) envelope.body["head_tree"] = subject.head_tree;
    return envelope;
}

}  // namespace pgfence::bot::governance
