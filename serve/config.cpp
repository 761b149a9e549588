#include "serve/config.hpp"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace pgfence::serve {
namespace {

analyze::Error at(const std::string& path, const toml::node& node, const std::string& what) {
    return analyze::Error{path + ":" + std::to_string(node.source().begin.line) + ": " + what, "", std::nullopt};
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

}  // namespace

analyze::Result<Config> load_config(const std::string& path) {
    Config config;
    config.path = path;
    std::string key_path;
    if (!path.empty()) {
        auto text = read_file(path);
        if (!text) return analyze::Error{path + ": cannot be read", "", std::nullopt};
        toml::table table;
        try {
            table = toml::parse(*text, path);
        } catch (const toml::parse_error& e) {
            return analyze::Error{path + ":" + std::to_string(e.source().begin.line) + ": " +
                                      std::string(e.description()),
                                  "", std::nullopt};
        }
        config.policy_toml = *text;
        static const std::set<std::string> k_tables = {"policy", "repositories"};
        for (const auto& [key, node] : table) {
            const std::string name(key.str());
            if (k_tables.contains(name)) continue;  // governance/ reads them
            auto string_value = [&](std::string& out) -> analyze::Status {
                if (!node.is_string()) return at(path, node, name + " must be a string");
                out = node.as_string()->get();
                return analyze::Done{};
            };
            analyze::Status s = analyze::Done{};
            if (name == "listen") {
                std::string listen;
                s = string_value(listen);
                if (s) {
                    auto colon = listen.rfind(':');
                    int port = 0;
                    try {
                        port = colon == std::string::npos ? 0 : std::stoi(listen.substr(colon + 1));
                    } catch (...) {
                        port = 0;
                    }
                    if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
                        return at(path, node, "listen must be \"HOST:PORT\", e.g. \"127.0.0.1:8080\"");
                    }
                    config.host = listen.substr(0, colon);
                    config.port = port;
                }
            } else if (name == "public_url") {
                s = string_value(config.public_url);
            } else if (name == "webhook_secret") {
                s = string_value(config.webhook_secret);
            } else if (name == "app_id") {
                if (node.is_integer()) config.app_id = std::to_string(node.as_integer()->get());
                else s = string_value(config.app_id);
            } else if (name == "private_key_path") {
                s = string_value(key_path);
            } else if (name == "database_url") {
                s = string_value(config.database_url);
            } else if (name == "data_dir") {
                s = string_value(config.data_dir);
            } else if (name == "github_api_url") {
                s = string_value(config.github_api_url);
            } else if (name == "policy_repository") {
                s = string_value(config.policy_repository);
                if (s && config.policy_repository.find('/') == std::string::npos) {
                    return at(path, node, "policy_repository must be OWNER/NAME, e.g. \"acme/.github\"");
                }
            } else if (name == "policy_path") {
                s = string_value(config.policy_path);
            } else if (name == "oauth_client_id") {
                s = string_value(config.oauth_client_id);
            } else if (name == "oauth_client_secret") {
                s = string_value(config.oauth_client_secret);
            } else if (name == "organization") {
                s = string_value(config.organization);
                static const std::regex k_login(R"(^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$)");
                if (s && !std::regex_match(config.organization, k_login)) {
                    return at(path, node, "organization must be a GitHub organisation's login, e.g. \"acme\"");
                }
            } else if (name == "github_url") {
                s = string_value(config.github_url);
            } else if (name == "tls_cert") {
                s = string_value(config.tls_cert);
            } else if (name == "tls_key") {
                s = string_value(config.tls_key);
            } else if (name == "max_upload_bytes" || name == "workers") {
                if (!node.is_integer() || node.as_integer()->get() < 1) return at(path, node, name + " must be a positive integer");
                if (name == "workers") config.workers = static_cast<int>(node.as_integer()->get());
                else config.max_upload_bytes = static_cast<std::size_t>(node.as_integer()->get());
            } else if (name == "membership_cache_seconds") {
                if (!node.is_integer() || node.as_integer()->get() < 0 || node.as_integer()->get() > 600) {
                    return at(path, node, name + " must be a whole number of seconds from 0 to 600");
                }
                config.membership_cache_seconds = static_cast<int>(node.as_integer()->get());
            } else {
                return at(path, node,
                          "unknown key " + name +
                              " (expected listen, public_url, webhook_secret, app_id, private_key_path, database_url, "
                              "data_dir, github_api_url, github_url, policy_repository, policy_path, oauth_client_id, oauth_client_secret, "
                              "organization, tls_cert, tls_key, max_upload_bytes, workers, membership_cache_seconds, [policy], "
                              "[repositories.\"OWNER/NAME\"])");
            }
            if (!s) return s.error();
        }
    }
    if (auto v = env("PGFENCE_WEBHOOK_SECRET"); !v.empty()) config.webhook_secret = v;
    if (auto v = env("PGFENCE_APP_ID"); !v.empty()) config.app_id = v;
    if (auto v = env("PGFENCE_DATABASE_URL"); !v.empty()) config.database_url = v;
    if (auto v = env("PGFENCE_APP_PRIVATE_KEY"); !v.empty()) {
        config.private_key_pem = v;
    } else if (!key_path.empty()) {
        auto pem = read_file(key_path);
        if (!pem) return analyze::Error{path + ": private_key_path " + key_path + " cannot be read", "", std::nullopt};
        config.private_key_pem = *pem;
    }
    if (auto v = env("PGFENCE_OAUTH_CLIENT_SECRET"); !v.empty()) config.oauth_client_secret = v;
    const bool any_oauth = !config.oauth_client_id.empty() || !config.oauth_client_secret.empty() || !config.organization.empty();
    if (any_oauth && (config.oauth_client_id.empty() || config.oauth_client_secret.empty() || config.organization.empty() ||
                      config.public_url.empty())) {
        return analyze::Error{path + ": the page needs oauth_client_id, oauth_client_secret (or PGFENCE_OAUTH_CLIENT_SECRET), "
                                     "organization and public_url together",
                              "", std::nullopt};
    }
    if (config.tls_cert.empty() != config.tls_key.empty()) {
        return analyze::Error{path + ": tls_cert and tls_key go together (neither: plain HTTP behind a proxy)", "",
                              std::nullopt};
    }
    return config;
}

}  // namespace pgfence::serve
