#include "serve/service.hpp"

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

#include "analyze/json_depth.hpp"
#include "serve/audit.hpp"
#include "serve/crypto.hpp"
#include "serve/dashboard.hpp"
#include "serve/embedded.hpp"
#include "serve/head_decisions.hpp"
#include "serve/http_server.hpp"
#include "serve/metrics.hpp"
#include "serve/page_routes.hpp"
#include "serve/payload.hpp"
#include "serve/body_budget.hpp"
#include "serve/body_limits.hpp"
#include "serve/upload_target.hpp"

namespace pgfence::serve {

using nlohmann::json;

struct Service::Http {
    std::mutex server_mutex;  // `stop` may come from another thread while `run` makes the server
    std::unique_ptr<httplib::Server> server;
    valijson::Schema schema;
    // The webhook bodies held before their signature is checked (serve/body_budget.hpp).
    BodyBudget unsigned_bodies{k_shared_body_bytes};
};

namespace {


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

// Refusals kept per repository for heads no webhook named yet (Service::note_refused_upload).
constexpr int k_unnoted_refusals = 100;

// Deeper than this a body is refused before it is parsed: nlohmann's parser copes with any depth,
// but its dump() and valijson recurse, and a million brackets in one upload overflow the stack.
constexpr std::size_t k_max_depth = 64;

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

}  // namespace

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

analyze::Status Service::run() {
    auto& http = *m_http;
    std::unique_lock made_lock(http.server_mutex);
    auto made = make_http_server(m_config.tls_cert, m_config.tls_key, Deadlines{});
    if (!made) return made.error();
    http.server = std::move(*made);
    httplib::Server& server = *http.server;
    made_lock.unlock();
    map_large_buffers();  // a body's memory goes back when its request ends (serve/body_budget.hpp)
    // Each route with a body reads it with its own limit (serve/body_limits.hpp): this is the largest.
    server.set_payload_max_length(std::max<std::uint64_t>(m_config.max_upload_bytes, k_webhook_body_bytes));
    // From the headers alone, before cpp-httplib reads (or inflates) any body.
    server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        auto refused = refuse_before_body(req);
        if (!refused) return httplib::Server::HandlerResponse::Unhandled;
        close_connection_after_answer();  // the body is never read: it must not be taken for a request
        res.set_header("Connection", "close");
        reply(res, refused->status, {{"message", refused->message}});
        return httplib::Server::HandlerResponse::Handled;
    });
    server.set_read_timeout(std::chrono::seconds(10));
    server.set_write_timeout(std::chrono::seconds(10));
    server.set_keep_alive_max_count(100);
    // A slow client holds a thread only so long: idle keep-alive connections are closed after 5 s,
    // a request must arrive whole within 20 s of its first byte and its answer be taken within 20 s
    // (serve/http_server.hpp), and the pool is larger than cpp-httplib's default of 8.
    server.set_keep_alive_timeout(5);
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };

    // Every answer counted, whatever produced it (a route, a 413 before any route ran).
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) { m_metrics->request(route_of(req), res.status); });
    // One catch-all per request: an answer with a message, never a dropped connection.
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "pgfence serve: internal error: %s\n", e.what());
        } catch (...) {
        }
        reply(res, 500, {{"message", "internal error (the service's log has the details)"}});
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) {
            const char* message = res.status == 413 ? "the body is larger than max_upload_bytes"
                                  : res.status == 404 ? "no such route"
                                                      : "the request was refused";
            reply(res, res.status, {{"message", message}});
        }
    });

    // Each route's handler, timed for the latency histogram.
    auto timed = [this](const char* route, httplib::Server::Handler handler) {
        return [this, route, handler](const httplib::Request& req, httplib::Response& res) {
            const auto start = std::chrono::steady_clock::now();
            handler(req, res);
            m_metrics->observe(route, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        };
    };

    server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        auto depth = m_store.queue_depth();
        if (!depth) {
            reply(res, 503, {{"status", "unavailable"}, {"database", public_message(depth.error())}});
            return;
        }
        reply(res, 200, {{"status", "ok"}, {"jobs_queued", depth->first}});
    });

    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        auto depth = m_store.queue_depth();
        std::pair<std::int64_t, std::int64_t> values = depth ? *depth : std::pair<std::int64_t, std::int64_t>{0, 0};
        std::string text = prometheus(*m_metrics, values.first, values.second, static_cast<bool>(depth));
        // The page's figures of the last seven days, over every repository.
        if (auto week = m_dashboard_cache->weekly(m_store, "")) text += weekly_prometheus(*week);
        res.status = 200;
        res.set_content(text, "text/plain; version=0.0.4");
    });

    // Who may sign off, as the policy in force says (the organisation's file is cached five minutes).
    auto approvers = [this](const std::string& repository) {
        auto policy = current_policy();
        return policy ? policy->first->settings_for(repository).approvers : std::vector<std::string>{};
    };
    add_page_routes(server, {m_config, m_store, *m_dashboard_cache, approvers, "pgfence-governance/" PGFENCE_VERSION});

    // An upload whose body was read whole (at most max_upload_bytes), from a token of `token_repository`.
    auto upload = [this](const httplib::Request& req, const std::string& token_repository, const std::string& body,
                         httplib::Response& res) {
        auto refuse = [&](int status, const std::string& result, json answer) {
            m_metrics->count(m_metrics->uploads, result);
            reply(res, status, answer);
        };
        const std::string key = req.get_header_value("Idempotency-Key");
        if (key.empty() || key.size() > 128 || !printable_ascii(key)) {
            return refuse(422, "invalid", {{"message", "an Idempotency-Key header (1 to 128 printable characters) is required"}});
        }
        if (!analyze::json_nesting_within(body, k_max_depth)) {
            return refuse(422, "invalid", {{"message", "the body is nested deeper than " + std::to_string(k_max_depth) + " levels"}});
        }
        json envelope = json::parse(body, nullptr, false);
        if (envelope.is_discarded()) return refuse(422, "invalid", {{"message", "the body is not JSON"}});
        // A refused upload of a head this token may upload for leaves that head a failing check
        // saying why (issue #32): a head never shows success without a valid upload of its own.
        auto invalid = [&](json answer) {
            if (auto head = refused_head(envelope, lower(token_repository))) {
                note_refused_upload(*head, 422, answer.value("message", std::string("the upload was refused")), key);
            }
            refuse(422, "invalid", std::move(answer));
        };
        if (std::string problem = envelope_problem(envelope); !problem.empty()) return invalid({{"message", problem}});
        // GitHub's repository names are case-insensitive: one chain per repository, in lower case.
        const std::string target = lower(envelope["repository"].get<std::string>());
        if (target != lower(token_repository)) {
            return refuse(401, "unauthorized", {{"message", "this token uploads for " + token_repository + ", not " + target}});
        }
        // The head the headers name (for the case that the body is too large to read) is the envelope's.
        auto named = target_of_request(req);
        if (!named) return invalid({{"message", named.error().message}});
        const UploadTarget envelope_head{target, envelope["pull_request"].get<std::int64_t>(), envelope["head_sha"].get<std::string>()};
        if (*named && **named != envelope_head) {
            return invalid({{"message", std::string(k_repository_header) + ", " + k_pull_request_header + " and " + k_head_header +
                                            " name another head than the envelope"}});
        }
        // PostgreSQL's jsonb cannot hold U+0000: refused here, by name, rather than failing to
        // store (pgfence pr replaces it with U+FFFD before uploading, as it does invalid UTF-8).
        if (has_nul(envelope)) {
            return invalid({{"message", "a string of the upload has a NUL character (U+0000), which the service cannot store"}});
        }
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter adapter(envelope["report"]);
        if (!validator.validate(m_http->schema, adapter, &results)) {
            json errors = json::array();
            valijson::ValidationResults::Error error;
            while (errors.size() < 20 && results.popError(error)) {
                std::string where;
                for (const auto& part : error.context) where += part;
                errors.push_back(where + ": " + error.description);
            }
            std::string first = errors.empty() ? std::string() : ": " + errors[0].get<std::string>().substr(0, 300);
            return invalid({{"message", "the report does not match docs/pgfence-report.schema.json" + first}, {"errors", errors}});
        }
        if (!paths_plain(envelope["report"])) {
            return invalid({{"message", "a file path of the report has a control character"}});
        }
        auto implied = content_hash_of(envelope["report"]);
        if (!implied) return invalid({{"message", "every report file needs its path and sha256"}});
        if (*implied != envelope["content_hash"].get<std::string>()) {
            return invalid({{"message", "content_hash does not match the files of the report"}, {"expected", *implied}});
        }
        const std::string head = envelope["head_sha"].get<std::string>();
        auto policy = current_policy();
        if (!policy) {
            std::fprintf(stderr, "pgfence serve: %s\n", policy.error().message.c_str());
            return refuse(503, "error", {{"message", policy.error().message}});
        }
        const std::string content = envelope["content_hash"].get<std::string>();
        const std::int64_t number = envelope["pull_request"].get<std::int64_t>();
        // Exemptions granted on the pull request count here as in the check; approvals do not
        // (they are checked with GitHub when the check run is posted, which is what settles it).
        // Only those whose statements are unchanged since they were granted (serve/binding.hpp).
        std::vector<governance::Exemption> exemptions;
        auto granted = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto e = exemptions_of(c, target, number);
            if (!e) return e.error();
            exemptions = split_exemptions(*e, envelope).applying;
            return true;
        });
        if (!granted) return refuse(granted.error().status, "error", {{"message", public_message(granted.error())}});
        auto decided = policy->first->decide(envelope["report"], target, head, m_config.github_url, exemptions);
        if (!decided) return refuse(500, "error", {{"message", "the policy cannot be applied: " + decided.error().message}});
        const json policy_source = policy->second;

        auto answer = m_store.record_upload(
            target, envelope, key, sha256_hex(body),
            [&](trace::Connection& c, const std::string& upload_id) -> StoreResult<Answer> {
                // The same migrations reviewed before on this pull request (a rebase, a push of other files).
                auto earlier = c.query("SELECT head_sha FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                                       "AND content_hash = $3 AND id <> $4 AND response IS NOT NULL ORDER BY created_at LIMIT 1",
                                       {target, std::to_string(number), content, upload_id});
                if (!earlier) return db_error(c, earlier.error());
                json same_as = earlier->rows() > 0 ? json(earlier->value(0, 0)) : json(nullptr);
                // Whether the commit uploaded is the pull request's head as GitHub's webhooks last
                // said: the uploader is the repository's CI, and this is what the service can check.
                auto known = c.query("SELECT head_sha FROM pgfence_pull_requests WHERE repository = $1 AND number = $2",
                                     {target, std::to_string(number)});
                if (!known) return db_error(c, known.error());
                const std::string head_check =
                    known->rows() == 0 ? "unknown" : known->value(0, 0) == head ? "matches" : "differs";
                const json& report = envelope["report"];
                auto uploaded = append_audit(c, target, "upload", content, number,
                                             {{"upload_id", upload_id},
                                              {"head_sha", head},
                                              {"base_sha", envelope["base_sha"]},
                                              {"files", report.value("files", json::array()).size()},
                                              {"tool_version", report.value("tool", json::object()).value("version", "")},
                                              {"sql_included", envelope["sql_included"]},
                                              {"idempotency_key", key}});
                if (!uploaded) return uploaded.error();
                json decision = decided->decision;
                auto evaluated = append_audit(c, target, "evaluation", content, number,
                                              {{"upload_id", upload_id},
                                               {"head_sha", head},
                                               {"conclusion", decision["conclusion"]},
                                               {"items", decision["items"]},
                                               {"policy", policy_source},
                                               {"pull_request_head", head_check},
                                               {"same_content_as", same_as}});
                if (!evaluated) return evaluated.error();
                // Approvals given on this very commit before its upload arrived are bound to it now.
                auto bound = c.query("UPDATE pgfence_approvals SET content_hash = $4 WHERE repository = $1 AND pull_request = $2 "
                                     "AND commit_sha = $3 AND content_hash IS NULL AND revoked_at IS NULL RETURNING login, source",
                                     {target, std::to_string(number), head, content});
                if (!bound) return db_error(c, bound.error());
                for (int i = 0; i < bound->rows(); ++i) {
                    auto e = append_audit(c, target, "approval_bound", content, number,
                                          {{"login", bound->value(i, 0)}, {"source", bound->value(i, 1)}, {"head_sha", head},
                                           {"upload_id", upload_id}});
                    if (!e) return e.error();
                }
                // Exemptions granted on this very commit before its upload arrived: bound to what
                // they cover in it now (serve/binding.hpp).
                auto pending = c.query("SELECT id, rule, path, line, owner FROM pgfence_exemptions WHERE repository = $1 "
                                       "AND pull_request = $2 AND commit_sha = $3 AND statements_sha256 IS NULL "
                                       "AND voided_at IS NULL ORDER BY id",
                                       {target, std::to_string(number), head});
                if (!pending) return db_error(c, pending.error());
                for (int i = 0; i < pending->rows(); ++i) {
                    const std::optional<std::string> path =
                        pending->is_null(i, 2) ? std::nullopt : std::optional(pending->value(i, 2));
                    const std::optional<int> line =
                        pending->is_null(i, 3) ? std::nullopt : std::optional(std::stoi(pending->value(i, 3)));
                    const std::string scope = exemption_scope(envelope, pending->value(i, 1), path, line);
                    auto b = c.query("UPDATE pgfence_exemptions SET statements_sha256 = $2 WHERE id = $1", {pending->value(i, 0), scope});
                    if (!b) return db_error(c, b.error());
                    auto e = append_audit(c, target, "exemption_bound", content, number,
                                          {{"exemption_id", std::stoll(pending->value(i, 0))}, {"rule", pending->value(i, 1)},
                                           {"owner", pending->value(i, 4)}, {"head_sha", head}, {"upload_id", upload_id},
                                           {"statements_sha256", scope}});
                    if (!e) return e.error();
                }
                // Other migrations than this job approved (`pgfence pr --name`: each job uploads its
                // own set, another job's other content voids nothing): the approval is marked voided,
                // which the check gives as why it does not cover this job's items (serve/check.cpp).
                auto voided = c.query("UPDATE pgfence_approvals a SET voided_at = now() WHERE a.repository = $1 AND a.pull_request = $2 "
                                      "AND a.content_hash IS NOT NULL AND a.revoked_at IS NULL AND a.voided_at IS NULL "
                                      "AND EXISTS (SELECT 1 FROM pgfence_uploads u WHERE u.repository = a.repository "
                                      " AND u.pull_request = a.pull_request AND u.head_sha = a.commit_sha AND u.response IS NOT NULL "
                                      " AND COALESCE(u.envelope->>'job', '') = $4 AND u.content_hash <> $3) "
                                      "RETURNING a.login, a.source, a.content_hash, a.id",
                                      {target, std::to_string(number), content, envelope.value("job", "")});
                if (!voided) return db_error(c, voided.error());
                for (int i = 0; i < voided->rows(); ++i) {
                    auto e = append_audit(c, target, "approval_voided", content, number,
                                          {{"login", voided->value(i, 0)}, {"source", voided->value(i, 1)},
                                           {"approved_content_hash", voided->value(i, 2)}, {"upload_id", upload_id},
                                           {"why", "the migrations changed after the approval"}});
                    if (!e) return e.error();
                }
                auto stored = c.query("UPDATE pgfence_uploads SET decision = $2::jsonb WHERE id = $1",
                                      {upload_id, json{{"decision", decision}, {"title", decided->title}, {"text", decided->text}}.dump()});
                if (!stored) return db_error(c, stored.error());
                auto queued = enqueue(c, "check", {{"upload_id", upload_id}, {"repository", target}, {"head_sha", head},
                                                   {"pull_request", number}});
                if (!queued) return queued.error();
                return Answer{201, {{"id", upload_id},
                                    {"conclusion", decision["conclusion"]},
                                    {"items", decision["items"].size()},
                                    {"same_content_as", same_as}}};
            });
        if (!answer) return refuse(answer.error().status, "error", {{"message", public_message(answer.error())}});
        const std::string result = answer->status == 201 ? "accepted" : answer->status == 200 ? "replayed" : "conflict";
        if (answer->status == 201) m_metrics->count(m_metrics->decisions, answer->body.value("conclusion", ""));
        refuse(answer->status, result, answer->body);
    };

    // The token is checked from the headers, before any byte of the body is kept: a sender
    // without a live token makes the service hold none of it (the body is read and dropped, so
    // that the 401 reaches the client). The body is read here, with max_upload_bytes as its
    // limit, so that an upload too large to read can still fail the check of the head its
    // headers name (serve/upload_target.hpp).
    server.Post("/v1/analyses", [this, upload](const httplib::Request& req, httplib::Response& res,
                                               const httplib::ContentReader& reader) {
        const auto start = std::chrono::steady_clock::now();
        auto unauthenticated = [&](int status, const std::string& result, const std::string& message) {
            drop_body(req, res, reader, m_config.max_upload_bytes);
            m_metrics->count(m_metrics->uploads, result);
            reply(res, status, {{"message", message}});
            m_metrics->observe("/v1/analyses", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        };
        const std::string token = bearer(req);
        if (token.empty()) return unauthenticated(401, "unauthorized", "an upload token is required (Authorization: Bearer)");
        auto repository = m_store.token_repository(token);
        if (!repository) return unauthenticated(repository.error().status, "error", public_message(repository.error()));
        if (!*repository) return unauthenticated(401, "unauthorized", "unknown or revoked upload token");
        UploadBody body = read_upload_body(req, res, reader, m_config.max_upload_bytes);
        if (body.read == UploadBody::Read::whole) {
            upload(req, **repository, body.bytes, res);
        } else if (body.read == UploadBody::Read::too_large) {
            upload_too_large(req, **repository, body, res);
        } else {
            m_metrics->count(m_metrics->uploads, "invalid");
            reply(res, req.is_multipart_form_data() ? 415 : 400,
                  {{"message", req.is_multipart_form_data() ? "the body must be the JSON envelope, not a form"
                                                            : "the body could not be read whole"}});
        }
        m_metrics->observe("/v1/analyses", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    });

    // The body read with GitHub's payload cap as its limit, not into memory whatever its size.
    auto webhook = [this](const httplib::Request& req, const std::string& payload_bytes, httplib::Response& res) {
        // The signature first: nothing of an unsigned body is parsed.
        const std::string signature = req.get_header_value("X-Hub-Signature-256");
        const std::string expected = "sha256=" + hmac_sha256_hex(m_config.webhook_secret, payload_bytes);
        if (m_config.webhook_secret.empty() || !constant_time_equal(signature, expected)) {
            {
                std::lock_guard lock(m_metrics->mutex);
                ++m_metrics->signature_failures;
            }
            return reply(res, 401, {{"message", "the X-Hub-Signature-256 signature does not match"}});
        }
        const std::string event = req.get_header_value("X-GitHub-Event");
        const std::string delivery = req.get_header_value("X-GitHub-Delivery");
        if (event.empty() || delivery.empty() || delivery.size() > 100 || event.size() > 100 || !printable_ascii(event) ||
            !printable_ascii(delivery)) {
            return reply(res, 400, {{"message", "X-GitHub-Event and X-GitHub-Delivery are required"}});
        }
        if (!analyze::json_nesting_within(payload_bytes, k_max_depth)) return reply(res, 400, {{"message", "the payload is nested too deeply"}});
        json payload = json::parse(payload_bytes, nullptr, false);
        if (payload.is_discarded() || !payload.is_object()) return reply(res, 400, {{"message", "the payload is not a JSON object"}});
        auto fresh = m_store.record_delivery(delivery, sha256_hex(payload_bytes), event, std::move(payload));
        if (!fresh) {
            m_metrics->count(m_metrics->deliveries, "error");
            return reply(res, fresh.error().status, {{"message", public_message(fresh.error())}});
        }
        m_metrics->count(m_metrics->deliveries, *fresh ? "queued" : "duplicate");
        reply(res, *fresh ? 202 : 200, {{"message", *fresh ? "queued" : "duplicate delivery: already received"}});
    };
    // Until its signature is checked a webhook's body is anyone's: a request without a signature
    // of the right form is refused from its headers (its body dropped unkept), and the bytes held
    // of the others are bounded by the shared budget (serve/body_budget.hpp): 503 beyond it.
    server.Post("/v1/github/webhook", [this, webhook](const httplib::Request& req, httplib::Response& res,
                                                      const httplib::ContentReader& reader) {
        const auto start = std::chrono::steady_clock::now();
        const std::string signature = req.get_header_value("X-Hub-Signature-256");
        if (m_config.webhook_secret.empty() || signature.size() != 71 || !signature.starts_with("sha256=") ||
            !is_hex(signature.substr(7), 64)) {
            drop_body(req, res, reader, k_webhook_body_bytes);
            {
                std::lock_guard lock(m_metrics->mutex);
                ++m_metrics->signature_failures;
            }
            reply(res, 401, {{"message", "the X-Hub-Signature-256 signature does not match"}});
            m_metrics->observe("/v1/github/webhook", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            return;
        }
        BodyShare share(m_http->unsigned_bodies, std::chrono::seconds(5));
        UploadBody body = read_upload_body(req, res, reader, k_webhook_body_bytes, &share);
        if (body.read == UploadBody::Read::whole) {
            webhook(req, body.bytes, res);
        } else if (body.read == UploadBody::Read::too_large) {
            reply(res, 413, {{"message", "the payload is larger than GitHub's " + std::to_string(k_webhook_body_bytes) + " bytes"}});
        } else if (body.read == UploadBody::Read::busy) {
            m_metrics->count(m_metrics->deliveries, "busy");
            res.set_header("Retry-After", "10");
            reply(res, 503, {{"message", "the service holds as many unverified webhook bodies as it will: try again "
                                         "(GitHub: redeliver this delivery)"}});
        } else {
            reply(res, req.is_multipart_form_data() ? 415 : 400, {{"message", "the payload could not be read whole"}});
        }
        m_metrics->observe("/v1/github/webhook", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    });

    server.Get("/v1/audit", timed("/v1/audit", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string token = bearer(req);
        std::string repository = lower(req.get_param_value("repository"));
        const std::string since = req.get_param_value("since");
        // Checked here, whole (a real day and time): the database is never handed one to refuse.
        if (!since.empty() && !parse_utc(since)) {
            return reply(res, 400, {{"message", "since must be an instant in UTC like 2026-11-23T09:00:00Z"}});
        }
        if (!repository.empty() && !valid_repository(repository)) return reply(res, 400, {{"message", "repository must be OWNER/NAME"}});
        const char* audit_token = std::getenv("PGFENCE_AUDIT_TOKEN");
        const bool admin = audit_token != nullptr && *audit_token != '\0' && constant_time_equal(token, audit_token);
        if (!admin) {
            if (token.empty()) return reply(res, 401, {{"message", "a token is required (Authorization: Bearer)"}});
            auto own = m_store.token_repository(token);
            if (!own) return reply(res, own.error().status, {{"message", public_message(own.error())}});
            if (!*own) return reply(res, 401, {{"message", "unknown or revoked token"}});
            if (!repository.empty() && repository != lower(**own)) {
                return reply(res, 403, {{"message", "this token reads the audit trail of " + **own + " only"}});
            }
            repository = lower(**own);
        }
        auto events = m_store.audit_events(repository, since);
        if (!events) return reply(res, events.error().status, {{"message", public_message(events.error())}});
        std::string lines;
        for (const auto& e : *events) lines += e.dump() + "\n";
        res.status = 200;
        res.set_content(lines, "application/x-ndjson");
    }));

    std::vector<std::thread> workers;
    for (int i = 0; i < m_config.workers; ++i) workers.emplace_back([this] { work_loop(); });
    std::fprintf(stderr, "pgfence serve: listening on %s://%s:%d\n", m_config.tls_cert.empty() ? "http" : "https",
                 m_config.host.c_str(), m_config.port);
    const bool listened = server.listen(m_config.host, m_config.port);
    m_stopping = true;
    for (auto& w : workers) w.join();
    if (!listened && !m_stopping.load()) return analyze::Error{"cannot listen on " + m_config.host, "", std::nullopt};
    if (!listened) {
        // listen() returns false both when it could not bind and when stopped before binding.
        return analyze::Done{};
    }
    return analyze::Done{};
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
        note_refused_upload(**named, 413, why, key_ok ? key : "", true);
    }
    reply(res, 413, {{"message", why}});
}

void Service::note_refused_upload(const UploadTarget& head, int status, const std::string& why, const std::string& key,
                                  bool known_head_once) {
    const std::vector<std::string> row = {head.repository, head.head_sha, std::to_string(head.pull_request),
                                          std::to_string(status), why, key};
    auto noted = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
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
            if (first->rows() == 0) return false;
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
                              {{"head_sha", head.head_sha}, {"status", status}, {"why", why}, {"idempotency_key", key}});
        if (!e) return e.error();
        return enqueue(c, "head_check", {{"repository", head.repository}, {"head_sha", head.head_sha},
                                         {"pull_request", head.pull_request}, {"state", "refused"}, {"why", why}});
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

void Service::work_loop() {
    while (!m_stopping) {
        auto job = m_store.claim_job();
        if (!job || !*job) {
            // Nothing due, or the database is away: look again soon.
            for (int i = 0; i < 10 && !m_stopping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        std::string error;
        bool give_up = false;
        const bool done = process(**job, error, give_up);
        if (done) {
            (void)m_store.finish_job((*job)->id);
            continue;
        }
        // Exponential backoff: 2, 4, 8 ... seconds up to the cap, a bounded number of attempts; a
        // permanent failure (give_up: GitHub's 404, 410, 422, a refused permission) none more.
        const int delay = std::min(1 << std::min((*job)->attempts, 20), Store::k_job_backoff_cap_seconds);
        const bool final = give_up || (*job)->attempts >= Store::k_job_attempts;
        (void)m_store.retry_job(**job, error, delay, give_up ? 0 : Store::k_job_attempts);
        std::fprintf(stderr, "pgfence serve: job %lld (%s) %s: %s\n", static_cast<long long>((*job)->id), (*job)->kind.c_str(),
                     final ? "failed" : "will be retried", error.c_str());
        // A delivery ignored for its shape (a signed payload without the fields it needs: "...:
        // ignored") says nothing about a pull request; every other job that failed for good does.
        if (final && !error.ends_with(": ignored")) report_failed_job(**job, error);
    }
}

bool Service::process(const Job& job, std::string& error, bool& give_up) {
    try {
        if (job.kind == "check") return post_check(job.payload, error, give_up);
        if (job.kind == "webhook") return handle_webhook(job.payload, error, give_up);
        if (job.kind == "expire") return expire_exemption(job.payload, error, give_up);
        if (job.kind == "head_check") return post_head_check(job.payload, error, give_up);
        error = "unknown job kind " + job.kind;
        give_up = true;
        return false;
    } catch (const std::exception& e) {
        error = std::string("internal error: ") + e.what();
        give_up = true;
        return false;
    }
}

bool Service::handle_webhook(const json& job, std::string& error, bool& give_up) {
    const std::string event = job.value("event", "");
    static const json k_empty = json::object();
    const json& payload = job.contains("payload") && job["payload"].is_object() ? job["payload"] : k_empty;
    const std::string action = text_at(payload, {"action"}).value_or("");
    const std::string delivery = job.value("delivery", "");
    // A signed payload is GitHub's, but its shape is still checked before anything is used.
    auto malformed = [&](const char* what) {
        error = std::string("a ") + event + " delivery without " + what + ": ignored";
        give_up = true;
        return false;
    };
    std::string repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
    if (event == "pull_request" &&
        (action == "opened" || action == "synchronize" || action == "reopened" || action == "closed")) {
        auto number = number_at(payload, {"pull_request", "number"});
        auto head = text_at(payload, {"pull_request", "head", "sha"});
        auto updated = text_at(payload, {"pull_request", "updated_at"});
        if (!valid_repository(repository)) return malformed("a repository");
        if (!number || !head || !is_hex(*head, 40)) return malformed("the pull request's number and head");
        const json* merged_field = field(payload, {"pull_request", "merged"});
        const bool merged = merged_field != nullptr && merged_field->is_boolean() && merged_field->get<bool>();
        const std::string state = action == "closed" ? (merged ? "merged" : "closed") : "open";
        auto installation = number_at(payload, {"installation", "id"});
        const std::string updated_at = updated && parse_utc(*updated) ? *updated : "";
        std::string author = lower(text_at(payload, {"pull_request", "user", "login"}).value_or(""));
        if (!valid_login(author)) author.clear();
        std::string sender = lower(text_at(payload, {"sender", "login"}).value_or(""));
        if (!valid_login(sender)) sender.clear();
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            // An older event than the one recorded (a redelivery, a replay) changes nothing.
            auto up = c.query("INSERT INTO pgfence_pull_requests AS p (repository, number, head_sha, state, installation_id, "
                              "github_updated_at, author) VALUES ($1, $2, $3, $4, NULLIF($5, '')::bigint, NULLIF($6, '')::timestamptz, "
                              "NULLIF($7, '')) "
                              "ON CONFLICT (repository, number) DO UPDATE SET head_sha = EXCLUDED.head_sha, state = EXCLUDED.state, "
                              "installation_id = COALESCE(EXCLUDED.installation_id, p.installation_id), "
                              "author = COALESCE(EXCLUDED.author, p.author), "
                              "github_updated_at = EXCLUDED.github_updated_at, updated_at = now() "
                              "WHERE p.github_updated_at IS NULL OR EXCLUDED.github_updated_at IS NULL "
                              "OR EXCLUDED.github_updated_at >= p.github_updated_at RETURNING 1",
                              {repository, std::to_string(*number), *head, state,
                               installation ? std::to_string(*installation) : "", updated_at, author});
            if (!up) return db_error(c, up.error());
            // Whoever moved the head (the sender of opened, reopened, synchronize) pushed migration
            // content and counts as an author for sign-off, whatever the commits' metadata say.
            if (!sender.empty() && action != "closed") {
                auto pushed = c.query("INSERT INTO pgfence_pushers (repository, pull_request, login, first_head_sha) "
                                      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                      {repository, std::to_string(*number), sender, *head});
                if (!pushed) return db_error(c, pushed.error());
            }
            if (up->rows() == 0) return true;  // stale
            // The content reviewed at this head commit, bound to the event (a merge of reviewed
            // content); none when the head was never uploaded.
            auto last = c.query("SELECT content_hash FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                                "AND head_sha = $3 AND response IS NOT NULL ORDER BY created_at DESC LIMIT 1",
                                {repository, std::to_string(*number), *head});
            if (!last) return db_error(c, last.error());
            std::optional<std::string> content;
            if (last->rows() > 0) content = last->value(0, 0);
            json data = {{"action", action}, {"head_sha", *head}, {"merged", merged}, {"delivery", delivery},
                         {"reviewed", content.has_value()}};
            if (action == "closed") {
                // This pull request's own decision for the head (its jobs' worst), not another pull
                // request's with the same head: reviewed only when it was success (serve/head_decisions.hpp).
                auto own = own_head_decision(c, repository, *head, *number);
                if (!own) return own.error();
                data["decision"] = own->empty() ? json(nullptr) : json(*own);
                data["reviewed"] = *own == "success";
            }
            auto e = append_audit(c, repository, merged ? "merge" : "pull_request", content, *number, std::move(data));
            if (!e) return e.error();
            // A new head without its upload yet, in a repository that uploads here (a live token):
            // its check waits for it ("no upload received for this head"), so the check of an
            // earlier head never stands for this one.
            auto governed = c.query("SELECT 1 FROM pgfence_tokens WHERE lower(repository) = $1 AND revoked_at IS NULL LIMIT 1",
                                    {repository});
            if (!governed) return db_error(c, governed.error());
            // Closed without merging, or reopened: the head's check again (serve/head_decisions.cpp).
            if ((action == "closed" || action == "reopened") && governed->rows() > 0) {
                auto queued = queue_closed_or_reopened(c, repository, *head, *number, action == "reopened", merged, content.has_value());
                if (!queued || action == "closed" || content) return queued;
            }
            if (action != "closed" && !content && governed->rows() > 0) {
                // Its upload refused before this webhook named it (the upload outran GitHub): the
                // refusal is noted now, and the check fails saying why instead of waiting.
                auto refused = c.query("UPDATE pgfence_refused_heads SET noted = true WHERE repository = $1 AND head_sha = $2 "
                                       "AND pull_request = $3 AND NOT noted RETURNING status, why, idempotency_key",
                                       {repository, *head, std::to_string(*number)});
                if (!refused) return db_error(c, refused.error());
                if (refused->rows() > 0) {
                    const std::string why = refused->value(0, 1);
                    auto noted = append_audit(c, repository, "upload_refused", std::nullopt, *number,
                                              {{"head_sha", *head}, {"status", std::stoi(refused->value(0, 0))}, {"why", why},
                                               {"idempotency_key", refused->is_null(0, 2) ? "" : refused->value(0, 2)},
                                               {"refused_before_webhook", true}, {"delivery", delivery}});
                    if (!noted) return noted.error();
                    return enqueue(c, "head_check", {{"repository", repository}, {"head_sha", *head}, {"pull_request", *number},
                                                     {"state", "refused"}, {"why", why}});
                }
                // A refusal noted earlier makes this job post the failing check again (head_check.cpp).
                return enqueue(c, "head_check", {{"repository", repository}, {"head_sha", *head}, {"pull_request", *number},
                                                 {"state", "pending"}});
            }
            return true;
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    // The pull request's base changed: the decisions made for the old base are void (serve/head_decisions.cpp).
    if (event == "pull_request" && action == "edited") {
        if (field(payload, {"changes", "base"}) == nullptr) return true;  // a title or body edit
        return handle_base_change(payload, delivery, error, give_up);
    }
    if (event == "check_run" && action == "rerequested") {
        if (text_at(payload, {"check_run", "name"}).value_or("") != k_check_name) return true;  // another app's check
        const std::string head = text_at(payload, {"check_run", "head_sha"}).value_or("");
        if (!valid_repository(repository) || !is_hex(head, 40)) return malformed("a repository and a head commit");
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto latest = c.query("SELECT id, pull_request, content_hash FROM pgfence_uploads WHERE repository = $1 AND head_sha = $2 "
                                  "AND response IS NOT NULL ORDER BY created_at DESC LIMIT 1",
                                  {repository, head});
            if (!latest) return db_error(c, latest.error());
            if (latest->rows() == 0) return true;  // nothing uploaded for it: nothing to post
            auto e = append_audit(c, repository, "check_rerequested", latest->value(0, 2), std::stoll(latest->value(0, 1)),
                                  {{"head_sha", head}, {"delivery", delivery}});
            if (!e) return e.error();
            return enqueue(c, "check", {{"upload_id", latest->value(0, 0)}, {"repository", repository}, {"head_sha", head},
                                        {"pull_request", std::stoll(latest->value(0, 1))}});
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    if (event == "pull_request_review" && (action == "submitted" || action == "dismissed")) {
        return handle_review(payload, delivery, error, give_up);
    }
    if (event == "issue_comment") return handle_comment(payload, delivery, error, give_up);
    if (event == "installation") {
        const std::string account = lower(text_at(payload, {"installation", "account", "login"}).value_or(""));
        auto installation_id = number_at(payload, {"installation", "id"});
        static const std::regex k_login(R"(^[a-z0-9-]{1,39}$)");
        if (!installation_id || !std::regex_match(account, k_login)) return malformed("an installation and its account");
        const std::int64_t id = *installation_id;
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto up = c.query("INSERT INTO pgfence_installations (installation_id, account) VALUES ($1, $2) "
                              "ON CONFLICT (installation_id) DO UPDATE SET account = EXCLUDED.account, updated_at = now()",
                              {std::to_string(id), account});
            if (!up) return db_error(c, up.error());
            json repositories = json::array();
            if (const json* list = field(payload, {"repositories"}); list != nullptr && list->is_array()) {
                for (const auto& r : *list) {
                    if (auto name = text_at(r, {"full_name"}); name && valid_repository(*name)) repositories.push_back(lower(*name));
                }
            }
            // An account's own chain (no repository): the App installed, removed, changed.
            auto e = append_audit(c, account, "installation", std::nullopt, std::nullopt,
                                  {{"action", action}, {"installation_id", id}, {"repositories", repositories}, {"delivery", delivery}});
            if (!e) return e.error();
            return true;
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    (void)give_up;
    return true;  // an event the service does not act on (ping, other actions): done
}

}  // namespace pgfence::serve
