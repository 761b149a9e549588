#include "stats/conninfo.hpp"

#include <algorithm>
#include <cctype>

namespace pgfence::stats {
namespace {

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Where a URL's password sits: [begin, end) inside the userinfo, or npos.
std::pair<std::size_t, std::size_t> url_password(std::string_view url) {
    std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {std::string_view::npos, 0};
    std::size_t start = scheme + 3;
    // The last '@' of the whole URL ends the userinfo: a password may hold '@', '/', '?' or '#'
    // unencoded, and hiding too much (an '@' in a query parameter) is better than showing it.
    std::size_t at = url.rfind('@');
    if (at == std::string_view::npos || at < start) return {std::string_view::npos, 0};
    std::size_t colon = url.find(':', start);
    if (colon == std::string_view::npos || colon > at) return {std::string_view::npos, 0};
    return {colon + 1, at};
}

// Spans of "password=value" values: URL query parameters or key=value pairs.
std::vector<std::pair<std::size_t, std::size_t>> keyword_passwords(std::string_view s) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t at = s.find("password"); at != std::string_view::npos; at = s.find("password", at + 1)) {
        bool starts_word = at == 0 || s[at - 1] == ' ' || s[at - 1] == '?' || s[at - 1] == '&' || s[at - 1] == '\t';
        std::size_t p = at + 8;
        while (p < s.size() && s[p] == ' ') ++p;
        if (!starts_word || p >= s.size() || s[p] != '=') continue;
        ++p;
        while (p < s.size() && s[p] == ' ') ++p;
        std::size_t end = p;
        if (p < s.size() && s[p] == '\'') {
            end = p + 1;
            while (end < s.size() && s[end] != '\'') end += s[end] == '\\' ? 2 : 1;
            end = std::min(end + 1, s.size());
        } else {
            while (end < s.size() && s[end] != ' ' && s[end] != '&' && s[end] != '\t') ++end;
        }
        out.emplace_back(p, end);
    }
    return out;
}

}  // namespace

bool userinfo_needs_encoding(std::string_view conninfo) {
    if (!is_url(conninfo)) return false;
    std::size_t start = conninfo.find("://") + 3;
    std::size_t at = conninfo.rfind('@');
    if (at == std::string_view::npos || at < start) return false;
    return conninfo.substr(start, at - start).find_first_of("/?#") != std::string_view::npos;
}

bool is_url(std::string_view c) { return c.starts_with("postgresql://") || c.starts_with("postgres://"); }

std::string redact_conninfo(std::string_view conninfo) {
    // Neither form: there is no telling where a password would be, so none of it is shown.
    if (!is_url(conninfo) && conninfo.find('=') == std::string_view::npos) return "(unreadable connection string)";
    std::string out(conninfo);
    std::vector<std::pair<std::size_t, std::size_t>> spans = keyword_passwords(conninfo);
    if (is_url(conninfo)) {
        auto [b, e] = url_password(conninfo);
        if (b != std::string_view::npos) spans.emplace_back(b, e);
    }
    // Replace from the back so earlier offsets stay valid.
    std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto [b, e] : spans) out.replace(b, e - b, "***");
    return out;
}

std::vector<std::string> passwords_in(std::string_view conninfo) {
    std::vector<std::string> out;
    auto add = [&](std::string_view raw) {
        std::string value(raw);
        if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
        if (value.empty()) return;
        out.push_back(value);
        std::string decoded = percent_decode(value);
        if (decoded != value) out.push_back(decoded);
    };
    if (is_url(conninfo)) {
        auto [b, e] = url_password(conninfo);
        if (b != std::string_view::npos) add(conninfo.substr(b, e - b));
    }
    for (auto [b, e] : keyword_passwords(conninfo)) add(conninfo.substr(b, e - b));
    return out;
}

std::string scrub(std::string message, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (std::size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3)) {
            message.replace(at, secret.size(), "***");
        }
    }
    return message;
}

}  // namespace pgfence::stats
