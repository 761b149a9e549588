#include "serve/service.hpp"
#include "serve/service_parts.hpp"

#include <httplib.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "analyze/parse/json_depth.hpp"
#include "serve/audit.hpp"
#include "serve/crypto.hpp"
#include "serve/dashboard.hpp"
#include "serve/embedded.hpp"
#include "serve/head_decisions.hpp"
#include "serve/http_server.hpp"
#include "serve/metrics.hpp"
#include "serve/page_routes.hpp"
#include "serve/payload.hpp"
#include "serve/refused_jobs.hpp"
#include "serve/body_budget.hpp"
#include "serve/body_limits.hpp"
#include "serve/upload_target.hpp"

namespace pgfence::serve {

namespace service_detail {

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump() + "\n", "application/json");
}

std::string bearer(const httplib::Request& req) {
    const std::string header = req.get_header_value("Authorization");
    if (header.size() > 7 && header.compare(0, 7, "Bearer ") == 0) return header.substr(7);
    return "";
}

// The content hash an upload's report implies: SHA-256 of "<file sha256> <path>\n" per file, by path.
std::optional<std::string> content_hash_of(const json& report) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& file : report.value("files", json::array())) {
        if (!file.contains("sha256") || !file["sha256"].is_string() || !file.contains("path") || !file["path"].is_string()) {
            return std::nullopt;
        }
        files.emplace_back(file["path"].get<std::string>(), file["sha256"].get<std::string>());
    }
    std::sort(files.begin(), files.end());
    std::string lines;
    for (const auto& [path, sha] : files) lines += sha + " " + path + "\n";
    return "sha256:" + sha256_hex(lines);
}

// Why an envelope is not one (empty when it is).
std::string envelope_problem(const json& envelope) {
    if (!envelope.is_object()) return "the body is not a JSON object";
    static const std::set<std::string> k_keys = {"schema_version", "repository", "pull_request", "head_sha",
                                                 "base_sha",       "content_hash", "sql_included", "report", "job",
                                                 "head_tree"};
    for (const auto& [key, value] : envelope.items()) {
        if (!k_keys.contains(key)) return "unknown key " + key.substr(0, 64) + " in the envelope";
    }
    if (envelope.value("schema_version", 0) != 1) return "schema_version must be 1";
    if (!envelope.contains("repository") || !envelope["repository"].is_string() ||
        !valid_repository(envelope["repository"].get<std::string>())) {
        return "repository must be OWNER/NAME";
    }
    if (!envelope.contains("pull_request") || !envelope["pull_request"].is_number_integer() ||
        envelope["pull_request"].get<std::int64_t>() < 1 || envelope["pull_request"].get<std::int64_t>() > 2147483647) {
        return "pull_request must be a pull request number";
    }
    for (const char* key : {"head_sha", "base_sha"}) {
        if (!envelope.contains(key) || !envelope[key].is_string() || !is_hex(envelope[key].get<std::string>(), 40)) {
            return std::string(key) + " must be a 40-character commit SHA";
        }
    }
    // `pgfence pr` since issue #53: the head's tree, which approvals of what it could not see bind to.
    if (envelope.contains("head_tree") && (!envelope["head_tree"].is_string() || !is_hex(envelope["head_tree"].get<std::string>(), 40)))
        return "head_tree must be a 40-character tree SHA";
    if (!envelope.contains("content_hash") || !envelope["content_hash"].is_string() ||
        !envelope["content_hash"].get<std::string>().starts_with("sha256:") ||
        !is_hex(envelope["content_hash"].get<std::string>().substr(7), 64)) {
        return "content_hash must be sha256:<64 hex>";
    }
    if (!envelope.contains("sql_included") || !envelope["sql_included"].is_boolean()) return "sql_included must be true or false";
    if (!envelope.contains("report") || !envelope["report"].is_object()) return "report must be the pgfence report";
    // `pgfence pr --name`: which of several pgfence jobs on the pull request (serve/head_decisions.hpp).
    if (envelope.contains("job")) {
        static const std::regex k_job(R"(^[A-Za-z0-9._-]{1,64}$)");
        if (!envelope["job"].is_string() || !std::regex_match(envelope["job"].get<std::string>(), k_job)) {
            return "job must be 1 to 64 letters, digits, '.', '_' or '-' (pgfence pr --name)";
        }
    }
    return "";
}

