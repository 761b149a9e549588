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
#include <sstream>
#include <thread>
#include <vector>

#include "serve/audit.hpp"
#include "serve/crypto.hpp"
#include "serve/embedded.hpp"

namespace pgfence::serve {

using nlohmann::json;

// Counters for /metrics, in Prometheus's text format.
struct Metrics {
    static constexpr std::array<double, 10> k_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    std::mutex mutex;
    std::map<std::pair<std::string, int>, std::int64_t> requests;  // (route, status)
    std::map<std::string, std::array<std::int64_t, k_buckets.size() + 1>> latency;  // route: buckets + count
    std::map<std::string, double> latency_sum;
    std::map<std::string, std::int64_t> uploads;    // by result
    std::map<std::string, std::int64_t> decisions;  // by conclusion
    std::map<std::string, std::int64_t> deliveries; // by result
    std::int64_t signature_failures = 0;
    std::map<std::string, std::int64_t> checks;     // by result

    void request(const std::string& route, int status) {
        std::lock_guard lock(mutex);
        ++requests[{route, status}];
    }
    void observe(const std::string& route, double seconds) {
        std::lock_guard lock(mutex);
        auto& buckets = latency[route];
        for (std::size_t i = 0; i < k_buckets.size(); ++i) {
            if (seconds <= k_buckets[i]) ++buckets[i];
        }
        ++buckets[k_buckets.size()];
        latency_sum[route] += seconds;
    }
    void count(std::map<std::string, std::int64_t>& which, const std::string& label) {
        std::lock_guard lock(mutex);
        ++which[label];
    }
};

struct Service::Http {
    std::unique_ptr<httplib::Server> server;
    valijson::Schema schema;
};

namespace {

constexpr const char* k_check_name = "pgfence governance";

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump() + "\n", "application/json");
}

std::string bearer(const httplib::Request& req) {
    const std::string header = req.get_header_value("Authorization");
    if (header.size() > 7 && header.compare(0, 7, "Bearer ") == 0) return header.substr(7);
    return "";
}

bool valid_repository(const std::string& name) {
    static const std::regex k_pattern(R"(^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$)");
    return std::regex_match(name, k_pattern);
}

bool is_hex(const std::string& text, std::size_t size) {
    return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
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
    if (!envelope.contains("content_hash") || !envelope["content_hash"].is_string() ||
        !envelope["content_hash"].get<std::string>().starts_with("sha256:") ||
        !is_hex(envelope["content_hash"].get<std::string>().substr(7), 64)) {
        return "content_hash must be sha256:<64 hex>";
    }
    if (!envelope.contains("sql_included") || !envelope["sql_included"].is_boolean()) return "sql_included must be true or false";
    if (!envelope.contains("report") || !envelope["report"].is_object()) return "report must be the pgfence report";
    return "";
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
    if (m_http->server) m_http->server->stop();
}

