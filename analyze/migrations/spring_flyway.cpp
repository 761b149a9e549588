#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <cctype>

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

using tool_dirs_detail::printable;

// Relaxed binding: sqlMigrationPrefix, sql-migration-prefix and sql_migration_prefix are one key.
std::string canonical(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '-' || c == '_') continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// FlywayProperties fields that change which SQL runs or how it is read, as canonical() writes them.
bool changes_sql(const std::string& k) {
    for (std::string_view p : {"placeholders.", "placeholder", "sqlmigration", "repeatablesqlmigrationprefix", "undosqlmigrationprefix",
                               "encoding", "initsqls", "scriptplaceholder", "callbacks", "javamigrations", "resolvers"}) {
        if (k.starts_with(p)) return true;
    }
    return false;
}

// A location as a folder of the project: classpath: (also no prefix, Flyway's default) is
// src/main/resources/, filesystem: the project folder the application runs in.
bool location(std::string_view v, std::vector<std::string>& folders, std::string& why) {
    v = trim(v);
    if (v.find("${") != std::string_view::npos || v.find('{') != std::string_view::npos) {
        why = "its value " + printable(v) + " is computed when the application starts";
        return false;
    }
    std::string base;
    if (v.starts_with("classpath:")) {
        v.remove_prefix(10);
        base = "src/main/resources/";
    } else if (v.starts_with("filesystem:")) {
        v.remove_prefix(11);
    } else if (v.find(':') != std::string_view::npos) {
        why = "its location " + printable(v) + " is not a folder of the repository";
        return false;
    } else {
        base = "src/main/resources/";
    }
    while (v.starts_with("/") && !base.empty()) v.remove_prefix(1);
    if (v.empty() || v.front() == '/' || v.find("..") != std::string_view::npos || v.find_first_of("*?") != std::string_view::npos) {
        why = "its location " + printable(v) + " is not a folder pgfence follows";
        return false;
    }
    folders.push_back(base + std::string(v));
    return true;
}

void add(std::vector<SpringSetting>& out, int line, std::string_view key, std::string_view value) {
    const std::string k = canonical(key);
    SpringSetting s;
    s.line = line;
    s.key = "spring.flyway." + printable(key);
    if (k == "locations") {
        std::string why;
        std::string_view rest = trim(value);
        if (rest.empty()) return;
        while (true) {
            std::size_t comma = rest.find(',');
            if (!location(rest.substr(0, comma), s.folders, why)) {
                s.folders.clear();
                s.unknown = why;
                break;
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        out.push_back(std::move(s));
    } else if (changes_sql(k)) {
        s.unknown = "Spring Boot hands it to Flyway, and pgfence does not apply it to the migrations";
        out.push_back(std::move(s));
    }
}

}  // namespace

bool spring_settings_name(std::string_view name) {
    if (!name.starts_with("application")) return false;
    return name.ends_with(".properties") || name.ends_with(".yml") || name.ends_with(".yaml");
}

std::vector<SpringSetting> spring_flyway_settings(std::string_view name, std::string_view text) {
    std::vector<SpringSetting> out;
    const bool yaml = !name.ends_with(".properties");
    // YAML: the keys above each line by indentation ("spring" > "flyway" > "locations").
    std::vector<std::pair<std::size_t, std::string>> stack;
    std::string list_key;  // a YAML key whose value is the list that follows
    std::size_t list_indent = 0;
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        const std::size_t indent = l.find_first_not_of(" \t");
        std::string_view body = indent == std::string_view::npos ? std::string_view() : l.substr(indent);
        if (!body.empty() && body.front() != '#' && body.front() != '!') {
            if (!yaml) {
                std::size_t sep = body.find_first_of("=:");
                std::string_view key = trim(body.substr(0, sep));
                if (key.starts_with("spring.flyway.") && sep != std::string_view::npos) add(out, n, key.substr(14), body.substr(sep + 1));
            } else if (body.starts_with("- ") && !list_key.empty() && indent >= list_indent) {
                add(out, n, list_key, trim(body.substr(2)));
            } else if (body != "---") {
                list_key.clear();
                while (!stack.empty() && stack.back().first >= indent) stack.pop_back();
                std::size_t colon = body.find(':');
                if (colon != std::string_view::npos) {
                    std::string key(trim(body.substr(0, colon)));
                    std::string path;
                    for (const auto& [i, k] : stack) path += k + ".";
                    path += key;
                    std::string_view value = trim(body.substr(colon + 1));
                    if (std::size_t hash = value.find(" #"); hash != std::string_view::npos) value = trim(value.substr(0, hash));
                    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
                        value = value.substr(1, value.size() - 2);
                    }
                    if (path.starts_with("spring.flyway.")) {
                        if (value.empty()) {
                            list_key = path.substr(14);
                            list_indent = indent;
                            if (changes_sql(canonical(list_key))) add(out, n, list_key, "");
                        } else {
                            add(out, n, path.substr(14), value);
                        }
                    }
                    if (value.empty()) stack.emplace_back(indent, key);
                }
            }
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
