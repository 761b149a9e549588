// The service's sign-off and exemption webhooks (issue #20): approving and dismissed reviews,
// `/pgfence` comments, and the re-evaluation when an exemption expires. Who may act is asked of
// GitHub with the installation's token, never read from the payload (author_association).
#include <chrono>
#include <cstdio>
#include <set>

#include "annotate/escape.hpp"
#include "serve/audit.hpp"
#include "serve/binding.hpp"
#include "serve/commands.hpp"
#include "serve/payload.hpp"
#include "serve/service.hpp"
#include "serve/signoff.hpp"
#include "serve/signoff_order.hpp"
#include "serve/withdrawals.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

// A path segment for GitHub's API: the names here are already restricted to [A-Za-z0-9_.-].
std::string segment(const std::string& text) { return annotate::percent_encode(text, "-._~"); }

// Who pushed or wrote commits of the pull request counts as its author (issue #32).
constexpr const char* k_committer_why = "authored, committed or pushed commits of this pull request, so counts as its author";
constexpr const char* k_committer_exempt_why =
    "authored, committed or pushed commits of this pull request, so counts as its author and may not exempt them";
// GitHub lists at most this many commits of a pull request; past it, their authors are unknown.
constexpr std::size_t k_listed_commits_cap = 250;
constexpr const char* k_truncated_why =
    "the pull request has more commits than GitHub lists (250): sign-off needs every commit's author known, so "
    "squash or split the pull request";

bool is_bot(const json& user) {
    return text_at(user, {"type"}).value_or("") == "Bot" || text_at(user, {"login"}).value_or("").ends_with("[bot]");
}

}  // namespace

GitHubResult<std::pair<std::int64_t, std::string>> Service::token_for(const std::string& repository,
                                                                      std::optional<std::int64_t> installation) {
    if (!m_app) return GitHubFailure{"no GitHub App configured (app_id, private_key_path)", true};
    if (!installation) {
        auto found = m_app->installation_of(repository);
        if (!found) return found.error();
        installation = *found;
    }
    auto token = m_app->installation_token(*installation);
    if (!token) return token.error();
    return std::make_pair(*installation, *token);
}

GitHubResult<bool> Service::may_act(const std::string& repository, const std::vector<std::string>& people,
                                       const std::string& login, const std::string& token) {
    const std::string who = lower(login);
    if (!valid_login(who)) return false;
    const auto now = std::chrono::steady_clock::now();
    const auto ttl = std::chrono::seconds(m_config.membership_cache_seconds);
    for (const auto& entry : people) {
        const bool team = entry.starts_with("@");
        if (!team && entry != who) continue;
        const std::string key = repository + " " + entry + " " + who;
        {
            std::lock_guard lock(m_membership_mutex);
            if (auto it = m_memberships.find(key); it != m_memberships.end() && now - it->second.second < ttl) {
                if (it->second.first) return true;
                continue;
            }
        }
        bool member = false;
        if (team) {
            const auto slash = entry.find('/');
            GitHubResponse r = m_app->request("GET", "/orgs/" + segment(entry.substr(1, slash - 1)) + "/teams/" +
                                                         segment(entry.substr(slash + 1)) + "/memberships/" + segment(who),
                                              token);
            if (r.status == 200) member = r.body.value("state", "") == "active";
            else if (r.status != 404) {
                return GitHubFailure{"GitHub answered " + describe(r) + " about a team membership", permanent_failure(r)};
            }
        } else {
            GitHubResponse r = m_app->request("GET", "/repos/" + repository + "/collaborators/" + segment(who) + "/permission", token);
            if (r.status == 200) {
                const std::string permission = r.body.value("permission", "");
                member = permission == "admin" || permission == "write";
            } else if (r.status != 404) {
                return GitHubFailure{"GitHub answered " + describe(r) + " about a collaborator's permission", permanent_failure(r)};
            }
        }
        {
            std::lock_guard lock(m_membership_mutex);
            m_memberships[key] = {member, now};
        }
        if (member) return true;
    }
    return false;
}

GitHubResult<Service::Committers> Service::pull_committers(const std::string& repository, std::int64_t number,
                                                             const std::string& token) {
    std::set<std::string> people;
    // GitHub lists at most 250 commits of a pull request, 100 a page: 250 or more listed, and the
    // list may be cut short, so the authors are not all known (fail closed).
    std::size_t listed = 0;
    for (int page = 1; page <= 3; ++page) {
        GitHubResponse r = m_app->request("GET", "/repos/" + repository + "/pulls/" + std::to_string(number) +
                                                     "/commits?per_page=100&page=" + std::to_string(page),
                                          token);
        if (r.status != 200 || !r.body.is_array()) {
            return GitHubFailure{"GitHub answered " + describe(r) + " about the pull request's commits", permanent_failure(r)};
        }
        listed += r.body.size();
        for (const auto& commit : r.body) {
            for (const char* who : {"author", "committer"}) {
                std::string login = lower(text_at(commit, {who, "login"}).value_or(""));
                if (valid_login(login)) people.insert(login);
            }
        }
        if (r.body.size() < 100) break;
    }
    // And whoever pushed to it (the senders of the events that moved its head): a pusher may have
    // written another person's name into the commits.
    std::vector<std::string> pushers;
    auto read = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT login FROM pgfence_pushers WHERE repository = $1 AND pull_request = $2",
                         {repository, std::to_string(number)});
        if (!r) return db_error(c, r.error());
        for (int i = 0; i < r->rows(); ++i) pushers.push_back(r->value(i, 0));
        return true;
    });
    if (!read) return GitHubFailure{"the database did not answer about the pull request's pushers", false};
    people.insert(pushers.begin(), pushers.end());
    return Committers{std::move(people), listed < k_listed_commits_cap};
}