// A header value we store or compare: printable ASCII only (a database of UTF-8 text refuses the rest).
bool printable_ascii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Report paths become lines of the content hash: a line break (or any control character) in one
// could make two different sets of files hash alike.
bool paths_plain(const json& report) {
    for (const auto& file : report.value("files", json::array())) {
        if (!file.is_object() || !file.contains("path") || !file["path"].is_string()) continue;
        const std::string& path = file["path"].get_ref<const std::string&>();
        if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
            return false;
        }
    }
    return true;
}

// Whether any string of `value` (keys too) holds U+0000. The depth is bounded by json_nesting_within.
bool has_nul(const json& value) {
    if (value.is_string()) return value.get_ref<const std::string&>().find('\0') != std::string::npos;
    if (value.is_array()) return std::any_of(value.begin(), value.end(), [](const json& v) { return has_nul(v); });
    if (value.is_object()) {
        for (const auto& [k, v] : value.items()) {
            if (k.find('\0') != std::string::npos || has_nul(v)) return true;
        }
    }
    return false;
}

// The head a refused upload was for, when the envelope names one the token may upload for.
std::optional<UploadTarget> refused_head(const json& envelope, const std::string& token_repository) {
    if (!envelope.is_object()) return std::nullopt;
    auto repository = text_at(envelope, {"repository"});
    auto head = text_at(envelope, {"head_sha"});
    auto number = number_at(envelope, {"pull_request"});
    if (!repository || lower(*repository) != token_repository || !head || !is_hex(*head, 40) || !number || *number < 1 ||
        *number > 2147483647) {
        return std::nullopt;
    }
    return UploadTarget{token_repository, *number, *head};
}

// What a caller is told of a failure on our side: its kind, never the database's own words (hosts,
// users, SQL); those go to the service's log.
std::string public_message(const StoreError& e) {
    std::fprintf(stderr, "pgfence serve: %d: %s\n", e.status, e.message.c_str());
    if (e.status == 503) return "the database is unavailable: try again";
    if (e.status >= 500) return "internal error (the service's log has the details)";
    return e.message;
}

std::string route_of(const httplib::Request& req) {
    for (const char* known : {"/v1/analyses", "/v1/github/webhook", "/v1/audit", "/healthz", "/metrics"}) {
        if (req.path == known) return known;
    }
    return "other";
}

