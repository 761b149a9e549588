// Which files TypeORM loads as entities and subscribers (typeorm_loaded_globs, loaded_by; split
// from tool_dirs.cpp, moves only).
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/rebinding.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fnmatch.h>

#include "analyze/base/path_normal.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/config_dirs.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/flyway_build_plugins.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/psqlrc_files.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "analyze/migrations/seed_dirs.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/typeorm_classes.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"
#include "analyze/migrations/tool_dirs_walk.hpp"

namespace pgfence::analyze::tools {
using namespace tool_dirs_detail;

namespace {

// The top-level, comma-separated parts of `text` (quotes and brackets kept whole), trimmed.
std::vector<std::string_view> top_level_parts(std::string_view text) {
    std::vector<std::string_view> out;
    int depth = 0;
    std::size_t from = 0;
    for (std::size_t k = 0; k <= text.size(); ++k) {
        const char c = k < text.size() ? text[k] : ',';
        if (c == '\'' || c == '"' || c == '`') {
            const std::size_t close = text.find(c, k + 1);
            if (close == std::string_view::npos) return {};
            k = close;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth == 0) {
            out.push_back(trim(text.substr(from, k - from)));
            from = k + 1;
        }
    }
    return out;
}

// A quoted literal's text, when it holds nothing computed.
std::optional<std::string> plain_literal(std::string_view v) {
    if (v.size() < 2 || (v.front() != '\'' && v.front() != '"' && v.front() != '`') || v.back() != v.front()) return std::nullopt;
    const std::string_view in = v.substr(1, v.size() - 2);
    if (in.find('\\') != std::string_view::npos || in.find(v.front()) != std::string_view::npos || in.find("${") != std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(in);
}

// TypeORM's `entities: [path.join(__dirname, 'entities', '*.{ts,js}')]` and its spellings
// (`resolve`, `__dirname + '/x/*.ts'`, `` `${__dirname}/x/*.ts` ``): globs from the data source's
// own folder `folder`. Anything else: none.
std::optional<std::vector<std::string>> dirname_globs(std::string_view expr, std::string_view folder) {
    if (expr.size() > 4096) return std::nullopt;
    expr = trim(expr);
    if (expr.starts_with("[") && expr.ends_with("]")) expr = expr.substr(1, expr.size() - 2);
    std::vector<std::string> out;
    const std::string base = folder.empty() ? std::string() : std::string(folder) + "/";
    for (std::string_view item : top_level_parts(expr)) {
        std::string rest;
        bool read = false;
        for (std::string_view head : {"path.join(", "path.resolve(", "join(", "resolve(", "path.posix.join("}) {
            if (!item.starts_with(head) || !item.ends_with(")")) continue;
            const auto args = top_level_parts(item.substr(head.size(), item.size() - head.size() - 1));
            if (args.size() < 2 || args.front() != "__dirname") break;
            read = true;
            for (std::size_t a = 1; a < args.size() && read; ++a) {
                const auto part = plain_literal(args[a]);
                read = part.has_value();
                if (read) rest += (rest.empty() ? "" : "/") + *part;
            }
            break;
        }
        if (!read && item.starts_with("__dirname")) {
            std::string_view after = trim(item.substr(9));
            if (after.starts_with("+")) {
                const auto part = plain_literal(trim(after.substr(1)));
                read = part && part->starts_with("/");
                if (read) rest = part->substr(1);
            }
        }
        if (!read && item.starts_with("`${__dirname}/") && item.ends_with("`")) {
            const auto part = plain_literal("`" + std::string(item.substr(14)));
            read = part.has_value();
            if (read) rest = *part;
        }
        if (!read || rest.empty()) return std::nullopt;
        while (rest.starts_with("./")) rest.erase(0, 2);
        out.push_back(base + rest);
    }
    if (out.empty()) return std::nullopt;
    return out;
}

// `glob` (relative to the repository) with its `.` and `..` parts taken off, each `..` with the
// literal part before it: "src/**/*.entity.ts" for "src/database/../**/*.entity.ts" (nestjs
// boilerplate's `__dirname + '/../**/*.entity{.ts,.js}'`; Node's path.join and glob's own
// resolution do the same). Nothing when it is absolute, a `..` leads above the repository, or a
// `..` follows a pattern part (`**/..` is not one folder).
std::optional<std::string> glob_inside(std::string_view glob) {
    if (glob.starts_with("/")) return std::nullopt;
    std::string_view literal = glob;
    for (std::size_t k = 0; k < glob.size(); ++k) {
        if (glob[k] != '*' && glob[k] != '?' && glob[k] != '[' && glob[k] != '{' && glob[k] != '(' && glob[k] != '!') continue;
        const std::size_t slash = glob.rfind('/', k);
        literal = glob.substr(0, slash == std::string_view::npos ? 0 : slash);
        if (glob.substr(literal.size()).find("..") != std::string_view::npos) return std::nullopt;
        break;
    }
    auto head = normal_path(literal);
    if (!head) return std::nullopt;
    std::string_view rest = glob.substr(literal.size());
    while (rest.starts_with("/")) rest.remove_prefix(1);
    if (head->empty()) return std::string(rest);
    return rest.empty() ? *head : *head + "/" + std::string(rest);
}

}  // namespace

std::vector<LoadedGlobs> typeorm_loaded_globs(std::string_view path, std::string_view text) {
    std::vector<LoadedGlobs> out;
    if (!typeorm_name(path_name(path)) && !(script_name(path_name(path)) && data_source_text(text))) return out;
    // Globs resolve from the working directory, as `migrations` does (read_js).
    const std::string base = project_folder(path);
    const Lines lines_of(text);
    walk_keys(text, [&](JsWalk& w, const std::string& key, const std::string&, std::size_t) {
        if (key != "entities" && key != "subscribers") return false;
        const int n = lines_of.at(w.at());
        std::string_view expr;
        auto values = w.value(expr);
        LoadedGlobs g{n, key, {}, {}};
        if (!values) {
            // A list of classes (`[User, Post]`, `Object.values(entities)`): the data source's own
            // imports, which its settings_module_writes follows. Anything else is computed.
            bool names = !expr.empty();
            for (char c : expr) {
                names = names && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.' || c == ',' ||
                                  c == '[' || c == ']' || c == '(' || c == ')' || c == '.' || std::isspace(static_cast<unsigned char>(c)));
            }
            if (names) return true;
            if (auto globs = dirname_globs(expr, path_folder(path))) {
                for (auto& glob : *globs) {
                    if (extglob(glob)) {
                        g.unknown = "its glob " + shown(glob) + " uses extglob syntax, which TypeORM's glob matches and pgfence does not";
                        break;
                    }
                    auto inside = glob_inside(glob);
                    if (!inside) {
                        g.unknown = "its glob " + shown(glob) + " leaves the repository: the modules TypeORM requires from it are not known";
                        break;
                    }
                    if (g.globs.size() < k_most_dirs) g.globs.push_back(std::move(*inside));
                }
                if (out.size() < k_most_dirs) out.push_back(std::move(g));
                return true;
            }
            g.unknown = "its value " + shown(expr) + " is computed when the tool runs (not a list of string globs): TypeORM requires the "
                        "modules it names when it initialises, before any migration, and pgfence cannot tell which";
        } else {
            for (const auto& v : *values) {
                if (g.globs.size() >= k_most_dirs) break;
                if (extglob(v)) {
                    g.unknown = "its glob " + shown(v) + " uses extglob syntax (@(...), !(...), +(...), ?(...), *(...)), which TypeORM's glob "
                                "matches and pgfence does not: the modules TypeORM requires from it when it initialises are not known";
                    break;
                }
                std::string_view glob = v;
                while (glob.starts_with("./")) glob.remove_prefix(2);
                auto rooted = glob_inside(base.empty() ? std::string(glob) : base + "/" + std::string(glob));
                if (glob.starts_with("/") || !rooted) {
                    g.unknown = "its glob " + shown(v) + " leaves the repository: the modules TypeORM requires from it are not known";
                    break;
                }
                g.globs.push_back(std::move(*rooted));
            }
        }
        if (out.size() < k_most_dirs) out.push_back(std::move(g));
        return true;
    });
    return out;
}

namespace {

// `glob` with its first {a,b} alternation expanded (then recursively), at most 64 globs.
void expand_braces(const std::string& glob, std::vector<std::string>& out) {
    const std::size_t open = glob.find('{');
    const std::size_t close = open == std::string::npos ? std::string::npos : glob.find('}', open);
    if (close == std::string::npos) {
        if (out.size() < 64) out.push_back(glob);
        return;
    }
    const std::string inner = glob.substr(open + 1, close - open - 1);
    for (std::size_t at = 0; at <= inner.size() && out.size() < 64;) {
        std::size_t comma = inner.find(',', at);
        if (comma == std::string::npos) comma = inner.size();
        expand_braces(glob.substr(0, open) + inner.substr(at, comma - at) + glob.substr(close + 1), out);
        at = comma + 1;
    }
}

}  // namespace

bool loaded_by(std::string_view file, const LoadedGlobs& g) {
    if (!script_name(path_name(file)) || path_name(file).ends_with(".d.ts")) return false;
    const std::string f(file);
    for (const auto& glob : g.globs) {
        std::vector<std::string> globs;
        expand_braces(glob, globs);
        for (std::string one : globs) {
            // `**/` matches no folder as well (fnmatch's `*` without FNM_PATHNAME crosses folders).
            for (int pass = 0; pass < 2; ++pass) {
                if (fnmatch(one.c_str(), f.c_str(), 0) == 0) return true;
                for (std::size_t at = one.find("**/"); at != std::string::npos; at = one.find("**/")) one.erase(at, 3);
            }
        }
    }
    return false;
}

}  // namespace pgfence::analyze::tools
