#include "analyze/migrations/sequelize_rc.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <vector>

#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ',')) s.remove_suffix(1);
    return s;
}

// One plain string literal ('x' or "x", no escape): its text.
std::optional<std::string> literal(std::string_view v) {
    v = trim(v);
    if (v.size() < 2 || (v.front() != '\'' && v.front() != '"') || v.back() != v.front()) return std::nullopt;
    std::string_view inner = v.substr(1, v.size() - 2);
    if (inner.find_first_of("\\'\"") != std::string_view::npos) return std::nullopt;
    return std::string(inner);
}

// `path.resolve(a, b)` / `path.join(a, b)` with literals, __dirname or process.cwd() (both the
// .sequelizerc's folder when the CLI runs there): the joined path; none when anything is computed.
std::optional<std::string> folded(std::string_view v) {
    v = trim(v);
    if (auto lit = literal(v)) return lit;
    for (std::string_view call : {"path.resolve(", "path.join("}) {
        if (!v.starts_with(call) || !v.ends_with(")")) continue;
        std::string_view args = v.substr(call.size(), v.size() - call.size() - 1);
        if (args.find_first_of("()") != std::string_view::npos && args.find("process.cwd()") == std::string_view::npos) return std::nullopt;
        std::string out;
        bool first = true;
        while (true) {
            std::size_t comma = args.find(',');
            std::string_view arg = trim(args.substr(0, comma));
            if (first && (arg == "__dirname" || arg == "process.cwd()")) {
                // the .sequelizerc's folder
            } else if (auto lit = literal(arg)) {
                if (lit->empty() || lit->front() == '/') return std::nullopt;
                out += (out.empty() ? "" : "/") + *lit;
            } else {
                return std::nullopt;
            }
            first = false;
            if (comma == std::string_view::npos) break;
            args.remove_prefix(comma + 1);
        }
        return out.empty() ? std::string(".") : out;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> fold_path_expression(std::string_view expr) { return folded(expr); }

namespace {

// Each `key: value` of the file for one of `keys` (as written: quoted or bare), and each
// `x.key = value` / `x['key'] = value`, by the script lexer's tokens (orm/js_lexer.hpp): keys
// as JavaScript reads them (`'migrations\x2dpath'`, `['migrations-path']:`, a comment before
// the colon), none inside a comment or a string. A line reader of its own missed all of these,
// and sequelize-cli ran a folder pgfence never listed.
std::vector<RcPath> rc_values(std::string_view text, std::initializer_list<std::string_view> keys) {
    std::vector<RcPath> out;
    std::vector<std::string> names;
    for (std::string_view k : keys) {
        if (k.size() >= 2 && (k.front() == '\'' || k.front() == '"') && k.back() == k.front()) k = k.substr(1, k.size() - 2);
        names.emplace_back(k);
    }
    std::vector<orm::Token> t = orm::lex_js(text);
    if (!t.empty() && !t.back().unreadable.empty()) t.pop_back();  // the settings readers report the stop
    const auto punct = [&](std::size_t i, std::string_view p) { return tool_dirs_detail::punct_at(t, i, p); };
    const auto name_of = [&](std::size_t i) -> std::optional<std::string> {
        if (i >= t.size()) return std::nullopt;
        if (t[i].kind == orm::TokenKind::Ident) return t[i].text;
        return tool_dirs_detail::literal_of(t[i]);
    };
    const tool_dirs_detail::Lines lines(text);
    for (std::size_t i = 0; i < t.size(); ++i) {
        // The key as a member anywhere but `x.key = value` (`x['key'] += '/../x'`, `x.key.concat(...)`,
        // `x.key[0]`): sequelize-cli reads the value after it, not the literal's (red team R82a B1).
        std::size_t member = 0, after = 0;
        if ((punct(i, ".") || punct(i, "?.")) && i + 1 < t.size() && t[i + 1].kind == orm::TokenKind::Ident) {
            member = i + 1;
            after = i + 2;
        } else if (punct(i, "[") && punct(i + 2, "]") && i > 0 && t[i + 1].kind != orm::TokenKind::Ident &&
                   ((t[i - 1].kind == orm::TokenKind::Ident && t[i - 1].text != "return") || punct(i - 1, ")") || punct(i - 1, "]"))) {
            member = i + 1;
            after = i + 3;
        }
        if (member != 0) {
            std::optional<std::string> name = name_of(member);
            // (A call `x.config(...)` is another object's method, dotenv's: the key's value, a path,
            // is no function, and calling it would stop the tool.)
            // (A comparison reads the value and changes nothing.)
            const bool compared = punct(after, "==") || punct(after, "===") || punct(after, "!=") || punct(after, "!==");
            if (name && std::find(names.begin(), names.end(), *name) != names.end() && !(punct(after, "=") && !punct(after + 1, "=")) &&
                !punct(after, "(") && !compared) {
                std::size_t end = after;
                while (end < t.size() && end < after + 64 && !punct(end, ";") && lines.at(t[end].begin) == lines.at(t[i].begin)) ++end;
                const std::size_t last = end > after ? end - 1 : after - 1;
                out.push_back(RcPath{lines.at(t[i].begin), std::nullopt,
                                     "a later use of the key: " + std::string(trim(text.substr(t[i].begin, std::min<std::size_t>(t[last].end - t[i].begin, 200))))});
                continue;
            }
        }
        std::optional<std::string> name;
        std::size_t value = 0;
        if ((t[i].kind == orm::TokenKind::String || t[i].kind == orm::TokenKind::Ident) && punct(i + 1, ":")) {
            name = name_of(i);  // key: value
            value = i + 2;
        } else if (punct(i, "[") && punct(i + 2, "]") && (punct(i + 3, ":") || punct(i + 3, "="))) {
            name = name_of(i + 1);  // ['key']: value, x['key'] = value
            if (name && t[i + 1].kind == orm::TokenKind::Ident) name.reset();  // [k]: a variable's value
            value = i + 4;
        } else if (punct(i, ".") && i + 1 < t.size() && t[i + 1].kind == orm::TokenKind::Ident && punct(i + 2, "=")) {
            name = t[i + 1].text;  // exports.key = value
            value = i + 3;
        }
        if (!name || std::find(names.begin(), names.end(), *name) == names.end() || value >= t.size()) continue;
        // The value ends at a comma, semicolon or closing bracket outside brackets.
        std::size_t end = value;
        for (int depth = 0; end < t.size(); ++end) {
            if (t[end].kind != orm::TokenKind::Punct) continue;
            const std::string& p = t[end].text;
            if (p == "(" || p == "[" || p == "{") ++depth;
            else if (p == ")" || p == "]" || p == "}") {
                if (depth == 0) break;
                --depth;
            } else if ((p == "," || p == ";") && depth == 0) {
                break;
            }
        }
        if (end == value) continue;
        const std::string_view expr = trim(text.substr(t[value].begin, t[end - 1].end - t[value].begin));
        out.push_back(RcPath{lines.at(t[i].begin), folded(expr), std::string(expr.substr(0, 200))});
    }
    return out;
}

}  // namespace

// sequelize-cli loads .sequelizerc from the working directory with require() and hands its keys to
// yargs as defaults (sequelize/cli src/core/yargs.js loadRCFile); helpers/path-helper.js getPath
// resolves a relative `migrations-path` against the working directory.
std::vector<RcPath> sequelize_rc_paths(std::string_view text) {
    return rc_values(text, {"'migrations-path'", "\"migrations-path\"", "migrationsPath"});
}

// `seeders-path`, the folder db:seed and db:seed:all read (src/core/yargs.js 'seeders-path';
// helpers/path-helper.js getPath('seeder'): default path.resolve(process.cwd(), 'seeders')).
std::vector<RcPath> sequelize_rc_seeder_paths(std::string_view text) {
    return rc_values(text, {"'seeders-path'", "\"seeders-path\"", "seedersPath"});
}

// The same loadRCFile defaults give `config`, "the path to the config file" (sequelize/sequelize
// docs/manual/getting-started/sequelize-cli.md, "The .sequelizerc file"; the CLI reads it instead
// of config/config.json), where migrationStorage and migrationStorageTableName are read.
std::vector<RcPath> sequelize_rc_config_paths(std::string_view text) {
    return rc_values(text, {"'config'", "\"config\"", "config"});
}

// `options-path`: "the path to a JSON file with additional options" (the same documentation), read
// as more of these defaults.
std::vector<RcPath> sequelize_rc_options_paths(std::string_view text) {
    return rc_values(text, {"'options-path'", "\"options-path\"", "optionsPath"});
}

}  // namespace pgfence::analyze::tools
