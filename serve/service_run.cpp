// Service::run: the HTTP server and its routes (split from service.cpp).
#include "serve/service_parts.hpp"

namespace pgfence::serve {

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
        // The job a refusal is the decision of (serve/refused_jobs.hpp): the envelope's, else the Pgfence-Job header's.
        auto header_job = job_of_request(req);
        const std::string named_job = header_job && *header_job ? **header_job : std::string();
        auto invalid = [&](json answer) {
            if (auto head = refused_head(envelope, lower(token_repository))) {
                note_refused_upload(*head, 422, answer.value("message", std::string("the upload was refused")), key,
                                    refused_job_of(envelope, named_job));
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
        if (!header_job) return invalid({{"message", header_job.error().message}});
        if (*header_job && **header_job != envelope.value("job", std::string())) {
            return invalid({{"message", std::string(k_job_header) + " names another job than the envelope"}});
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

        // The key is kept per base (issue #53, red team H2 item 9): a re-run after the base moved
        // is judged anew even when its client's key does not name the base (pgfence pr before it).
        const std::string key_for_base = key + " base=" + envelope["base_sha"].get<std::string>();
        auto answer = m_store.record_upload(
            target, envelope, key_for_base, sha256_hex(body),
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

}  // namespace pgfence::serve