namespace {

struct Context {
    std::string repository;
    std::int64_t number = 0;
    std::string author;  // the pull request's, lower case
    std::string login;   // who acted, lower case
    std::optional<std::int64_t> installation;
    std::string delivery;
};

// Records the author GitHub named for the pull request (a row made for it when none is there yet).
StoreResult<bool> note_author(trace::Connection& c, const Context& ctx) {
    if (ctx.author.empty()) return true;
    auto r = c.query("UPDATE pgfence_pull_requests SET author = $3 WHERE repository = $1 AND number = $2",
                     {ctx.repository, std::to_string(ctx.number), ctx.author});
    if (!r) return db_error(c, r.error());
    return true;
}

// The head a comment's approval or exemption binds to (r83 F6, r84): one whose decision had been posted when the
// comment came (its delivery's receipt), the one named by `/pgfence approve SHA` or else the pull
// request's head when it had one, else the last one posted. An empty head: refused, `why` says why.
struct ShownHead {
    std::string head;
    std::string why;
};
StoreResult<ShownHead> shown_head(trace::Connection& c, const std::string& repository, std::int64_t number,
                                  const std::string& delivery, const std::string& pull_head, const std::optional<std::string>& named,
                                  const std::string& verb) {
    const std::string k_decided =
        "FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 AND response IS NOT NULL AND decision IS NOT NULL "
        "AND created_at <= COALESCE((SELECT received_at FROM pgfence_deliveries WHERE delivery_id = $3), now()) ";
    if (named) {
        auto r = c.query("SELECT DISTINCT head_sha " + k_decided + "AND left(head_sha, length($4)) = $4 LIMIT 2",
                         {repository, std::to_string(number), delivery, *named});
        if (!r) return db_error(c, r.error());
        if (r->rows() == 1) return ShownHead{r->value(0, 0), ""};
        if (r->rows() > 1) return ShownHead{"", *named + " names more than one commit of this pull request: give more of its digits"};
        return ShownHead{"", *named + " is not a commit of this pull request whose check pgfence had posted when the comment was made, "
                                      "so nobody was shown what it would " + verb};
    }
    auto r = c.query("SELECT head_sha " + k_decided + "ORDER BY (head_sha = $4) DESC, created_at DESC, id DESC LIMIT 1",
                     {repository, std::to_string(number), delivery, pull_head});
    if (!r) return db_error(c, r.error());
    if (r->rows() > 0) return ShownHead{r->value(0, 0), ""};
    return ShownHead{"", "pgfence had posted no check on this pull request when the comment was made (the upload of its head had not "
                         "arrived), so nobody was shown what it would " + verb + ": " + verb + " once the check lists what needs sign-off"};
}

// An approval's created_at as its event records it (given_at, read back by serve/check.cpp), to
// the microsecond: which uploads it covers is decided by the event, not by the row (red team R86b F6).
constexpr const char* k_given_at = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

std::string refusal_text(const std::string& login, const std::string& what, const std::string& why,
                         const std::vector<std::string>& who_can) {
    using annotate::md_text;
    std::string text = "pgfence governance: " + md_text(login) + " may not " + what + " here: " + md_text(why) + ".";
    text += who_can.empty() ? " The policy names nobody who can." : " Who can: " + people_markdown(who_can) + ".";
    return text;
}

}  // namespace

