#include "bot/github_api.hpp"

#include <functional>

#include <algorithm>
#include <cctype>
#include <optional>

#include <zlib.h>

namespace pgfence::bot::github {
namespace {

// code-scanning rejects uploads above 10 MB gzip-compressed; say so before sending.
constexpr size_t k_max_sarif_gzip_bytes = 10 * 1000 * 1000;

Result<std::string> repo_path(std::string_view full_name) {
    Result<Repo> repo = parse_repo(full_name);
    if (!repo) return repo.error();
    return "/repos/" + repo->owner + "/" + repo->name;
}

Result<std::int64_t> id_of(const Result<Response>& response, std::string_view what) {
    if (!response) return response.error();
    auto data = response->json();
    if (!data) return data.error();
    if (!data->is_object() || !data->contains("id") || !(*data)["id"].is_number_integer())
        return GitHubError(response->status, "GitHub API " + std::string(what) + " answered without an id");
    return (*data)["id"].get<std::int64_t>();
}

Status done_or_error(const Result<Response>& response) {
    if (!response) return response.error();
    return analyze::Done{};
}

std::string base64(std::string_view bytes) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
        out += k_alphabet[n & 63];
    }
    if (size_t rest = bytes.size() - i; rest > 0) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

Result<std::string> gzip(std::string_view data) {
    z_stream stream{};
    // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a zlib one.
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return GitHubError(0, "cannot start gzip compression");
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) return GitHubError(0, "gzip compression of the SARIF failed");
    return out;
}

}  // namespace

Result<Repo> parse_repo(std::string_view full_name) {
    auto slash = full_name.find('/');
    auto valid = [](std::string_view part) {
        return !part.empty() && part != "." && part != ".." && std::all_of(part.begin(), part.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '-' || c == '_' || c == '.';
        });
    };
    if (slash == std::string_view::npos || !valid(full_name.substr(0, slash)) || !valid(full_name.substr(slash + 1)))
        return GitHubError(0, "invalid repository '" + std::string(full_name) + "' (expected owner/name)");
    return Repo{std::string(full_name.substr(0, slash)), std::string(full_name.substr(slash + 1))};
}

Result<std::int64_t> create_check_run(Client& client, std::string_view repo, const nlohmann::json& body) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return id_of(client.request("POST", *path + "/check-runs", &body), "checks/create");
}

Status update_check_run(Client& client, std::string_view repo, std::int64_t check_run_id, const nlohmann::json& body) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return done_or_error(client.request("PATCH", *path + "/check-runs/" + std::to_string(check_run_id), &body));
}

Result<std::vector<nlohmann::json>> list_issue_comments(Client& client, std::string_view repo, int number) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return client.get_all(*path + "/issues/" + std::to_string(number) + "/comments");
}

Result<std::int64_t> create_issue_comment(Client& client, std::string_view repo, int number, const std::string& body,
                                          Replay replay) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    nlohmann::json payload{{"body", body}};
    return id_of(client.request("POST", *path + "/issues/" + std::to_string(number) + "/comments", &payload, replay),
                 "issues/create-comment");
}

Status update_issue_comment(Client& client, std::string_view repo, std::int64_t comment_id, const std::string& body) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    nlohmann::json payload{{"body", body}};
    return done_or_error(client.request("PATCH", *path + "/issues/comments/" + std::to_string(comment_id), &payload));
}

Result<nlohmann::json> get_pull_request(Client& client, std::string_view repo, int number) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    auto response = client.request("GET", *path + "/pulls/" + std::to_string(number), nullptr);
    if (!response) return response.error();
    return response->json();
}

Result<std::vector<nlohmann::json>> list_pull_request_files(Client& client, std::string_view repo, int number) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return client.get_all(*path + "/pulls/" + std::to_string(number) + "/files");
}

Result<std::vector<nlohmann::json>> list_review_comments(Client& client, std::string_view repo, int number) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return client.get_all(*path + "/pulls/" + std::to_string(number) + "/comments");
}

Result<std::int64_t> create_review(Client& client, std::string_view repo, int number, const nlohmann::json& body) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    return id_of(client.request("POST", *path + "/pulls/" + std::to_string(number) + "/reviews", &body, Replay::only_if_unsent),
                 "pulls/create-review");
}

