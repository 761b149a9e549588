// The service's job queue: the worker loop and the webhook jobs it processes (split from service.cpp).
#include "serve/service_parts.hpp"

namespace pgfence::serve {

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
            if (action != "closed" && governed->rows() > 0) {
                // Its upload refused before this webhook named it (the upload outran GitHub): the
                // refusal is noted now, and the check fails saying why instead of waiting; also when
                // another job's upload of the head was accepted meanwhile (serve/refused_jobs.hpp).
                auto refused = c.query("UPDATE pgfence_refused_heads SET noted = true WHERE repository = $1 AND head_sha = $2 "
                                       "AND pull_request = $3 AND NOT noted RETURNING status, why, idempotency_key",
                                       {repository, *head, std::to_string(*number)});
                if (!refused) return db_error(c, refused.error());
                if (refused->rows() == 0 && content) return true;
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
