#include "analyze/migrations/flyway_script_config.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// At most 80 bytes of repository text, control bytes as '?'.
std::string shown(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    return text.size() > 80 ? out + "..." : out;
}

// ConfigUtils.removeBoolean: "true" or "false" in any case, else Flyway stops with an error.
std::optional<bool> boolean(std::string_view v) {
    const std::string l = lower(v);
    if (l == "true") return true;
    if (l == "false") return false;
    return std::nullopt;
}

}  // namespace

bool flyway_script_config_name(std::string_view name) {
    return name.size() > 5 && name.ends_with(".conf") && name != "flyway.conf";
}

std::string flyway_script_config_path(std::string_view migration_path) { return std::string(migration_path) + ".conf"; }

ScriptConfig read_flyway_script_config(std::string_view path, std::string_view text, std::string_view placeholder_prefix) {
    ScriptConfig c;
    c.file = std::string(path);
    const std::string where = shown(path_name(path));
    if (text == k_unreadable_script_config) {
        c.unknown.emplace_back(1, where + " (Flyway's configuration of this script) is not a file pgfence reads: how the script runs is not known");
        return c;
    }
    // ConfigUtils.loadConfigurationFromReader: one `key=value` a line, `#` comments; a line
    // continued with a trailing backslash, or any other shape, is not read here.
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (l.empty() || l.front() == '#' || l.front() == '!') continue;
        std::size_t eq = l.find('=');
        const std::string_view key = trim(l.substr(0, eq));
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(l.substr(eq + 1));
        const std::string label = where + ":" + std::to_string(n) + " (Flyway's configuration of this script)";
        if (eq == std::string_view::npos || l.back() == '\\' || key.empty()) {
            c.unknown.emplace_back(n, label + ": the line " + shown(l) + " is not read by pgfence: how the script runs is not known");
            continue;
        }
        if (!placeholder_prefix.empty() && value.find(placeholder_prefix) != std::string_view::npos) {
            c.unknown.emplace_back(n, label + ": " + shown(key) + " holds a placeholder, replaced when Flyway runs: how the script runs is not known");
            continue;
        }
        if (key == "executeInTransaction" || key == "placeholderReplacement") {
            auto b = boolean(value);
            if (!b) {
                c.unknown.emplace_back(n, label + ": " + std::string(key) + " = " + shown(value) + " is not true or false");
            } else if (key == "executeInTransaction") {
                c.transaction = *b;
            } else {
                c.replacement = *b;
            }
        } else if (key == "encoding") {
            const std::string e = lower(value);
            if (e != "utf-8" && e != "utf8") {
                c.unknown.emplace_back(n, label + ": Flyway decodes the script as " + shown(value) + ", pgfence reads UTF-8: what it runs is not known");
            }
        } else {
            // shouldExecute (Flyway Teams: whether the script runs at all) and unrecognised keys.
            c.unknown.emplace_back(n, label + ": pgfence does not apply " + shown(key) + ": whether and how the script runs is not known");
        }
    }
    return c;
}

}  // namespace pgfence::analyze::tools
