#include "analyze/migrations/sequelize_rc.hpp"

#include <cctype>
#include <initializer_list>

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

// Each `key: value` of the file for one of `keys` (as written, quotes included), one per line. A
// bare key (`config:`) must start the line or follow `{`, `,` or a space, so `migrations-config`
// or `myconfig` is not taken for it.
std::vector<RcPath> rc_values(std::string_view text, std::initializer_list<std::string_view> keys) {
    std::vector<RcPath> out;
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::size_t first = l.find_first_not_of(" \t");
        const bool comment = first != std::string_view::npos && l.substr(first).starts_with("//");
        for (std::string_view key : keys) {
            std::size_t k = comment ? std::string_view::npos : l.find(key);
            while (k != std::string_view::npos && key.front() != '\'' && key.front() != '"' && k > 0 &&
                   l[k - 1] != ' ' && l[k - 1] != '{' && l[k - 1] != ',' && l[k - 1] != '\t' && l[k - 1] != '.') {
                k = l.find(key, k + 1);
            }
            if (k == std::string_view::npos) continue;
            std::string_view rest = trim(l.substr(k + key.size()));
            // `key: value` in the exported object, or `exports.key = value` / `module.exports.key = value`.
            const bool assigned = k > 0 && l[k - 1] == '.' && rest.size() >= 2 && rest.front() == '=' && rest[1] != '=';
            if (rest.empty() || (rest.front() != ':' && !assigned)) continue;
            std::string_view expr = trim(rest.substr(1));
            // The value ends at a comma or a closing brace outside brackets and strings (several
            // keys on one line: `{ 'config': path.resolve('db', 'cfg.json'), 'migrations-path': ... }`).
            int depth = 0;
            char quote = 0;
            std::size_t end = 0;
            for (; end < expr.size(); ++end) {
                const char c = expr[end];
                if (quote) {
                    if (c == '\\') ++end;
                    else if (c == quote) quote = 0;
                } else if (c == '\'' || c == '"' || c == '`') {
                    quote = c;
                } else if (c == '(' || c == '[' || c == '{') {
                    ++depth;
                } else if (c == ')' || c == ']' || c == '}') {
                    if (depth == 0) break;
                    --depth;
                } else if ((c == ',' || c == ';') && depth == 0) {
                    break;
                }
            }
            expr = trim(expr.substr(0, end));
            out.push_back(RcPath{n, folded(expr), std::string(expr.substr(0, 200))});
            break;
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
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