bool Service::handle_review(const json& payload, const std::string& delivery, std::string& error, bool& give_up) {
    const std::string action = text_at(payload, {"action"}).value_or("");
    Context ctx;
    ctx.repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
    auto number = number_at(payload, {"pull_request", "number"});
    auto review_id = number_at(payload, {"review", "id"});
    ctx.login = lower(text_at(payload, {"review", "user", "login"}).value_or(""));
    ctx.author = lower(text_at(payload, {"pull_request", "user", "login"}).value_or(""));
    ctx.installation = number_at(payload, {"installation", "id"});
    ctx.delivery = delivery;
    if (!valid_repository(ctx.repository) || !number || !review_id || !valid_login(ctx.login)) {
        error = "a pull_request_review delivery without its repository, pull request, review or reviewer: ignored";
        give_up = true;
        return false;
    }
    ctx.number = *number;
    const json* reviewer = field(payload, {"review", "user"});
    if (reviewer != nullptr && is_bot(*reviewer)) return true;

    if (action == "dismissed") {
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            if (auto locked = lock_chain(c, ctx.repository); !locked) return locked.error();
            auto r = c.query("UPDATE pgfence_approvals SET revoked_at = now() WHERE repository = $1 AND pull_request = $2 "
                             "AND review_id = $3 AND revoked_at IS NULL RETURNING login, content_hash",
                             {ctx.repository, std::to_string(ctx.number), std::to_string(*review_id)});
            if (!r) return db_error(c, r.error());
            for (int i = 0; i < r->rows(); ++i) {
                auto e = append_audit(c, ctx.repository, "approval_revoked", r->value(i, 1), ctx.number,
                                      {{"login", r->value(i, 0)}, {"source", "review"}, {"review_id", *review_id},
                                       {"why", "review dismissed"}, {"delivery", delivery}});
                if (!e) return e.error();
            }
            // Its `submitted` has not come yet (R87 F8): the chain keeps the dismissal, and the
            // approval, when it comes, is refused.
            if (r->rows() == 0) {
                auto kept = record_early_withdrawal(c, ctx.repository, ctx.number,
                                                    {{"login", ctx.login}, {"source", "review"}, {"review_id", *review_id},
                                                     {"why", "review dismissed"}, {"delivery", delivery}});
                if (!kept) return kept.error();
            }
            auto latest = latest_upload(c, ctx.repository, ctx.number);
            if (!latest) return latest.error();
            if (r->rows() == 0 || !*latest) return true;
            return enqueue_check(c, ctx.repository, ctx.number, **latest);
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    const std::string state = lower(text_at(payload, {"review", "state"}).value_or(""));
    if (action == "submitted" && state == "changes_requested") {
        // GitHub counts a reviewer's latest review (serve/signoff_order.hpp).
        const auto at = github_instant(payload, {"review", "submitted_at"});
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto revoked = request_changes(c, ctx.repository, ctx.number, ctx.login, *review_id, at, delivery);
            if (!revoked) return revoked.error();
            auto latest = latest_upload(c, ctx.repository, ctx.number);
            if (!latest) return latest.error();
            if (*revoked == 0 || !*latest) return true;
            return enqueue_check(c, ctx.repository, ctx.number, **latest);
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    if (action != "submitted" || state != "approved") return true;

    auto policy = current_policy();
    if (!policy) {
        error = policy.error().message;
        return false;
    }
    const governance::PolicySettings& settings = policy->first->settings_for(ctx.repository);
    auto token = token_for(ctx.repository, ctx.installation);
    if (!token) {
        error = token.error().message;
        give_up = token.error().permanent;
        return false;
    }
    std::string why;
    if (!settings.author_may_approve && ctx.login != ctx.author) {
        auto committers = pull_committers(ctx.repository, ctx.number, token->second);
        if (!committers) {
            error = committers.error().message;
            give_up = committers.error().permanent;
            return false;
        }
        if (!committers->complete) why = k_truncated_why;
        else if (committers->logins.contains(ctx.login)) why = k_committer_why;
    }
    if (!why.empty()) {
    } else if (ctx.login == ctx.author && !settings.author_may_approve) {
        why = "the pull request's author may not approve their own migration";
    } else {
        auto allowed = may_act(ctx.repository, settings.approvers, ctx.login, token->second);
        if (!allowed) {
            error = allowed.error().message;
            give_up = allowed.error().permanent;
            return false;
        }
        if (!*allowed) why = settings.approvers.empty() ? "the policy names no approvers" : "not an approver under the policy";
    }
    const std::string commit = text_at(payload, {"review", "commit_id"}).value_or("");
    const std::string reason = text_at(payload, {"review", "body"}).value_or("").substr(0, k_max_reason);
    auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (auto locked = lock_chain(c, ctx.repository); !locked) return locked.error();
        if (auto noted = note_author(c, ctx); !noted) return noted.error();
        if (why.empty()) {
            auto gone = withdrawn_earlier(c, ctx.repository, ctx.number, "review_id", *review_id);
            if (!gone) return gone.error();
            if (*gone) why = "the review was dismissed before its approval was delivered (GitHub delivers events in no set order)";
        }
        if (why.empty()) {
            auto later = withdrawn_since(c, ctx.repository, ctx.number, ctx.login, github_instant(payload, {"review", "submitted_at"}), false);
            if (!later) return later.error();
            if (*later) why = "the reviewer withdrew their approval after this review (their latest word counts, whenever it is delivered)";
        }
        // The content the reviewer saw: the upload of the reviewed commit, and no other. Until it
        // arrives the approval is pending (content_hash NULL); if it never does, it never counts.
        std::optional<std::string> content;
        if (why.empty() && !is_hex(commit, 40)) why = "the review names no commit";
        if (why.empty()) {
            auto r = c.query("SELECT content_hash FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 AND head_sha = $3 "
                             "AND response IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                             {ctx.repository, std::to_string(ctx.number), commit});
            if (!r) return db_error(c, r.error());
            if (r->rows() > 0) content = r->value(0, 0);
        }
        auto latest = latest_upload(c, ctx.repository, ctx.number);
        if (!latest) return latest.error();
        if (!why.empty()) {
            auto e = append_audit(c, ctx.repository, "approval_refused", content, ctx.number,
                                  {{"login", ctx.login}, {"source", "review"}, {"review_id", *review_id},
                                   {"why", why}, {"commit_id", commit}, {"delivery", delivery}});
            if (!e) return e.error();
            return true;
        }
        auto r = c.query("INSERT INTO pgfence_approvals (repository, pull_request, content_hash, commit_sha, login, source, review_id, "
                         "reason) VALUES ($1, $2, NULLIF($3, ''), $4, $5, 'review', $6, $7) RETURNING id, " + std::string(k_given_at),
                         {ctx.repository, std::to_string(ctx.number), content.value_or(""), commit, ctx.login,
                          std::to_string(*review_id), reason});
        if (!r) return db_error(c, r.error());
        auto e = append_audit(c, ctx.repository, "approval", content, ctx.number,
                              {{"login", ctx.login}, {"source", "review"}, {"review_id", *review_id}, {"reason", reason},
                               {"commit_id", commit}, {"pending", !content.has_value()}, {"delivery", delivery},
                               {"given_at", r->value(0, 1)}});
        if (!e) return e.error();
        if (auto bound = bind_to_event(c, "pgfence_approvals", r->value(0, 0), *e); !bound) return bound.error();
        if (!*latest) return true;
        return enqueue_check(c, ctx.repository, ctx.number, **latest);
    });
    if (!done) error = done.error().message;
    return static_cast<bool>(done);
}

bool Service::handle_comment(const json& payload, const std::string& delivery, std::string& error, bool& give_up) {
    const std::string comment_action = text_at(payload, {"action"}).value_or("");
    if (comment_action == "deleted" || comment_action == "edited") {
        // The comment an approval stands on is gone or says something else now: the approval it
        // gave is withdrawn (a new `/pgfence approve` gives it again).
        const std::string repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
        auto number = number_at(payload, {"issue", "number"});
        auto comment_id = number_at(payload, {"comment", "id"});
        if (!valid_repository(repository) || !number || !comment_id) return true;
        // Whether the comment granted something before this change (R87 F8): its body then, as the
        // edit's `changes` or the deleted comment give it (absent: assume it did). Only such a
        // comment's withdrawal is kept when it comes before its `created`.
        const json* pull = field(payload, {"issue", "pull_request"});
        const json* user = field(payload, {"comment", "user"});
        std::optional<std::string> before = comment_action == "deleted" ? text_at(payload, {"comment", "body"})
                                                                         : text_at(payload, {"changes", "body", "from"});
        bool granted_before = pull != nullptr && pull->is_object() && user != nullptr && !is_bot(*user);
        if (granted_before && before) {
            auto parsed = parse_command(*before);
            granted_before = parsed && *parsed && (*parsed)->kind != CommandKind::Revoke;
        }
        const std::string who = user != nullptr ? lower(text_at(*user, {"login"}).value_or("")) : "";
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            // Only when an event follows (a revocation or the withdrawal kept): a chain head with no event is "missing".
            if (granted_before) {
                if (auto locked = lock_chain(c, repository); !locked) return locked.error();
            }
            auto r = c.query("UPDATE pgfence_approvals SET revoked_at = now() WHERE repository = $1 AND pull_request = $2 "
                             "AND comment_id = $3 AND revoked_at IS NULL RETURNING login, content_hash",
                             {repository, std::to_string(*number), std::to_string(*comment_id)});
            if (!r) return db_error(c, r.error());
            for (int i = 0; i < r->rows(); ++i) {
                auto e = append_audit(c, repository, "approval_revoked", r->value(i, 1), *number,
                                      {{"login", r->value(i, 0)}, {"source", "comment"}, {"comment_id", *comment_id},
                                       {"why", "the approving comment was " + comment_action}, {"delivery", delivery}});
                if (!e) return e.error();
            }
            // An exemption the comment granted: withdrawn the same way.
            auto withdrawn = withdraw_exemptions(c, repository, *number, "comment_id = $3", std::to_string(*comment_id),
                                                 {{"comment_id", *comment_id}, {"why", "the granting comment was " + comment_action},
                                                  {"delivery", delivery}});
            if (!withdrawn) return withdrawn.error();
            if (r->rows() + *withdrawn == 0 && granted_before) {
                auto kept = record_early_withdrawal(c, repository, *number,
                                                    {{"login", who}, {"source", "comment"}, {"comment_id", *comment_id},
                                                     {"why", "the comment was " + comment_action}, {"delivery", delivery}});
                if (!kept) return kept.error();
            }
            auto latest = latest_upload(c, repository, *number);
            if (!latest) return latest.error();
            if (r->rows() + *withdrawn == 0 || !*latest) return true;
            return enqueue_check(c, repository, *number, **latest);
        });
        if (!done) error = done.error().message;
        return static_cast<bool>(done);
    }
    if (comment_action != "created") return true;
    const json* pull = field(payload, {"issue", "pull_request"});
    if (pull == nullptr || !pull->is_object()) return true;  // a comment on an issue, not a pull request
    const json* user = field(payload, {"comment", "user"});
    if (user == nullptr || is_bot(*user)) return true;  // bots, the App itself among them
    auto parsed = parse_command(text_at(payload, {"comment", "body"}).value_or(""));
    if (parsed && !*parsed) return true;  // not a command

    Context ctx;
    ctx.repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
    auto number = number_at(payload, {"issue", "number"});
    auto comment_id = number_at(payload, {"comment", "id"});
    ctx.login = lower(text_at(*user, {"login"}).value_or(""));
    ctx.author = lower(text_at(payload, {"issue", "user", "login"}).value_or(""));
    ctx.installation = number_at(payload, {"installation", "id"});
    ctx.delivery = delivery;
    if (!valid_repository(ctx.repository) || !number || !comment_id || !valid_login(ctx.login)) {
        error = "an issue_comment delivery without its repository, pull request, comment or author: ignored";
        give_up = true;
        return false;
    }
    ctx.number = *number;
    auto token = token_for(ctx.repository, ctx.installation);
    if (!token) {
        error = token.error().message;
        give_up = token.error().permanent;
        return false;
    }
    // Answers after the decision is recorded: once, best effort (a lost reply is logged, not retried,
    // so a retried job never records the command twice).
    auto say = [&](const std::string& text) {
        json body = {{"body", text}};
        GitHubResponse r = m_app->request("POST", "/repos/" + ctx.repository + "/issues/" + std::to_string(ctx.number) + "/comments",
                                          token->second, &body);
        if (r.status != 201) std::fprintf(stderr, "pgfence serve: the reply on %s#%lld was not posted (HTTP %d)\n",
                                          ctx.repository.c_str(), static_cast<long long>(ctx.number), r.status);
    };
    auto react = [&](const char* content) {
        json body = {{"content", content}};
        GitHubResponse r = m_app->request("POST", "/repos/" + ctx.repository + "/issues/comments/" + std::to_string(*comment_id) +
                                                      "/reactions",
                                          token->second, &body);
        if (r.status != 200 && r.status != 201) {
            std::fprintf(stderr, "pgfence serve: the reaction on comment %lld was not posted (HTTP %d)\n",
                         static_cast<long long>(*comment_id), r.status);
        }
    };
    if (!parsed) {
        // Refused like any other command that does not hold: recorded, then answered.
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto latest = latest_upload(c, ctx.repository, ctx.number);
            if (!latest) return latest.error();
            std::optional<std::string> content;
            if (*latest) content = (*latest)->content_hash;
            auto e = append_audit(c, ctx.repository, "command_refused", content, ctx.number,
                                  {{"login", ctx.login}, {"comment_id", *comment_id}, {"why", parsed.error().message},
                                   {"delivery", delivery}});
            if (!e) return e.error();
            return true;
        });
        if (!done) {
            error = done.error().message;
            return false;
        }
        say("pgfence governance: the command was not understood: " + annotate::md_text(parsed.error().message) +
            ". The commands: " + std::string(command_usage()) + ".");
        return true;
    }
    const Command& command = **parsed;
    auto policy = current_policy();
    if (!policy) {
        error = policy.error().message;
        return false;
    }
    const governance::PolicySettings& settings = policy->first->settings_for(ctx.repository);
    const std::string comment = std::to_string(*comment_id);

    if (command.kind == CommandKind::Revoke) {
        int revoked = 0;
        // Kept with its instant, so that a sign-off made before it but delivered after it is refused (serve/signoff_order.hpp).
        const auto at = github_instant(payload, {"comment", "created_at"});
        const json order = at ? withdrawal_fields(*at, Withdraws::SignOffs) : json::object();
        auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            if (auto locked = lock_chain(c, ctx.repository); !locked) return locked.error();
            auto r = c.query("UPDATE pgfence_approvals SET revoked_at = now() WHERE repository = $1 AND pull_request = $2 "
                             "AND login = $3 AND revoked_at IS NULL RETURNING content_hash, source",
                             {ctx.repository, std::to_string(ctx.number), ctx.login});
            if (!r) return db_error(c, r.error());
            revoked = r->rows();
            for (int i = 0; i < r->rows(); ++i) {
                json data = {{"login", ctx.login}, {"source", r->value(i, 1)}, {"why", "/pgfence revoke"},
                             {"comment_id", *comment_id}, {"delivery", delivery}};
                data.update(order);
                auto e = append_audit(c, ctx.repository, "approval_revoked", r->value(i, 0), ctx.number, data);
                if (!e) return e.error();
            }
            // And the exemptions this person granted on the pull request.
            json withdrawal = {{"login", ctx.login}, {"why", "/pgfence revoke"}, {"comment_id", *comment_id}, {"delivery", delivery}};
            withdrawal.update(order);
            auto withdrawn = withdraw_exemptions(c, ctx.repository, ctx.number, "owner = $3", ctx.login, withdrawal);
            if (!withdrawn) return withdrawn.error();
            revoked += *withdrawn;
            if (revoked == 0) {
                withdrawal["source"] = "comment";
                if (auto kept = record_early_withdrawal(c, ctx.repository, ctx.number, withdrawal); !kept) return kept.error();
            }
            auto latest = latest_upload(c, ctx.repository, ctx.number);
            if (!latest) return latest.error();
            if (revoked == 0 || !*latest) return true;
            return enqueue_check(c, ctx.repository, ctx.number, **latest);
        });
        if (!done) {
            error = done.error().message;
            return false;
        }
        if (revoked > 0) react("+1");
        return true;
    }

    const bool exempt = command.kind == CommandKind::Exempt;
    const std::vector<std::string>& people = exempt ? settings.granters() : settings.approvers;
    std::string why;
    if (!settings.author_may_approve && ctx.login != ctx.author) {
        auto committers = pull_committers(ctx.repository, ctx.number, token->second);
        if (!committers) {
            error = committers.error().message;
            give_up = committers.error().permanent;
            return false;
        }
        if (!committers->complete) why = k_truncated_why;
        else if (committers->logins.contains(ctx.login)) why = exempt ? k_committer_exempt_why : k_committer_why;
    }
    if (!why.empty()) {
    } else if (ctx.login == ctx.author && !settings.author_may_approve) {
        why = exempt ? "the pull request's author may not exempt their own migration"
                     : "the pull request's author may not approve their own migration";
    } else {
        auto allowed = may_act(ctx.repository, people, ctx.login, token->second);
        if (!allowed) {
            error = allowed.error().message;
            give_up = allowed.error().permanent;
            return false;
        }
        if (!*allowed) {
            why = people.empty() ? (exempt ? "the policy names nobody who may grant exemptions" : "the policy names no approvers")
                                 : (exempt ? "not allowed to grant exemptions under the policy" : "not an approver under the policy");
        }
    }
    const auto now = std::chrono::system_clock::now();
    if (why.empty() && exempt) {
        if (command.expires_at <= now) why = "the expiry " + command.until + " is already past";
        else if (command.expires_at > now + std::chrono::days(settings.max_exemption_days)) {
            why = "an exemption may last at most " + std::to_string(settings.max_exemption_days) + " days under the policy";
        }
    }
    // The head as GitHub says, asked only when no webhook told the service of the pull request.
    std::string asked_head;
    if (why.empty()) {
        bool known = false;
        auto looked = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
            auto r = c.query("SELECT 1 FROM pgfence_pull_requests WHERE repository = $1 AND number = $2",
                             {ctx.repository, std::to_string(ctx.number)});
            if (!r) return db_error(c, r.error());
            known = r->rows() > 0;
            return true;
        });
        if (!looked) {
            error = looked.error().message;
            return false;
        }
        if (!known) {
            GitHubResponse pull = m_app->request("GET", "/repos/" + ctx.repository + "/pulls/" + std::to_string(ctx.number), token->second);
            if (pull.status == 200) asked_head = text_at(pull.body, {"head", "sha"}).value_or("");
        }
    }
    std::string exemption_id;
    std::string moved_from;     // an approval bound to an earlier head: the pull request's head then
    std::string approved_head;  // the head an approval is bound to
    bool unshown = false;       // refused: no decision it could approve had been posted, or the comment was withdrawn
    auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (auto locked = lock_chain(c, ctx.repository); !locked) return locked.error();
        if (auto noted = note_author(c, ctx); !noted) return noted.error();
        // Its `edited` or `deleted` came first (R87 F8): the comment as it is now grants nothing.
        if (why.empty()) {
            auto gone = withdrawn_earlier(c, ctx.repository, ctx.number, "comment_id", *comment_id);
            if (!gone) return gone.error();
            if (*gone) {
                why = "the comment was edited or deleted before it was delivered (GitHub delivers events in no set order)";
                unshown = true;
            }
        }
        if (why.empty()) {
            auto later = withdrawn_since(c, ctx.repository, ctx.number, ctx.login, github_instant(payload, {"comment", "created_at"}), exempt);
            if (!later) return later.error();
            if (*later) {
                why = std::string("they withdrew their sign-offs after this comment (their latest word counts, whenever it is delivered)");
                unshown = true;
            }
        }
        auto latest = latest_upload(c, ctx.repository, ctx.number);
        if (!latest) return latest.error();
        // The head when the comment was made (as GitHub's webhooks said, else as GitHub says now):
        // an approval binds to that head's upload only, pending until it arrives.
        std::string head;
        auto known = c.query("SELECT head_sha FROM pgfence_pull_requests WHERE repository = $1 AND number = $2",
                             {ctx.repository, std::to_string(ctx.number)});
        if (!known) return db_error(c, known.error());
        if (known->rows() > 0) head = known->value(0, 0);
        else if (is_hex(asked_head, 40)) head = asked_head;
        else if (*latest) head = (*latest)->head_sha;
        // A comment names no commit (unless `/pgfence approve SHA`): it approves what reviewers were
        // shown when it was made, the decision of the pull request's head if that had been posted,
        // else of the last head whose decision had been; never a head whose upload is pending (its
        // items were shown to nobody). When that is not the head any more, the approval covers the
        // head's items only where they are the same (serve/check.cpp), and the reply says so.
        // An exemption the same (r84): it covers what it names in the decision shown, so a head
        // whose upload was pending when it was granted is covered only where that is the same.
        const std::string pull_head = head;
        if (why.empty()) {
            auto chosen = shown_head(c, ctx.repository, ctx.number, delivery, pull_head, command.commit, exempt ? "exempt" : "approve");
            if (!chosen) return chosen.error();
            if (chosen->head.empty()) {
                why = chosen->why;
                unshown = true;
            }
            head = chosen->head;
        }
        moved_from = why.empty() && head != pull_head ? pull_head : "";
        approved_head = head;
        std::optional<std::string> content;
        json envelope;
        if (!head.empty()) {
            auto r = c.query("SELECT content_hash, envelope FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                             "AND head_sha = $3 AND response IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                             {ctx.repository, std::to_string(ctx.number), head});
            if (!r) return db_error(c, r.error());
            if (r->rows() > 0) {
                content = r->value(0, 0);
                envelope = json::parse(r->value(0, 1));
            }
        }
        if (why.empty() && head.empty()) why = "the pull request's head commit is not known yet";
        json data = {{"login", ctx.login}, {"comment_id", *comment_id}, {"delivery", delivery}, {"head_sha", head}};
        if (exempt) {
            data.update({{"rule", command.rule},
                         {"path", command.path ? json(*command.path) : json(nullptr)},
                         {"line", command.line ? json(*command.line) : json(nullptr)},
                         {"reason", command.reason},
                         {"expires_at", utc_text(command.expires_at)}});
        } else {
            data.update({{"source", "comment"}, {"reason", command.reason}});
        }
        if (!why.empty()) {
            data["why"] = why;
            auto e = append_audit(c, ctx.repository, exempt ? "exemption_refused" : "approval_refused", content, ctx.number, data);
            if (!e) return e.error();
            return true;
        }
        if (exempt) {
            // Bound to what it covers in the upload of the head it was granted on; until that
            // upload arrives it is pending (commit_sha, no scope) and applies to nothing.
            const std::string scope =
                content && envelope.is_object() ? exemption_scope(envelope, command.rule, command.path, command.line) : "";
            data["statements_sha256"] = scope.empty() ? json(nullptr) : json(scope);
            data["pending"] = scope.empty();
            if (!moved_from.empty()) data["pull_request_head"] = moved_from;
            auto r = c.query("INSERT INTO pgfence_exemptions (repository, pull_request, rule, path, line, reason, owner, expires_at, "
                             "comment_id, statements_sha256, commit_sha) VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, '')::integer, "
                             "$6, $7, to_timestamp($8::bigint), $9, NULLIF($10, ''), $11) RETURNING id",
                             {ctx.repository, std::to_string(ctx.number), command.rule, command.path.value_or(""),
                              command.line ? std::to_string(*command.line) : "", command.reason, ctx.login,
                              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                 command.expires_at.time_since_epoch()).count()),
                              comment, scope, head});
            if (!r) return db_error(c, r.error());
            exemption_id = r->value(0, 0);
            data["exemption_id"] = std::stoll(exemption_id);
            auto e = append_audit(c, ctx.repository, "exemption", content, ctx.number, data);
            if (!e) return e.error();
            if (auto bound = bind_to_event(c, "pgfence_exemptions", exemption_id, *e); !bound) return bound.error();
            // The check flips back by itself: a re-evaluation is due a second after the expiry.
            auto expiry = enqueue(c, "expire", {{"exemption_id", exemption_id}, {"repository", ctx.repository},
                                                {"pull_request", ctx.number}},
                                  utc_text(command.expires_at + std::chrono::seconds(1)));
            if (!expiry) return expiry.error();
        } else {
            data["pending"] = !content.has_value();
            if (!moved_from.empty()) data["pull_request_head"] = moved_from;
            // Given when the comment came (the delivery's receipt): it covers the uploads of its
            // head that had arrived by then, not one that came while the comment waited its turn.
            auto r = c.query("INSERT INTO pgfence_approvals (repository, pull_request, content_hash, commit_sha, login, source, "
                             "comment_id, reason, created_at) VALUES ($1, $2, NULLIF($3, ''), $4, $5, 'comment', $6, $7, "
                             "LEAST(now(), COALESCE((SELECT received_at FROM pgfence_deliveries WHERE delivery_id = $8), now()))) "
                             "RETURNING id, " + std::string(k_given_at),
                             {ctx.repository, std::to_string(ctx.number), content.value_or(""), head, ctx.login, comment,
                              command.reason, delivery});
            if (!r) return db_error(c, r.error());
            data["given_at"] = r->value(0, 1);
            auto e = append_audit(c, ctx.repository, "approval", content, ctx.number, data);
            if (!e) return e.error();
            if (auto bound = bind_to_event(c, "pgfence_approvals", r->value(0, 0), *e); !bound) return bound.error();
        }
        if (!*latest) return true;
        return enqueue_check(c, ctx.repository, ctx.number, **latest);
    });
    if (!done) {
        error = done.error().message;
        return false;
    }
    if (!why.empty()) {
        std::string text = unshown ? "pgfence governance: the " + std::string(exempt ? "exemption granted by " : "approval of ") +
                                         annotate::md_text(ctx.login) +
                                         " was not recorded: " + annotate::md_text(why) + "."
                                   : refusal_text(ctx.login, exempt ? "grant this exemption" : "sign off", why, people);
        if (exempt) {
            text += "\n\nRefused: " + annotate::md_code_span(command.rule) +
                    (command.path ? " at " + annotate::md_code_span(*command.path + (command.line ? ":" + std::to_string(*command.line) : ""))
                                  : std::string()) +
                    " until " + annotate::md_text(command.until) + ", reason: " + annotate::md_text(command.reason);
        }
        say(text);
        return true;
    }
    react("+1");
    if (!moved_from.empty()) {
        const std::string noun = exempt ? "exemption" : "approval";
        say("pgfence governance: " + annotate::md_text(ctx.login) + "'s " + noun + " is for " + annotate::md_code_span(approved_head) +
            ", the last commit whose check listed what needs sign-off when it was given. The pull request's head " +
            annotate::md_code_span(moved_from) + " had no decision then: there the " + noun +
            (exempt ? " covers what it names only where that is the same as in that commit; anything new needs a sign-off of its own."
                    : " covers only the items that are the same as in the approved commit; anything new needs a sign-off of its own."));
    }
    return true;
}