analyze::Status Service::run() {
    auto& http = *m_http;
    if (!m_config.tls_cert.empty()) {
        http.server = std::make_unique<httplib::SSLServer>(m_config.tls_cert.c_str(), m_config.tls_key.c_str());
        if (!http.server->is_valid()) {
            return analyze::Error{"cannot use the TLS certificate " + m_config.tls_cert + " and key " + m_config.tls_key, "",
                                  std::nullopt};
        }
    } else {
        http.server = std::make_unique<httplib::Server>();
    }
    httplib::Server& server = *http.server;
    server.set_payload_max_length(m_config.max_upload_bytes);
    server.set_read_timeout(std::chrono::seconds(10));
    server.set_write_timeout(std::chrono::seconds(10));
    server.set_keep_alive_max_count(100);

    // Every answer counted, whatever produced it (a route, a 413 before any route ran).
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) { m_metrics->request(route_of(req), res.status); });
    // One catch-all per request: an answer with a message, never a dropped connection.
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = std::string("internal error: ") + e.what();
        } catch (...) {
        }
        reply(res, 500, {{"message", what}});
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
            reply(res, 503, {{"status", "unavailable"}, {"database", depth.error().message}});
            return;
        }
        reply(res, 200, {{"status", "ok"}, {"jobs_queued", depth->first}});
    });

    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        auto depth = m_store.queue_depth();
        std::pair<std::int64_t, std::int64_t> values = depth ? *depth : std::pair<std::int64_t, std::int64_t>{0, 0};
        res.status = 200;
        res.set_content(prometheus(*m_metrics, values.first, values.second, static_cast<bool>(depth)),
                        "text/plain; version=0.0.4");
    });

    server.Post("/v1/analyses", timed("/v1/analyses", [this](const httplib::Request& req, httplib::Response& res) {
        auto refuse = [&](int status, const std::string& result, json body) {
            m_metrics->count(m_metrics->uploads, result);
            reply(res, status, body);
        };
        const std::string token = bearer(req);
        if (token.empty()) return refuse(401, "unauthorized", {{"message", "an upload token is required (Authorization: Bearer)"}});
        auto repository = m_store.token_repository(token);
        if (!repository) return refuse(repository.error().status, "error", {{"message", repository.error().message}});
        if (!*repository) return refuse(401, "unauthorized", {{"message", "unknown or revoked upload token"}});
        const std::string key = req.get_header_value("Idempotency-Key");
        if (key.empty() || key.size() > 128) {
            return refuse(422, "invalid", {{"message", "an Idempotency-Key header (1 to 128 characters) is required"}});
        }
        json envelope = json::parse(req.body, nullptr, false);
        if (envelope.is_discarded()) return refuse(422, "invalid", {{"message", "the body is not JSON"}});
        if (std::string problem = envelope_problem(envelope); !problem.empty()) {
            return refuse(422, "invalid", {{"message", problem}});
        }
        const std::string target = envelope["repository"].get<std::string>();
        if (target != **repository) {
            return refuse(401, "unauthorized", {{"message", "this token uploads for " + **repository + ", not " + target}});
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
            return refuse(422, "invalid", {{"message", "the report does not match docs/pgfence-report.schema.json"}, {"errors", errors}});
        }
        auto implied = content_hash_of(envelope["report"]);
        if (!implied) return refuse(422, "invalid", {{"message", "every report file needs its path and sha256"}});
        if (*implied != envelope["content_hash"].get<std::string>()) {
            return refuse(422, "invalid", {{"message", "content_hash does not match the files of the report"}, {"expected", *implied}});
        }
        const std::string head = envelope["head_sha"].get<std::string>();
        auto policy = current_policy();
        if (!policy) return refuse(503, "error", {{"message", policy.error().message}});
        auto decided = policy->first->decide(envelope["report"], target, head);
        if (!decided) return refuse(500, "error", {{"message", "the policy cannot be applied: " + decided.error().message}});
        const json policy_source = policy->second;
        const std::string content = envelope["content_hash"].get<std::string>();
        const std::int64_t number = envelope["pull_request"].get<std::int64_t>();

        auto answer = m_store.record_upload(
            target, envelope, key, sha256_hex(req.body),
            [&](trace::Connection& c, const std::string& upload_id) -> StoreResult<Answer> {
                // The same migrations reviewed before on this pull request (a rebase, a push of other files).
                auto earlier = c.query("SELECT head_sha FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                                       "AND content_hash = $3 AND id <> $4 AND response IS NOT NULL ORDER BY created_at LIMIT 1",
                                       {target, std::to_string(number), content, upload_id});
                if (!earlier) return db_error(c, earlier.error());
                json same_as = earlier->rows() > 0 ? json(earlier->value(0, 0)) : json(nullptr);
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
                                               {"same_content_as", same_as}});
                if (!evaluated) return evaluated.error();
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
        if (!answer) return refuse(answer.error().status, "error", {{"message", answer.error().message}});
        const std::string result = answer->status == 201 ? "accepted" : answer->status == 200 ? "replayed" : "conflict";
        if (answer->status == 201) m_metrics->count(m_metrics->decisions, answer->body.value("conclusion", ""));
        refuse(answer->status, result, answer->body);
    }));

    server.Post("/v1/github/webhook", timed("/v1/github/webhook", [this](const httplib::Request& req, httplib::Response& res) {
        // The signature first: nothing of an unsigned body is parsed.
        const std::string signature = req.get_header_value("X-Hub-Signature-256");
        const std::string expected = "sha256=" + hmac_sha256_hex(m_config.webhook_secret, req.body);
        if (m_config.webhook_secret.empty() || !constant_time_equal(signature, expected)) {
            {
                std::lock_guard lock(m_metrics->mutex);
                ++m_metrics->signature_failures;
            }
            return reply(res, 401, {{"message", "the X-Hub-Signature-256 signature does not match"}});
        }
        const std::string event = req.get_header_value("X-GitHub-Event");
        const std::string delivery = req.get_header_value("X-GitHub-Delivery");
        if (event.empty() || delivery.empty() || delivery.size() > 100) {
            return reply(res, 400, {{"message", "X-GitHub-Event and X-GitHub-Delivery are required"}});
        }
        json payload = json::parse(req.body, nullptr, false);
        if (payload.is_discarded() || !payload.is_object()) return reply(res, 400, {{"message", "the payload is not a JSON object"}});
        auto fresh = m_store.record_delivery(delivery, event, std::move(payload));
        if (!fresh) {
            m_metrics->count(m_metrics->deliveries, "error");
            return reply(res, fresh.error().status, {{"message", fresh.error().message}});
        }
        m_metrics->count(m_metrics->deliveries, *fresh ? "queued" : "duplicate");
        reply(res, *fresh ? 202 : 200, {{"message", *fresh ? "queued" : "duplicate delivery: already received"}});
    }));

    server.Get("/v1/audit", timed("/v1/audit", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string token = bearer(req);
        std::string repository = req.get_param_value("repository");
        const std::string since = req.get_param_value("since");
        if (!since.empty() && !parse_utc(since)) return reply(res, 422, {{"message", "since must be like 2026-11-23T09:00:00Z"}});
        if (!repository.empty() && !valid_repository(repository)) return reply(res, 422, {{"message", "repository must be OWNER/NAME"}});
        const char* audit_token = std::getenv("PGFENCE_AUDIT_TOKEN");
        const bool admin = audit_token != nullptr && *audit_token != '\0' && constant_time_equal(token, audit_token);
        if (!admin) {
            if (token.empty()) return reply(res, 401, {{"message", "a token is required (Authorization: Bearer)"}});
            auto own = m_store.token_repository(token);
            if (!own) return reply(res, own.error().status, {{"message", own.error().message}});
            if (!*own) return reply(res, 401, {{"message", "unknown or revoked token"}});
            if (!repository.empty() && repository != **own) {
                return reply(res, 403, {{"message", "this token reads the audit trail of " + **own + " only"}});
            }
            repository = **own;
        }
        auto events = m_store.audit_events(repository, since);
        if (!events) return reply(res, events.error().status, {{"message", events.error().message}});
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

analyze::Result<std::pair<std::shared_ptr<const Policies>, json>> Service::current_policy() {
    std::lock_guard lock(m_policy_mutex);
    const auto now = std::chrono::steady_clock::now();
    const bool fetched_once = m_policy_read != std::chrono::steady_clock::time_point{};
    if (m_config.policy_repository.empty() || (fetched_once && now - m_policy_read < std::chrono::minutes(5))) {
        return std::make_pair(m_policies, m_policy_source);
    }
    const std::string name = m_config.policy_repository + ":" + m_config.policy_path;
    auto fail = [&](const std::string& why) -> analyze::Result<std::pair<std::shared_ptr<const Policies>, json>> {
        if (fetched_once) {
            std::fprintf(stderr, "pgfence serve: the policy %s was not read again (%s): the copy read before holds\n",
                         name.c_str(), why.c_str());
            m_policy_read = now - std::chrono::minutes(4);  // try again in a minute
            return std::make_pair(m_policies, m_policy_source);
        }
        return analyze::Error{"the organisation's policy " + name + " cannot be read: " + why, "", std::nullopt};
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
    if (r.status != 200 || r.body.value("encoding", "") != "base64" || !r.body.contains("content")) {
        return fail(r.status == 0 ? r.failure : "HTTP " + std::to_string(r.status));
    }
    auto text = base64_decode(r.body["content"].get<std::string>());
    if (!text) return fail("its content is not base64");
    auto parsed = Policies::load(*text, name);
    if (!parsed) return fail(parsed.error().message);
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
        // Exponential backoff: 2, 4, 8 ... seconds, at most 8 attempts (give_up: none more).
        const int delay = 1 << std::min((*job)->attempts, 9);
        (void)m_store.retry_job(**job, error, delay, give_up ? 0 : 8);
        std::fprintf(stderr, "pgfence serve: job %lld (%s) %s: %s\n", static_cast<long long>((*job)->id), (*job)->kind.c_str(),
                     give_up ? "failed" : "will be retried", error.c_str());
    }
}

bool Service::process(const Job& job, std::string& error, bool& give_up) {
    try {
        if (job.kind == "check") return post_check(job.payload, error, give_up);
        if (job.kind == "webhook") return handle_webhook(job.payload, error, give_up);
        error = "unknown job kind " + job.kind;
        give_up = true;
        return false;
    } catch (const std::exception& e) {
        error = std::string("internal error: ") + e.what();
        give_up = true;
        return false;
    }
}

bool Service::post_check(const json& payload, std::string& error, bool& give_up) {
    const std::string repository = payload.at("repository");
    const std::string upload_id = payload.at("upload_id");
    json decision;
    std::string head_sha;
    std::string content_hash;
    std::int64_t number = 0;
    std::optional<std::int64_t> check_run_id;
    std::optional<std::int64_t> installation;
    auto loaded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT u.decision, u.head_sha, u.content_hash, u.pull_request, ch.check_run_id, pr.installation_id "
                         "FROM pgfence_uploads u "
                         "LEFT JOIN pgfence_checks ch ON ch.repository = u.repository AND ch.head_sha = u.head_sha "
                         "LEFT JOIN pgfence_pull_requests pr ON pr.repository = u.repository AND pr.number = u.pull_request "
                         "WHERE u.id = $1",
                         {upload_id});
        if (!r) return db_error(c, r.error());
        if (r->rows() == 0) return StoreError{404, "no upload " + upload_id};
        decision = json::parse(r->value(0, 0));
        head_sha = r->value(0, 1);
        content_hash = r->value(0, 2);
        number = std::stoll(r->value(0, 3));
        if (!r->is_null(0, 4)) check_run_id = std::stoll(r->value(0, 4));
        if (!r->is_null(0, 5)) installation = std::stoll(r->value(0, 5));
        return true;
    });
    if (!loaded) {
        error = loaded.error().message;
        give_up = loaded.error().status == 404;
        return false;
    }
    if (!m_app) {
        error = "no GitHub App configured (app_id, private_key_path): the check cannot be posted";
        give_up = true;
        return false;
    }
    if (!installation) {
        auto found = m_app->installation_of(repository);
        if (!found) {
            error = found.error().message;
            return false;
        }
        installation = *found;
    }
    auto token = m_app->installation_token(*installation);
    if (!token) {
        error = token.error().message;
        return false;
    }
    const json& d = decision["decision"];
    const std::string conclusion = d.value("conclusion", "failure");
    json output = {{"title", decision.value("title", "pgfence governance")},
                   {"summary", d.value("summary", "")},
                   {"text", decision.value("text", "")}};
    json body = {{"name", k_check_name}, {"head_sha", head_sha}, {"status", "completed"}, {"conclusion", conclusion},
                 {"output", output}, {"external_id", upload_id}};
    if (!m_config.public_url.empty()) body["details_url"] = m_config.public_url;
    GitHubResponse r = check_run_id
                           ? m_app->request("PATCH", "/repos/" + repository + "/check-runs/" + std::to_string(*check_run_id), *token, &body)
                           : m_app->request("POST", "/repos/" + repository + "/check-runs", *token, &body);
    if (r.status == 401) m_app->forget_token(*installation);
    if (r.status != 200 && r.status != 201) {
        error = "GitHub answered " + (r.status == 0 ? r.failure : "HTTP " + std::to_string(r.status)) + " to the check run";
        // Our request was wrong (4xx other than 401/403/404/429): a retry would not change it.
        give_up = r.status >= 400 && r.status < 500 && r.status != 401 && r.status != 403 && r.status != 404 && r.status != 429;
        m_metrics->count(m_metrics->checks, "error");
        return false;
    }
    const std::int64_t id = r.body.value("id", std::int64_t{0});
    auto recorded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto up = c.query("INSERT INTO pgfence_checks (repository, head_sha, check_run_id, conclusion, content_hash) "
                          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository, head_sha) DO UPDATE SET "
                          "check_run_id = EXCLUDED.check_run_id, conclusion = EXCLUDED.conclusion, "
                          "content_hash = EXCLUDED.content_hash, updated_at = now()",
                          {repository, head_sha, std::to_string(id), conclusion, content_hash});
        if (!up) return db_error(c, up.error());
        auto event = append_audit(c, repository, "check", content_hash, number,
                                  {{"check_run_id", id}, {"conclusion", conclusion}, {"head_sha", head_sha}, {"upload_id", upload_id}});
        if (!event) return event.error();
        return true;
    });
    if (!recorded) {
        // Posted but not recorded: the retry updates the same check run (found by name below).
        error = recorded.error().message;
        return false;
    }
    m_metrics->count(m_metrics->checks, check_run_id ? "updated" : "created");
    return true;
}

