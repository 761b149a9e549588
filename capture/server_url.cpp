#include "capture/server_url.hpp"

#include <cctype>
#include <cstdlib>

namespace pgfence::capture {
namespace {

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<int> port_of(const std::string& s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    int p = std::stoi(s);
    if (p < 1 || p > 65535) return std::nullopt;
    return p;
}

}  // namespace

std::optional<Upstream> upstream_of(const std::string& url) {
    std::string host, port;
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        std::string_view rest(url);
        rest.remove_prefix(rest.find("://") + 3);
        const std::size_t end = rest.find_first_of("/?");
        std::string_view authority = rest.substr(0, end);
        std::string_view query = end != std::string_view::npos && rest[end] == '?' ? rest.substr(end + 1)
                                 : rest.find('?') != std::string_view::npos    ? rest.substr(rest.find('?') + 1)
                                                                               : std::string_view{};
        if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
        authority = authority.substr(0, authority.find(','));  // the first of several hosts
        if (authority.starts_with('[')) {
            const std::size_t close = authority.find(']');
            if (close == std::string_view::npos) return std::nullopt;
            host = std::string(authority.substr(1, close - 1));
            authority.remove_prefix(close + 1);
            if (authority.starts_with(':')) port = std::string(authority.substr(1));
        } else {
            const std::size_t colon = authority.find(':');
            host = percent_decoded(authority.substr(0, colon));
            if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
        }
        while (!query.empty()) {
            std::string_view pair = query.substr(0, query.find('&'));
            query.remove_prefix(std::min(query.size(), pair.size() + 1));
            const std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            const std::string_view key = pair.substr(0, eq);
            const std::string value = percent_decoded(pair.substr(eq + 1));
            if (key == "host") host = value.substr(0, value.find(','));
            else if (key == "port") port = value.substr(0, value.find(','));
            else if (key == "hostaddr") host = value;
        }
    } else {
        // key=value pairs, values optionally single-quoted with backslash escapes.
        std::size_t i = 0;
        std::string hostaddr;
        while (i < url.size()) {
            while (i < url.size() && std::isspace(static_cast<unsigned char>(url[i]))) ++i;
            std::size_t eq = url.find('=', i);
            if (eq == std::string::npos) break;
            std::string key = url.substr(i, eq - i);
            while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
            i = eq + 1;
            while (i < url.size() && std::isspace(static_cast<unsigned char>(url[i]))) ++i;
            std::string value;
            if (i < url.size() && url[i] == '\'') {
                for (++i; i < url.size() && url[i] != '\''; ++i) {
                    if (url[i] == '\\' && i + 1 < url.size()) ++i;
                    value += url[i];
                }
                ++i;
            } else {
                while (i < url.size() && !std::isspace(static_cast<unsigned char>(url[i]))) value += url[i++];
            }
            if (key == "host") host = value.substr(0, value.find(','));
            else if (key == "port") port = value.substr(0, value.find(','));
            else if (key == "hostaddr") hostaddr = value;
        }
        if (!hostaddr.empty()) host = hostaddr;
    }
    Upstream up;
    const char* env_host = std::getenv("PGHOST");
    const char* env_port = std::getenv("PGPORT");
    up.host = !host.empty() ? host : env_host != nullptr && *env_host ? std::string(env_host) : "/var/run/postgresql";
    if (port.empty() && env_port != nullptr) port = env_port;
    if (port.empty()) {
        up.port = 5432;
    } else if (auto p = port_of(port)) {
        up.port = *p;
    } else {
        return std::nullopt;
    }
    return up;
}

}  // namespace pgfence::capture