Result<std::string> upload_sarif(Client& client, std::string_view repo, const std::string& commit_sha,
                                 const std::string& ref, const std::string& sarif_text) {
    auto path = repo_path(repo);
    if (!path) return path.error();
    auto compressed = gzip(sarif_text);
    if (!compressed) return compressed.error();
    if (compressed->size() > k_max_sarif_gzip_bytes)
        return GitHubError(0, "SARIF is " + std::to_string(compressed->size()) +
                                  " bytes gzip-compressed; code scanning accepts at most 10 MB");
    nlohmann::json payload{{"commit_sha", commit_sha}, {"ref", ref}, {"sarif", base64(*compressed)}, {"tool_name", "pgfence"}};
    auto response = client.request("POST", *path + "/code-scanning/sarifs", &payload);
    if (!response) return response.error();
    auto data = response->json();
    if (!data) return data.error();
    return data->is_object() && data->contains("id") && (*data)["id"].is_string() ? (*data)["id"].get<std::string>()
                                                                                 : std::string();
}

Result<Author> token_author(Client& client) {
    auto response = client.request("GET", "/user", nullptr);
    // An installation token is refused /user: it writes as the Actions bot.
    if (!response && response.error().status() == 403) return Author{std::string(k_actions_bot_login), std::nullopt};
    if (!response) return response.error();
    auto user = response->json();
    if (!user) return user.error();
    if (!user->is_object() || !user->contains("login") || !(*user)["login"].is_string() ||
        (*user)["login"].get<std::string>().empty())
        return GitHubError(200, "GitHub API GET /user answered without a login");
    Author author{(*user)["login"].get<std::string>(), std::nullopt};
    if (user->contains("id") && (*user)["id"].is_number_integer()) author.id = (*user)["id"].get<std::int64_t>();
    return author;
}

bool authored_by(const nlohmann::json& comment, const Author& author) {
    if (!comment.is_object() || !comment.contains("user") || !comment["user"].is_object()) return false;
    const auto& user = comment["user"];
    if (!user.contains("login") || !user["login"].is_string() || user["login"].get<std::string>() != author.login) return false;
    if (!author.id) return true;
    return user.contains("id") && user["id"].is_number_integer() && user["id"].get<std::int64_t>() == *author.id;
}

Result<std::optional<nlohmann::json>> find_marked_comment(Client& client, std::string_view repo, int number,
                                                          const std::string& marker, const Author& author) {
    auto comments = list_issue_comments(client, repo, number);
    if (!comments) return comments.error();
    for (auto& comment : *comments) {
        if (!comment.contains("body") || !comment["body"].is_string()) continue;
        if (!comment.contains("id") || !comment["id"].is_number_integer()) continue;
        if (!authored_by(comment, author)) continue;
        if (comment["body"].get<std::string>().find(marker) != std::string::npos) {
            return std::optional<nlohmann::json>(std::move(comment));
        }
    }
    return std::optional<nlohmann::json>();
}

Result<StickyComment> upsert_sticky_comment(Client& client, std::string_view repo, int number, const std::string& marker,
                                            const std::string& body, const Author& author) {
    return upsert_sticky_comment(client, repo, number, marker, [&](const std::string*) { return body; }, author);
}

Result<StickyComment> upsert_sticky_comment(Client& client, std::string_view repo, int number, const std::string& marker,
                                            const std::function<std::string(const std::string* previous)>& make_body,
                                            const Author& author, bool create) {
    auto with_marker = [&](std::string body) { return body.find(marker) == std::string::npos ? marker + "\n" + body : body; };
    auto refresh = [&](const nlohmann::json& comment, bool created, const std::string& text) -> Result<StickyComment> {
        auto id = comment["id"].get<std::int64_t>();
        if (comment["body"].get<std::string>() != text) {
            Status updated = update_issue_comment(client, repo, id, text);
            if (!updated) return updated.error();
        }
        return StickyComment{id, created};
    };

    auto existing = find_marked_comment(client, repo, number, marker, author);
    if (!existing) return existing.error();
    if (*existing) {
        const nlohmann::json& comment = **existing;
        const auto* previous = comment["body"].get_ptr<const std::string*>();
        return refresh(comment, false, with_marker(make_body(previous)));
    }
    if (!create) return StickyComment{};
    const std::string text = with_marker(make_body(nullptr));
    for (int attempt = 1;; ++attempt) {
        auto id = create_issue_comment(client, repo, number, text, Replay::only_if_unsent);
        if (id) return StickyComment{*id, true};
        if (!id.error().maybe_applied() || attempt >= client.options().max_attempts) return id.error();
        // None existed before, so a marked comment now is the one that failed to confirm.
        auto appeared = find_marked_comment(client, repo, number, marker, author);
        if (!appeared) return appeared.error();
        if (*appeared) return refresh(**appeared, true, text);
    }
}

Result<std::string> gzip_base64(std::string_view data) {
    auto compressed = gzip(data);
    if (!compressed) return compressed.error();
    return base64(*compressed);
}

}  // namespace pgfence::bot::github