std::string prometheus(Metrics& m, std::int64_t queued, std::int64_t failed, bool db_ok) {
    std::lock_guard lock(m.mutex);
    std::ostringstream out;
    out << "# HELP pgfence_http_requests_total HTTP requests by route and status.\n"
        << "# TYPE pgfence_http_requests_total counter\n";
    for (const auto& [key, n] : m.requests) {
        out << "pgfence_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
    }
    out << "# HELP pgfence_http_request_duration_seconds Time to answer, by route.\n"
        << "# TYPE pgfence_http_request_duration_seconds histogram\n";
    for (const auto& [route, buckets] : m.latency) {
        for (std::size_t i = 0; i < Metrics::k_buckets.size(); ++i) {
            out << "pgfence_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << Metrics::k_buckets[i]
                << "\"} " << buckets[i] << "\n";
        }
        out << "pgfence_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
            << buckets[Metrics::k_buckets.size()] << "\n"
            << "pgfence_http_request_duration_seconds_sum{route=\"" << route << "\"} " << m.latency_sum[route] << "\n"
            << "pgfence_http_request_duration_seconds_count{route=\"" << route << "\"} " << buckets[Metrics::k_buckets.size()]
            << "\n";
    }
    auto family = [&](const char* name, const char* help, const char* label, const std::map<std::string, std::int64_t>& values) {
        out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n";
        for (const auto& [value, n] : values) out << name << "{" << label << "=\"" << value << "\"} " << n << "\n";
    };
    family("pgfence_uploads_total", "Uploads by result.", "result", m.uploads);
    family("pgfence_decisions_total", "Policy decisions by conclusion.", "conclusion", m.decisions);
    family("pgfence_webhook_deliveries_total", "Webhook deliveries by result.", "result", m.deliveries);
    family("pgfence_checks_total", "Check runs posted, by result.", "result", m.checks);
    out << "# HELP pgfence_webhook_signature_failures_total Webhooks refused for their signature.\n"
        << "# TYPE pgfence_webhook_signature_failures_total counter\n"
        << "pgfence_webhook_signature_failures_total " << m.signature_failures << "\n"
        << "# HELP pgfence_jobs_queued Jobs waiting in the queue.\n# TYPE pgfence_jobs_queued gauge\n"
        << "pgfence_jobs_queued " << queued << "\n"
        << "# HELP pgfence_jobs_failed Jobs given up after their last attempt.\n# TYPE pgfence_jobs_failed gauge\n"
        << "pgfence_jobs_failed " << failed << "\n"
        << "# HELP pgfence_database_up Whether the database answered.\n# TYPE pgfence_database_up gauge\n"
        << "pgfence_database_up " << (db_ok ? 1 : 0) << "\n";
    return out.str();
}

}  // namespace service_detail

Service::Service(Config config, Store& store, Policies policies, std::unique_ptr<GitHubApp> app)
    : m_config(std::move(config)),
      m_store(store),
      m_policies(std::make_shared<const Policies>(std::move(policies))),
      m_policy_source({{"source", m_config.path.empty() ? "defaults" : m_config.path}}),
      m_app(std::move(app)),
      m_metrics(std::make_unique<Metrics>()),
      m_dashboard_cache(std::make_unique<DashboardCache>()),
      m_http(std::make_unique<Http>()) {
    json schema = json::parse(report_schema());
    schema.erase("$schema");  // draft 2020-12 by name; the keywords it uses are draft 7's
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, m_http->schema);
}

Service::~Service() = default;

void Service::stop() {
    m_stopping = true;
    std::lock_guard lock(m_http->server_mutex);
    if (m_http->server) m_http->server->stop();
}

void Service::upload_too_large(const httplib::Request& req, const std::string& token_repository, const UploadBody& body,
                               httplib::Response& res) {
    m_metrics->count(m_metrics->uploads, "too_large");
    const std::string why = oversize_reason(body, m_config.max_upload_bytes);
    // The head's check fails only for a head the headers name in the token's own repository: the
    // same trust as a refused envelope's (the token is the repository's CI speaking).
    auto named = target_of_request(req);
    if (named && *named && lower(token_repository) == (*named)->repository) {
        const std::string key = req.get_header_value("Idempotency-Key");
        const bool key_ok = !key.empty() && key.size() <= 128 && printable_ascii(key);
        // Its job from the Pgfence-Job header (the body is not read): "" when absent or not one.
        auto job = job_of_request(req);
        note_refused_upload(**named, 413, why, key_ok ? key : "", job && *job ? **job : std::string(), true);
    }
    reply(res, 413, {{"message", why}});
}