bool Service::expire_exemption(const json& payload, std::string& error, bool& give_up) {
    const std::string repository = payload.value("repository", "");
    const std::string id = payload.value("exemption_id", "");
    const std::int64_t number = payload.value("pull_request", std::int64_t{0});
    bool early = false;
    auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        // The expiry in force is its event's (store.cpp exemptions_of): a row's expires_at moved
        // later by hand does not hold back the re-evaluation due at it.
        auto r = c.query("SELECT x.rule, x.owner, LEAST(x.expires_at, (e.event::jsonb -> 'data' ->> 'expires_at')::timestamptz) <= now(), "
                         "x.expiry_recorded_at IS NOT NULL, x.path, x.line FROM pgfence_exemptions x "
                         "LEFT JOIN pgfence_audit_events e ON e.repository = x.repository AND e.seq = x.event_seq "
                         "AND e.event::jsonb ->> 'type' = 'exemption' WHERE x.id = $1 FOR UPDATE OF x",
                         {id});
        if (!r) return db_error(c, r.error());
        if (r->rows() == 0 || r->value(0, 3) == "t") return true;  // gone, or recorded already
        if (r->value(0, 2) != "t") {
            early = true;
            return true;
        }
        auto latest = latest_upload(c, repository, number);
        if (!latest) return latest.error();
        auto marked = c.query("UPDATE pgfence_exemptions SET expiry_recorded_at = now() WHERE id = $1", {id});
        if (!marked) return db_error(c, marked.error());
        auto e = append_audit(c, repository, "exemption_expired", *latest ? std::optional((*latest)->content_hash) : std::nullopt, number,
                              {{"exemption_id", std::stoll(id)}, {"rule", r->value(0, 0)}, {"owner", r->value(0, 1)},
                               {"path", r->is_null(0, 4) ? json(nullptr) : json(r->value(0, 4))},
                               {"line", r->is_null(0, 5) ? json(nullptr) : json(std::stoi(r->value(0, 5)))}});
        if (!e) return e.error();
        if (!*latest) return true;
        return enqueue_check(c, repository, number, **latest);
    });
    if (!done) {
        error = done.error().message;
        return false;
    }
    if (early) {
        error = "the exemption has not expired yet (the database's clock is behind)";
        return false;
    }
    (void)give_up;
    return true;
}

}  // namespace pgfence::serve
