#include "serve/signoff_events.hpp"

#include "serve/github_app.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

bool is(const json& data, const char* key, const std::string& want) {
    return data.contains(key) && data[key].is_string() && data[key].get<std::string>() == want;
}

bool is(const json& data, const char* key, const std::optional<std::int64_t>& want) {
    if (!want) return !data.contains(key) || data[key].is_null();
    return data.contains(key) && data[key].is_number_integer() && data[key].get<std::int64_t>() == *want;
}

bool granted(const json& event, const char* type, std::int64_t pull_request) {
    return event.is_object() && event.value("type", "") == type && event.contains("pull_request") &&
           event["pull_request"].is_number_integer() && event["pull_request"].get<std::int64_t>() == pull_request &&
           event.contains("data") && event["data"].is_object();
}

}  // namespace

bool approval_backed(const ApprovalFacts& row, const json& event) {
    if (!granted(event, "approval", row.pull_request)) return false;
    const json& data = event["data"];
    if (!is(data, "login", row.login)) return false;
    // A review's event names its review and the commit it reviewed; a comment's, its comment and
    // the head it approved (serve/signoff_service.cpp).
    if (row.source == "review") return is(data, "review_id", row.review_id) && !row.comment_id && is(data, "commit_id", row.commit_sha);
    if (row.source == "comment") return is(data, "comment_id", row.comment_id) && !row.review_id && is(data, "head_sha", row.commit_sha);
    return false;
}

bool exemption_backed(const ExemptionFacts& row, const json& event) {
    if (!granted(event, "exemption", row.pull_request)) return false;
    const json& data = event["data"];
    const bool id = data.contains("exemption_id") && data["exemption_id"].is_number_integer() &&
                    std::to_string(data["exemption_id"].get<std::int64_t>()) == row.id;
    const bool path = row.path ? is(data, "path", *row.path) : data.contains("path") && data["path"].is_null();
    const bool line = row.line ? data.contains("line") && data["line"].is_number_integer() && data["line"].get<int>() == *row.line
                               : data.contains("line") && data["line"].is_null();
    return id && path && line && is(data, "rule", row.rule) && is(data, "login", row.owner);
}

std::optional<ExemptionTerms> exemption_terms(const json& grant, const json& later) {
    const json& data = grant["data"];
    const auto text = [](const json& d, const char* key) {
        return d.contains(key) && d[key].is_string() ? std::optional(d[key].get<std::string>()) : std::nullopt;
    };
    const auto expires = text(data, "expires_at");
    const auto at = expires ? parse_utc(*expires) : std::nullopt;
    if (!at) return std::nullopt;
    ExemptionTerms out;
    out.expires_at = *at;
    out.scope = text(data, "statements_sha256");
    out.commit_sha = text(data, "head_sha").value_or("");
    const json id = data.contains("exemption_id") ? data["exemption_id"] : json();
    if (!later.is_array()) return out;
    for (const auto& event : later) {
        if (!event.is_object() || !event.contains("data") || !event["data"].is_object() || event["data"].value("exemption_id", json()) != id ||
            event["pull_request"] != grant["pull_request"]) {
            continue;
        }
        const std::string type = event.value("type", "");
        if (type == "exemption_withdrawn") out.withdrawn = true;
        else if (type == "exemption_voided") out.voided = true;
        else if (type == "exemption_bound" && !out.scope) out.scope = text(event["data"], "statements_sha256");
    }
    return out;
}

}  // namespace pgfence::serve