void Service::note_refused_upload(const UploadTarget& head, int status, const std::string& why, const std::string& key,
                                  const std::string& job, bool known_head_once) {
    const std::vector<std::string> row = {head.repository, head.head_sha, std::to_string(head.pull_request),
                                          std::to_string(status), why, key};
    auto noted = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        // The job's decision, whether or not a webhook named the head yet: it stands in the head's
        // check until that same job's upload is accepted (serve/refused_jobs.hpp).
        auto news = record_refused_job(c, head, job, status, why);
        if (!news) return news.error();
        if (known_head_once) {
            // Only the head GitHub's webhooks last named for that pull request, and only once per
            // head and status: the same head refused again changes nothing.
            auto known = c.query("SELECT 1 FROM pgfence_pull_requests WHERE repository = $1 AND number = $2 AND head_sha = $3",
                                 {head.repository, std::to_string(head.pull_request), head.head_sha});
            if (!known) return db_error(c, known.error());
            if (known->rows() == 0) {
                // A head no webhook named yet (the upload outran GitHub's synchronize): kept, not
                // noted, for the webhook that names it (handle_webhook); at most the newest
                // k_unnoted_refusals of a repository, so headers naming any commit cannot grow it.
                auto kept = c.query("INSERT INTO pgfence_refused_heads (repository, head_sha, pull_request, status, why, "
                                    "idempotency_key, noted) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), false) "
                                    "ON CONFLICT (repository, head_sha) DO UPDATE SET pull_request = EXCLUDED.pull_request, "
                                    "status = EXCLUDED.status, why = EXCLUDED.why, idempotency_key = EXCLUDED.idempotency_key, "
                                    "refused_at = now() WHERE NOT pgfence_refused_heads.noted",
                                    row);
                if (!kept) return db_error(c, kept.error());
                auto pruned = c.query("DELETE FROM pgfence_refused_heads WHERE repository = $1 AND NOT noted AND head_sha IN "
                                      "(SELECT head_sha FROM pgfence_refused_heads WHERE repository = $1 AND NOT noted "
                                      "ORDER BY refused_at DESC, head_sha OFFSET " + std::to_string(k_unnoted_refusals) + ")",
                                      {head.repository});
                if (!pruned) return db_error(c, pruned.error());
                auto jobs_pruned = prune_refused_jobs(c, head.repository);
                if (!jobs_pruned) return jobs_pruned.error();
                return false;
            }
            auto first = c.query("INSERT INTO pgfence_refused_heads (repository, head_sha, pull_request, status, why, "
                                 "idempotency_key, noted) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), true) "
                                 "ON CONFLICT (repository, head_sha) DO UPDATE SET pull_request = EXCLUDED.pull_request, "
                                 "status = EXCLUDED.status, why = EXCLUDED.why, idempotency_key = EXCLUDED.idempotency_key, "
                                 "refused_at = now(), noted = true "
                                 "WHERE NOT pgfence_refused_heads.noted OR pgfence_refused_heads.status IS DISTINCT FROM EXCLUDED.status "
                                 "RETURNING 1",
                                 row);
            if (!first) return db_error(c, first.error());
            if (first->rows() == 0 && !*news) return false;  // neither the head's nor this job's news
        } else {
            // A refused envelope (422): noted each time, its latest reason the one the check gives.
            auto kept = c.query("INSERT INTO pgfence_refused_heads (repository, head_sha, pull_request, status, why, "
                                "idempotency_key, noted) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), true) "
                                "ON CONFLICT (repository, head_sha) DO UPDATE SET pull_request = EXCLUDED.pull_request, "
                                "status = EXCLUDED.status, why = EXCLUDED.why, idempotency_key = EXCLUDED.idempotency_key, "
                                "refused_at = now(), noted = true",
                                row);
            if (!kept) return db_error(c, kept.error());
        }
        auto e = append_audit(c, head.repository, "upload_refused", std::nullopt, head.pull_request,
                              {{"head_sha", head.head_sha}, {"status", status}, {"why", why}, {"idempotency_key", key},
                               {"job", job}});
        if (!e) return e.error();
        return enqueue(c, "head_check", {{"repository", head.repository}, {"head_sha", head.head_sha},
                                         {"pull_request", head.pull_request}, {"state", "refused"}, {"why", why}, {"job", job}});
    });
    if (!noted) std::fprintf(stderr, "pgfence serve: the refused upload was not recorded: %s\n", noted.error().message.c_str());
}

