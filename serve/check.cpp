// The `check` job: the decision on an upload as it stands now (the policy in force, the pull
// request's exemptions, its approvals asked of GitHub again), the one review request, and the
// 'pgfence governance' check run posted or updated through the App.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "serve/audit.hpp"
#include "serve/binding.hpp"
#include "serve/head_decisions.hpp"
#include "serve/metrics.hpp"
#include "serve/payload.hpp"
#include "serve/service.hpp"
#include "serve/signoff.hpp"
#include "serve/signoff_events.hpp"

namespace pgfence::serve {

using nlohmann::json;

bool Service::post_check(const json& payload, std::string& error, bool& give_up) {
    const std::string repository = payload.at("repository");
    const std::string upload_id = payload.at("upload_id");
    json envelope;
    std::string head_sha;
    std::string content_hash;
    std::string author;
    std::int64_t number = 0;
    std::optional<std::int64_t> check_run_id;
    std::optional<std::int64_t> installation;
    bool superseded = false;
    std::string chain_head;
    std::int64_t read_at_seq = 0;
    struct ApprovalRow {
        std::string login, source, reason;
        std::optional<std::string> content_hash;  // none while the approved commit's upload has not arrived
        bool voided = false;
        // What it covers (serve/binding.hpp, signoff_item_identity): the items needing sign-off in
        // the decisions of its commit's uploads, every job's, that it was given on (those there when
        // it was given; for one given before any had arrived, those that arrived for that commit
        // since, unless the base changed in between). It covers those findings and no other,
        // whichever job reports them (a rebase can add a finding to the same bytes).
        std::set<std::string> covered;
    };
    std::vector<ApprovalRow> approvals;
    std::vector<StoredExemption> stored_exemptions;
    std::optional<json> requested;  // the review request made before: {"reviewers", "team_reviewers", "status"}
    auto loaded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        // The newest upload for this head decides: an older job (retried after a GitHub failure)
        // must not post its older decision over a newer one.
        // The newest of its pull request and job (`pgfence pr --name`): another pull request with
        // this head, or another job, has a decision of its own (serve/head_decisions.hpp). An upload
        // made before the pull request's base changed was for the old base: it decides nothing.
        auto r = c.query("SELECT u.envelope, u.head_sha, u.content_hash, u.pull_request, ch.check_run_id, pr.installation_id, "
                         "(SELECT n.id FROM pgfence_uploads n WHERE n.repository = u.repository AND n.head_sha = u.head_sha "
                         " AND n.pull_request = u.pull_request AND COALESCE(n.envelope->>'job', '') = COALESCE(u.envelope->>'job', '') "
                         " AND n.response IS NOT NULL ORDER BY n.created_at DESC, n.id DESC LIMIT 1) = u.id "
                         " AND (pr.base_changed_at IS NULL OR u.created_at > pr.base_changed_at), "
                         "(SELECT h.hash FROM pgfence_audit_heads h WHERE h.repository = u.repository), pr.author, "
                         "(SELECT h.seq FROM pgfence_audit_heads h WHERE h.repository = u.repository), "
                         "pr.state = 'closed' "
                         "FROM pgfence_uploads u "
                         "LEFT JOIN pgfence_checks ch ON ch.repository = u.repository AND ch.head_sha = u.head_sha "
                         "LEFT JOIN pgfence_pull_requests pr ON pr.repository = u.repository AND pr.number = u.pull_request "
                         "WHERE u.id = $1",
                         {upload_id});
        if (!r) return db_error(c, r.error());
        if (r->rows() == 0) return StoreError{404, "no upload " + upload_id};
        // A pull request closed without merging decides nothing any more (its head's check says so,
        // serve/head_check.cpp): an approval or a late upload on it posts nothing.
        superseded = r->value(0, 6) != "t" || r->value(0, 10) == "t";
        // The chain as this decision reads it, up to its head now: approvals and exemptions are
        // taken from that prefix (one appended since is the next check's), and the check event says
        // which it was, so `audit verify` checks its signers and active exemptions against the same.
        read_at_seq = r->is_null(0, 9) ? 0 : std::stoll(r->value(0, 9));
        chain_head = r->value(0, 7);
        envelope = json::parse(r->value(0, 0));
        head_sha = r->value(0, 1);
        content_hash = r->value(0, 2);
        number = std::stoll(r->value(0, 3));
        if (!r->is_null(0, 4)) check_run_id = std::stoll(r->value(0, 4));
        if (!r->is_null(0, 5)) installation = std::stoll(r->value(0, 5));
        author = r->value(0, 8);
        // With the event that granted each (serve/signoff_events.hpp): a row no `approval` event
        // of the chain backs (written into the table by hand) signs nothing off, nor a second row
        // naming an event another row already stands on.
        // A row the chain shows withdrawn after its event (an `approval_revoked` of the same login and
        // pull request) counts for nothing, whatever its revoked_at says (red team R86b F6: clearing
        // revoked_at by hand revived a dismissed review).
        auto a = c.query("SELECT a.login, a.source, a.reason, a.content_hash, a.voided_at IS NOT NULL, a.id, "
                         "a.commit_sha, a.review_id, a.comment_id, a.event_seq, e.event "
                         "FROM pgfence_approvals a "
                         "LEFT JOIN pgfence_audit_events e ON e.repository = a.repository AND e.seq = a.event_seq "
                         "WHERE a.repository = $1 AND a.pull_request = $2 AND a.revoked_at IS NULL "
                         "AND NOT EXISTS (SELECT 1 FROM pgfence_audit_events r WHERE r.repository = a.repository "
                         " AND r.seq > a.event_seq AND r.seq <= $3::bigint AND r.event::jsonb ->> 'type' = 'approval_revoked' "
                         " AND (r.event::jsonb ->> 'pull_request')::bigint = a.pull_request "
                         " AND r.event::jsonb -> 'data' ->> 'login' = a.login) "
                         "AND a.event_seq <= $3::bigint ORDER BY a.created_at, a.id",
                         {repository, std::to_string(number), std::to_string(read_at_seq)});
        if (!a) return db_error(c, a.error());
        std::set<std::string> events_used;
        for (int i = 0; i < a->rows(); ++i) {
            const auto id_at = [&](int col) { return a->is_null(i, col) ? std::nullopt : std::optional(std::stoll(a->value(i, col))); };
            const ApprovalFacts facts{number, a->value(i, 0), a->value(i, 1), a->value(i, 6), id_at(7), id_at(8)};
            if (a->is_null(i, 10) || !approval_backed(facts, json::parse(a->value(i, 10), nullptr, false)) ||
                !events_used.insert(a->value(i, 9)).second) {
                std::fprintf(stderr, "pgfence serve: approval %s of %s#%lld has no approval event in the audit chain: not counted\n",
                             a->value(i, 5).c_str(), repository.c_str(), static_cast<long long>(number));
                continue;
            }
            ApprovalRow row{a->value(i, 0), a->value(i, 1), a->value(i, 2),
                            a->is_null(i, 3) ? std::nullopt : std::optional(a->value(i, 3)), a->value(i, 4) == "t", {}};
            if (row.content_hash) {
                // When it was given is the event's (red team R86b F6): the given_at it records, or for
                // one recorded before given_at was (5bc7cb3f and older), no later than a second after
                // the event (its `at` is whole seconds). The row's created_at, which a database editor
                // can move forward past the base's move, only ever makes it earlier.
                const json event = json::parse(a->value(i, 10), nullptr, false);
                const json& data = event["data"];
                const std::string given_at = data.contains("given_at") && data["given_at"].is_string() ? data["given_at"].get<std::string>() : "";
                const std::string event_at = event.contains("at") && event["at"].is_string() ? event["at"].get<std::string>() : "";
                auto when = c.query("SELECT COALESCE(NULLIF($2, '')::timestamptz, "
                                    " LEAST(a.created_at, NULLIF($3, '')::timestamptz + interval '1 second')) FROM pgfence_approvals a WHERE a.id = $1",
                                    {a->value(i, 5), given_at, event_at});
                if (!when) return db_error(c, when.error());
                if (when->rows() == 0 || when->is_null(0, 0)) continue;
                auto u = c.query(
                    "SELECT u.decision->'decision'->'items', u.envelope FROM pgfence_approvals a "
                    "JOIN pgfence_uploads u ON u.repository = a.repository AND u.pull_request = a.pull_request "
                    " AND u.head_sha = a.commit_sha "
                    "LEFT JOIN pgfence_pull_requests pr ON pr.repository = a.repository AND pr.number = a.pull_request "
                    "WHERE a.id = $1 AND u.response IS NOT NULL AND u.decision IS NOT NULL AND (u.created_at <= $2::timestamptz "
                    " OR (NOT EXISTS (SELECT 1 FROM pgfence_uploads e WHERE e.repository = u.repository "
                    "   AND e.pull_request = u.pull_request AND e.head_sha = u.head_sha AND e.response IS NOT NULL "
                    "   AND e.created_at <= $2::timestamptz) "
                    "  AND NOT (pr.base_changed_at IS NOT NULL AND pr.base_changed_at > $2::timestamptz "
                    "   AND u.created_at > pr.base_changed_at)))",
                    {a->value(i, 5), when->value(0, 0)});
                if (!u) return db_error(c, u.error());
                for (int k = 0; k < u->rows(); ++k) {
                    const json items = json::parse(u->value(k, 0), nullptr, false);
                    const json covered_envelope = json::parse(u->value(k, 1), nullptr, false);
                    if (!items.is_array()) continue;
                    for (const auto& item : items) {
                        if (item.is_object() && item.value("kind", "") == "signoff") {
                            row.covered.insert(signoff_item_identity(item, covered_envelope));
                        }
                    }
                }
            }
            approvals.push_back(std::move(row));
        }
        auto e = exemptions_of(c, repository, number, read_at_seq);
        if (!e) return e.error();
        stored_exemptions = std::move(*e);
        auto q = c.query("SELECT reviewers, team_reviewers, status FROM pgfence_review_requests "
                         "WHERE repository = $1 AND pull_request = $2",
                         {repository, std::to_string(number)});
        if (!q) return db_error(c, q.error());
        if (q->rows() > 0) {
            requested = json{{"reviewers", json::parse(q->value(0, 0))}, {"team_reviewers", json::parse(q->value(0, 1))},
                             {"status", std::stoi(q->value(0, 2))}};
        }
        return true;
    });
    if (!loaded) {
        error = loaded.error().message;
        give_up = loaded.error().status == 404;
        return false;
    }
    if (loaded && superseded) return true;  // a newer upload of this head posts its own decision
    if (!m_app) {
        error = "no GitHub App configured (app_id, private_key_path): the check cannot be posted";
        give_up = true;
        return false;
    }
    auto access = token_for(repository, installation);
    if (!access) {
        error = access.error().message;
        give_up = access.error().permanent;
        return false;
    }
    installation = access->first;
    auto token = std::optional<std::string>(access->second);

    // The decision as it stands now: the policy in force, the exemptions granted so far (an
    // expired one no longer counts), then the approvals, each approver asked of GitHub again.
    auto policy = current_policy();
    if (!policy) {
        error = policy.error().message;
        return false;
    }
    const auto now = std::chrono::system_clock::now();
    // Exemptions whose statements were rewritten since they were granted no longer apply.
    const ExemptionSplit split = split_exemptions(stored_exemptions, envelope);
    const std::vector<governance::Exemption>& exemptions = split.applying;
    auto decided = policy->first->decide(envelope.value("report", json::object()), repository, head_sha, m_config.github_url, exemptions, now);
    if (!decided) {
        error = "the policy cannot be applied: " + decided.error().message;
        give_up = true;
        return false;
    }
    const governance::PolicySettings& settings = policy->first->settings_for(repository);
    if (author.empty()) {
        // The upload came before GitHub's pull_request webhook: the author is asked of GitHub.
        GitHubResponse pull = m_app->request("GET", "/repos/" + repository + "/pulls/" + std::to_string(number), *token);
        if (pull.status == 200) author = lower(text_at(pull.body, {"user", "login"}).value_or(""));
        if (!valid_login(author)) author.clear();
    }
    SignoffFacts facts;
    facts.exemptions = exemptions;
    facts.voided_exemptions = split.voided;
    facts.pending_exemptions = split.pending;
    // What an item needing sign-off is, for an approval: the same rule at the same place saying the
    // same, found on the same content and context (serve/binding.hpp).
    std::set<std::string> needing;
    for (const auto& item : decided->decision.value("items", json::array())) {
        if (item.value("kind", "") == "signoff") needing.insert(signoff_item_identity(item, envelope));
    }
    std::size_t counted = 0;
    std::vector<std::string> counted_logins;
    std::optional<Service::Committers> committers;  // asked of GitHub once, when an approval needs it
    for (const auto& a : approvals) {
        ApprovalView view{a.login, a.source, a.reason, ApprovalStatus::Counted};
        // An approval counts for this decision when it covers each of its items needing sign-off,
        // whichever job's upload it was given on; voided (its migrations changed since) only
        // says why it does not.
        if (!a.content_hash) view.status = ApprovalStatus::Pending;
        else if (std::any_of(needing.begin(), needing.end(), [&](const std::string& wanted) { return !a.covered.contains(wanted); })) {
            view.status = a.voided ? ApprovalStatus::Voided : ApprovalStatus::NewItems;
        }
        else if (!author.empty() && a.login == author && !settings.author_may_approve) view.status = ApprovalStatus::Author;
        else {
            if (!settings.author_may_approve && !committers) {
                auto asked = pull_committers(repository, number, *token);
                if (!asked) {
                    error = asked.error().message;
                    give_up = asked.error().permanent;
                    return false;
                }
                committers = std::move(*asked);
            }
            if (committers && (!committers->complete || committers->logins.contains(a.login))) {
                view.status = committers->complete ? ApprovalStatus::Committer : ApprovalStatus::AuthorsUnknown;
                facts.approvals.push_back(std::move(view));
                continue;
            }
            auto allowed = may_act(repository, settings.approvers, a.login, *token);
            if (!allowed) {
                error = allowed.error().message;
                give_up = allowed.error().permanent;
                return false;
            }
            if (!*allowed) view.status = ApprovalStatus::NotApprover;
        }
        if (view.status == ApprovalStatus::Counted &&
            std::find(counted_logins.begin(), counted_logins.end(), a.login) == counted_logins.end()) {
            counted_logins.push_back(a.login);
            ++counted;
        }
        facts.approvals.push_back(std::move(view));
    }
    const bool needs_signoff = decided->decision.value("conclusion", "") == "action_required" &&
                               (settings.approvers.empty() || static_cast<int>(counted) < settings.min_approvals);
    // Routing: the approvers asked for a review once, when sign-off is first needed.
    if (!requested && needs_signoff && !settings.approvers.empty()) {
        const std::string owner = repository.substr(0, repository.find('/'));
        json reviewers = json::array();
        json teams = json::array();
        for (const auto& entry : settings.approvers) {
            if (entry.starts_with("@")) {
                const auto slash = entry.find('/');
                if (entry.substr(1, slash - 1) == owner) teams.push_back(entry.substr(slash + 1));
            } else if (entry != author) {
                reviewers.push_back(entry);
            }
        }
        if (!reviewers.empty() || !teams.empty()) {
            json body = json::object();
            if (!reviewers.empty()) body["reviewers"] = reviewers;
            if (!teams.empty()) body["team_reviewers"] = teams;
            GitHubResponse r = m_app->request("POST", "/repos/" + repository + "/pulls/" + std::to_string(number) + "/requested_reviewers",
                                              *token, &body);
            // A refusal (4xx) is recorded too: asked once, whatever GitHub said; no answer is tried again.
            if (r.status >= 200 && r.status < 500 && r.status != 401 && r.status != 429) {
                auto noted = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
                    auto in = c.query("INSERT INTO pgfence_review_requests (repository, pull_request, reviewers, team_reviewers, status) "
                                      "VALUES ($1, $2, $3::jsonb, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING 1",
                                      {repository, std::to_string(number), reviewers.dump(), teams.dump(), std::to_string(r.status)});
                    if (!in) return db_error(c, in.error());
                    if (in->rows() == 0) return true;
                    auto e = append_audit(c, repository, "review_requested", content_hash, number,
                                          {{"reviewers", reviewers}, {"team_reviewers", teams}, {"status", r.status}});
                    if (!e) return e.error();
                    return true;
                });
                if (!noted) {
                    error = noted.error().message;
                    return false;
                }
                requested = json{{"reviewers", reviewers}, {"team_reviewers", teams}, {"status", r.status}};
            }
        }
    }
    if (requested) {
        std::vector<std::string> names;
        for (const auto& t : requested->at("team_reviewers")) names.push_back("@" + repository.substr(0, repository.find('/')) + "/" + t.get<std::string>());
        for (const auto& l : requested->at("reviewers")) names.push_back(l.get<std::string>());
        const int status = requested->at("status").get<int>();
        facts.review_request = status < 300 ? "A review was requested from " + people_markdown(names) + " (once, when sign-off was first needed)."
                                            : "Requesting a review from " + people_markdown(names) + " failed (GitHub answered HTTP " +
                                                  std::to_string(status) + "); it is not tried again.";
    }
    std::vector<std::string> signed_off = apply_signoff(*decided, settings, facts, now);
    json decision = {{"decision", decided->decision}, {"title", decided->title}, {"text", decided->text}};
    std::size_t active_exemptions = 0;
    for (const auto& e : exemptions) active_exemptions += e.expires_at > now ? 1 : 0;
    if (!check_run_id) {
        // A run posted before but not recorded (the service stopped in between) is updated, not doubled.
        auto found = m_app->request("GET", "/repos/" + repository + "/commits/" + head_sha + "/check-runs?" +
                                               m_app->own_runs_query(), *token);
        if (found.status == 200 && found.body.contains("check_runs") && found.body["check_runs"].is_array() &&
            !found.body["check_runs"].empty() && found.body["check_runs"][0].contains("id") &&
            found.body["check_runs"][0]["id"].is_number_integer()) {
            check_run_id = found.body["check_runs"][0]["id"].get<std::int64_t>();
        }
    }
    const json& d = decision["decision"];
    std::string conclusion = d.value("conclusion", "failure");
    // GitHub refuses an output field longer than 65,535 characters.
    auto capped = [](std::string text) {
        constexpr std::size_t k_limit = 65000;
        if (text.size() <= k_limit) return text;
        std::size_t cut = text.rfind('\n', k_limit);
        if (cut == std::string::npos) cut = k_limit;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
        return text.substr(0, cut) + "\n\n… cut at GitHub's limit: the audit trail has every item.";
    };
    json output = {{"title", decision.value("title", "pgfence governance")},
                   {"summary", capped(d.value("summary", ""))},
                   {"text", capped(decision.value("text", "")) + "\n\nAudit chain head: `" + chain_head + "`"}};
    // This decision is one of those that stand for the head: the check says the worst of them.
    const HeadDecision own{number, envelope.value("job", ""), upload_id, conclusion, output["title"].get<std::string>(),
                           output["summary"].get<std::string>(), output["text"].get<std::string>()};
    CombinedCheck combined;
    // One head's decisions are combined one job at a time (several workers run the checks of its
    // jobs at once): each reads the others' as recorded, never a view from before one of them.
    auto lock_head = [&](trace::Connection& c) -> StoreResult<bool> {
        auto locked = c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", {repository + " " + head_sha});
        if (!locked) return db_error(c, locked.error());
        return true;
    };
    auto aggregated = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (auto locked = lock_head(c); !locked) return locked.error();
        auto recorded = record_head_decision(c, repository, head_sha, own);
        if (!recorded) return recorded.error();
        auto standing = head_decisions(c, repository, head_sha);
        if (!standing) return standing.error();
        combined = combine(*standing);
        return true;
    });
    if (!aggregated) {
        error = aggregated.error().message;
        return false;
    }
    if (!combined.upload_id && combined.conclusion.empty()) {
        // Its pull request is closed or has moved on: this decision alone.
        combined = combine({own});
    }
    const std::string own_conclusion = conclusion;
    conclusion = combined.conclusion;
    output = {{"title", combined.title}, {"summary", capped(combined.summary)}, {"text", combined.body}};
    json body = {{"name", k_check_name}, {"head_sha", head_sha}, {"output", output},
                 {"external_id", combined.upload_id.value_or(upload_id)}};
    if (conclusion == "pending") {
        body["status"] = "in_progress";
    } else {
        body["status"] = "completed";
        body["conclusion"] = conclusion;
    }
    if (!m_config.public_url.empty()) body["details_url"] = m_config.public_url;
    if (conclusion == "pending") check_run_id.reset();  // a completed run is not reopened: a new one (head_check.cpp)
    GitHubResponse r = check_run_id
                           ? m_app->request("PATCH", "/repos/" + repository + "/check-runs/" + std::to_string(*check_run_id), *token, &body)
                           : m_app->request("POST", "/repos/" + repository + "/check-runs", *token, &body);
    if (r.status == 401) m_app->forget_token(*installation);
    if (r.status != 200 && r.status != 201) {
        error = "GitHub answered " + (r.status == 0 ? r.failure : "HTTP " + std::to_string(r.status)) + " to the check run";
        // A permanent refusal (a 4xx but 408 and 429, a 401 or 403 without a rate limit): a retry would not change it.
        give_up = permanent_failure(r);
        m_metrics->count(m_metrics->checks, "error");
        return false;
    }
    const std::int64_t id = r.body.value("id", std::int64_t{0});
    // A waiting run posted for this head at the same time as this one (serve/head_check.cpp)
    // gets the decision too, so no run of this head is left waiting.
    if (auto other = payload.find("also_check_run_id"); other != payload.end() && other->is_number_integer() &&
                                                         other->get<std::int64_t>() != id) {
        GitHubResponse also = m_app->request("PATCH", "/repos/" + repository + "/check-runs/" + std::to_string(other->get<std::int64_t>()),
                                             *token, &body);
        if (also.status != 200) std::fprintf(stderr, "pgfence serve: the waiting check run was not updated (HTTP %d)\n", also.status);
    }
    auto recorded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (auto locked = lock_head(c); !locked) return locked.error();
        // Another job's decision recorded since this one combined them (and posted before this
        // run did): the check is posted again, with what now stands.
        auto standing = head_decisions(c, repository, head_sha);
        if (!standing) return standing.error();
        if (!standing->empty() && combine(*standing).decisions != combined.decisions) {
            auto again = enqueue(c, "check", {{"upload_id", upload_id}, {"repository", repository}, {"head_sha", head_sha},
                                              {"pull_request", number}});
            if (!again) return again.error();
        }
        auto up = c.query("INSERT INTO pgfence_checks (repository, head_sha, check_run_id, conclusion, content_hash) "
                          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository, head_sha) DO UPDATE SET "
                          "check_run_id = EXCLUDED.check_run_id, conclusion = EXCLUDED.conclusion, "
                          "content_hash = EXCLUDED.content_hash, updated_at = now()",
                          {repository, head_sha, std::to_string(id), conclusion, content_hash});
        if (!up) return db_error(c, up.error());
        for (const auto& id : split.newly_voided) {
            auto v = c.query("UPDATE pgfence_exemptions SET voided_at = now() WHERE id = $1 AND voided_at IS NULL "
                             "RETURNING rule, path, line, owner",
                             {id});
            if (!v) return db_error(c, v.error());
            if (v->rows() == 0) continue;
            auto e = append_audit(c, repository, "exemption_voided", content_hash, number,
                                  {{"exemption_id", std::stoll(id)}, {"rule", v->value(0, 0)},
                                   {"path", v->is_null(0, 1) ? json(nullptr) : json(v->value(0, 1))},
                                   {"line", v->is_null(0, 2) ? json(nullptr) : json(std::stoi(v->value(0, 2)))},
                                   {"owner", v->value(0, 3)}, {"upload_id", upload_id}, {"head_sha", head_sha},
                                   {"why", "what it covers changed after it was granted"}});
            if (!e) return e.error();
        }
        auto event = append_audit(c, repository, "check", content_hash, number,
                                  {{"check_run_id", id}, {"conclusion", conclusion}, {"head_sha", head_sha}, {"upload_id", upload_id},
                                   {"own_conclusion", own_conclusion}, {"decisions", combined.decisions},
                                   {"signed_off_by", signed_off}, {"exemptions_active", active_exemptions},
                                   {"policy", policy->second}, {"read_at_seq", read_at_seq}});
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

}  // namespace pgfence::serve