bool Service::handle_webhook(const json& job, std::string& error, bool& give_up) {
    const std::string event = job.value("event", "");
    const json& payload = job["payload"];
    const std::string action = payload.value("action", "");
    const std::string delivery = job.value("delivery", "");
    if (event == "pull_request" &&
        (action == "opened" || action == "synchronize" || action == "reopened" || action == "closed")) {
        const json& pr = payload["pull_request"];
        const std::string repository = payload["repository"].value("full_name", "");
        const std::int64_t number = pr.value("number", std::int64_t{0});
        const std::string head = pr["head"].value("sha", "");
        const bool merged = pr.value("merged", false);
        const std::string state = action == "closed" ? (merged ? "merged" : "closed") : "open";
        json installation = payload.contains("installation") ? payload["installation"].value("id", json(nullptr)) : json(nullptr);
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto up = c.query("INSERT INTO pgfence_pull_requests (repository, number, head_sha, state, installation_id) "
                              "VALUES ($1, $2, $3, $4, NULLIF($5, '')::bigint) ON CONFLICT (repository, number) DO UPDATE SET "
                              "head_sha = EXCLUDED.head_sha, state = EXCLUDED.state, "
                              "installation_id = COALESCE(EXCLUDED.installation_id, pgfence_pull_requests.installation_id), "
                              "updated_at = now()",
                              {repository, std::to_string(number), head, state,
                               installation.is_number_integer() ? std::to_string(installation.get<std::int64_t>()) : ""});
            if (!up) return db_error(c, up.error());
            // The content last reviewed for this pull request, bound to the event (a merge of reviewed content).
            auto last = c.query("SELECT content_hash FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                                "AND response IS NOT NULL ORDER BY created_at DESC LIMIT 1",
                                {repository, std::to_string(number)});
            if (!last) return db_error(c, last.error());
            std::optional<std::string> content;
            if (last->rows() > 0) content = last->value(0, 0);
            auto e = append_audit(c, repository, merged ? "merge" : "pull_request", content, number,
                                  {{"action", action}, {"head_sha", head}, {"merged", merged}, {"delivery", delivery}});
            if (!e) return e.error();
            return true;
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    if (event == "check_run" && action == "rerequested") {
        const json& run = payload["check_run"];
        if (run.value("name", "") != k_check_name) return true;  // another app's check
        const std::string repository = payload["repository"].value("full_name", "");
        const std::string head = run.value("head_sha", "");
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
    if (event == "installation") {
        const json& inst = payload["installation"];
        const std::string account = inst.contains("account") && inst["account"].is_object() ? inst["account"].value("login", "") : "";
        const std::int64_t id = inst.value("id", std::int64_t{0});
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto up = c.query("INSERT INTO pgfence_installations (installation_id, account) VALUES ($1, $2) "
                              "ON CONFLICT (installation_id) DO UPDATE SET account = EXCLUDED.account, updated_at = now()",
                              {std::to_string(id), account});
            if (!up) return db_error(c, up.error());
            json repositories = json::array();
            for (const auto& r : payload.value("repositories", json::array())) repositories.push_back(r.value("full_name", ""));
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
