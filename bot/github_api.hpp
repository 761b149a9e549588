#pragma once
// Typed GitHub operations the bot uses, one function per REST operation (the operationIds in
// shared/schemas/github/). Each returns its failure as a GitHubError; callers keep the report either way.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/github_client.hpp"

namespace pgfence::bot::github {

// "owner/name" split and checked; an error (status 0) when it is not that shape.
struct Repo {
    std::string owner;
    std::string name;
};
[[nodiscard]] Result<Repo> parse_repo(std::string_view full_name);

// checks/create; body as the API takes it (name, head_sha, status, output...). Returns the id.
[[nodiscard]] Result<std::int64_t> create_check_run(Client& client, std::string_view repo, const nlohmann::json& body);
// checks/update
[[nodiscard]] Status update_check_run(Client& client, std::string_view repo, std::int64_t check_run_id, const nlohmann::json& body);

// issues/list-comments, every page.
[[nodiscard]] Result<std::vector<nlohmann::json>> list_issue_comments(Client& client, std::string_view repo, int number);
// issues/create-comment; returns the comment id. Replay::only_if_unsent never risks a duplicate.
[[nodiscard]] Result<std::int64_t> create_issue_comment(Client& client, std::string_view repo, int number, const std::string& body,
                                  Replay replay = Replay::allowed);
// issues/update-comment
[[nodiscard]] Status update_issue_comment(Client& client, std::string_view repo, std::int64_t comment_id, const std::string& body);

// pulls/get
[[nodiscard]] Result<nlohmann::json> get_pull_request(Client& client, std::string_view repo, int number);
// pulls/list-files, every page (GitHub stops at 3000 files).
[[nodiscard]] Result<std::vector<nlohmann::json>> list_pull_request_files(Client& client, std::string_view repo, int number);

// pulls/list-review-comments, every page: the comments on the pull request's diff.
[[nodiscard]] Result<std::vector<nlohmann::json>> list_review_comments(Client& client, std::string_view repo, int number);
// pulls/create-review; body as the API takes it (commit_id, event, body, comments). Returns the
// review id. Sent only_if_unsent: a review may not be blindly posted twice.
[[nodiscard]] Result<std::int64_t> create_review(Client& client, std::string_view repo, int number, const nlohmann::json& body);

// code-scanning/upload-sarif: gzips and base64-encodes the SARIF text; returns GitHub's upload id.
[[nodiscard]] Result<std::string> upload_sarif(Client& client, std::string_view repo, const std::string& commit_sha, const std::string& ref,
                         const std::string& sarif_text);

// Whose comments are pgfence's own: the identity the token writes as. Anyone can write the
// marker into a comment of their own, so only comments by this author are ever edited.
struct Author {
    std::string login;
    std::optional<std::int64_t> id;  // unknown for the Actions bot (it differs on GHES)
};
// The Actions GITHUB_TOKEN's comments are authored by this login.
inline constexpr std::string_view k_actions_bot_login = "github-actions[bot]";

// users/get-authenticated for a user token; an installation token (Actions' GITHUB_TOKEN)
// is refused /user with 403, and writes as github-actions[bot]. Other failures are errors.
[[nodiscard]] Result<Author> token_author(Client& client);
// Whether `comment` (an issue comment as the API returns it) was written by `author`.
[[nodiscard]] bool authored_by(const nlohmann::json& comment, const Author& author);

// The first comment of `author` containing `marker`, if any.
[[nodiscard]] Result<std::optional<nlohmann::json>> find_marked_comment(Client& client, std::string_view repo, int number,
                                                                const std::string& marker, const Author& author);

// The one comment per pull request that pgfence keeps up to date: the first comment of
// `author` containing marker (an HTML comment, invisible when rendered) is edited, else one
// is created; a marked comment by anyone else is left alone. The marker
// is prepended to body when body lacks it, so the next run finds the comment again. A create
// that fails where GitHub may have done it anyway is never blindly repeated: the comments are
// listed again first.
struct StickyComment {
    std::int64_t id = 0;
    bool created = false;
};
[[nodiscard]] Result<StickyComment> upsert_sticky_comment(Client& client, std::string_view repo, int number, const std::string& marker,
                                    const std::string& body, const Author& author);
// The same, with the body made from the comment it replaces (its text, or null when there is
// none): the comment carries what the next one compares with. `create` false: only an
// existing comment is brought up to date (id 0 when there is none).
[[nodiscard]] Result<StickyComment> upsert_sticky_comment(Client& client, std::string_view repo, int number, const std::string& marker,
                                    const std::function<std::string(const std::string* previous)>& make_body,
                                    const Author& author, bool create = true);

// gzip (RFC 1952) then base64 (RFC 4648), as upload-sarif wants it.
[[nodiscard]] Result<std::string> gzip_base64(std::string_view data);

}  // namespace pgfence::bot::github
