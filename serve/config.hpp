#pragma once
// governance.toml: where the service listens, its GitHub App, its database, and the policy
// (the [policy] and [repositories."OWNER/NAME"] tables, read by governance/). Secrets may come
// from the environment instead of the file: PGFENCE_WEBHOOK_SECRET, PGFENCE_APP_PRIVATE_KEY (the
// PEM itself), PGFENCE_DATABASE_URL, PGFENCE_OAUTH_CLIENT_SECRET; the environment wins.
#include <cstddef>
#include <optional>
#include <string>

#include "analyze/base/error.hpp"

namespace pgfence::serve {

struct Config {
    std::string path;                 // the file read ("" when none)
    std::string host = "127.0.0.1";   // listen = "HOST:PORT"
    int port = 8080;
    std::string public_url;           // the service as GitHub users reach it: details_url, links
    std::string webhook_secret;
    std::string app_id;
    std::string private_key_pem;      // read from private_key_path or PGFENCE_APP_PRIVATE_KEY
    std::string database_url;         // empty: the embedded PostgreSQL in data_dir
    std::string data_dir = "pgfence-data";
    std::string github_api_url = "https://api.github.com";
    std::string tls_cert;             // both set: HTTPS; neither: plain HTTP (behind a proxy)
    std::string tls_key;
    std::size_t max_upload_bytes = 8 * 1024 * 1024;
    int workers = 2;                  // threads that post checks from the queue
    std::string policy_toml;          // the file's text, for governance::parse_policy
    // The organisation's policy file in a repository the App is installed on (e.g. acme/.github),
    // read instead of the [policy] tables above, at most every five minutes.
    std::string policy_repository;
    std::string policy_path = ".github/pgfence-policy.toml";
    // How long an answer of GitHub's about who may approve (team membership, collaborator
    // permission) is reused: a member removed from the team stops counting after at most this.
    int membership_cache_seconds = 60;
    // The page (`GET /`): members of `organization` sign in with GitHub OAuth, as the App's
    // OAuth client (its client id and secret, PGFENCE_OAUTH_CLIENT_SECRET in the environment).
    // All three set (with public_url, where GitHub sends the browser back): the page is on.
    std::string oauth_client_id;
    std::string oauth_client_secret;
    std::string organization;
    std::string github_url = "https://github.com";  // where users sign in (a GHES host's own URL)

    [[nodiscard]] bool page_enabled() const { return !oauth_client_id.empty(); }
};

// Reads FILE (or nothing when `path` is empty), then the environment. Errors name the file and line.
[[nodiscard]] analyze::Result<Config> load_config(const std::string& path);

}  // namespace pgfence::serve