analyze::Result<std::pair<std::shared_ptr<const Policies>, json>> Service::current_policy() {
    using Answer = analyze::Result<std::pair<std::shared_ptr<const Policies>, json>>;
    const auto now = std::chrono::steady_clock::now();
    bool fetched_once = false;
    {
        std::lock_guard lock(m_policy_mutex);
        fetched_once = m_policy_read != std::chrono::steady_clock::time_point{};
        if (m_config.policy_repository.empty() || (fetched_once && now - m_policy_read < std::chrono::minutes(5))) {
            return std::make_pair(m_policies, m_policy_source);
        }
        // Not again within ten seconds of a failure: uploads are answered at once meanwhile.
        if (!fetched_once && now - m_policy_failed < std::chrono::seconds(10)) {
            return analyze::Error{m_policy_error, "", std::nullopt};
        }
    }
    // One request reads the file; the others keep the copy they have (or, before the first
    // copy, wait for that one read) instead of holding the lock across GitHub's answer.
    std::unique_lock fetching(m_policy_fetch_mutex, std::try_to_lock);
    if (!fetching.owns_lock()) {
        if (fetched_once) {
            std::lock_guard lock(m_policy_mutex);
            return std::make_pair(m_policies, m_policy_source);
        }
        fetching.lock();
        std::lock_guard lock(m_policy_mutex);
        if (m_policy_read != std::chrono::steady_clock::time_point{}) return std::make_pair(m_policies, m_policy_source);
        return analyze::Error{m_policy_error.empty() ? "the organisation's policy is not read yet" : m_policy_error, "",
                              std::nullopt};
    }
    const std::string name = m_config.policy_repository + ":" + m_config.policy_path;
    auto fail = [&](const std::string& why) -> Answer {
        std::lock_guard lock(m_policy_mutex);
        if (fetched_once) {
            std::fprintf(stderr, "pgfence serve: the policy %s was not read again (%s): the copy read before holds\n",
                         name.c_str(), why.c_str());
            m_policy_read = now - std::chrono::minutes(4);  // try again in a minute
            return std::make_pair(m_policies, m_policy_source);
        }
        m_policy_failed = now;
        m_policy_error = "the organisation's policy " + name + " cannot be read: " + why;
        return analyze::Error{m_policy_error, "", std::nullopt};
    };
    if (!m_app) return fail("no GitHub App configured");
    auto installation = m_app->installation_of(m_config.policy_repository);
    if (!installation) return fail(installation.error().message);
    auto token = m_app->installation_token(*installation);
    if (!token) return fail(token.error().message);
    std::string path;
    for (char c : m_config.policy_path) {
        path += (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '-' || c == '_')
                    ? std::string(1, c)
                    : "%" + std::string(1, "0123456789ABCDEF"[(c >> 4) & 15]) + std::string(1, "0123456789ABCDEF"[c & 15]);
    }
    auto r = m_app->request("GET", "/repos/" + m_config.policy_repository + "/contents/" + path, *token);
    if (r.status != 200) return fail(r.status == 0 ? r.failure : "HTTP " + std::to_string(r.status));
    if (r.body.value("encoding", "") != "base64" || !r.body.contains("content") || !r.body["content"].is_string()) {
        return fail("GitHub sent no base64 content (a file above 1 MB, or not a file)");
    }
    auto text = base64_decode(r.body["content"].get<std::string>());
    if (!text) return fail("its content is not base64");
    auto parsed = Policies::load(*text, name);
    if (!parsed) return fail(parsed.error().message);
    std::lock_guard lock(m_policy_mutex);
    m_policies = std::make_shared<const Policies>(std::move(*parsed));
    m_policy_source = {{"source", name}, {"sha", r.body.value("sha", "")}};
    m_policy_read = now;
    return std::make_pair(m_policies, m_policy_source);
}

}  // namespace pgfence::serve
