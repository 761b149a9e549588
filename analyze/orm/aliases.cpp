#include "analyze/orm/aliases.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <system_error>
#include <utility>

#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

namespace fs = std::filesystem;

namespace {

// A JSON value as TypeScript reads tsconfig.json (comments and trailing commas allowed), from
// lex_js's tokens; numbers, booleans and null are Other.
struct Json {
    enum class Kind { Other, String, Object, Array } kind = Kind::Other;
    std::string s;
    std::vector<std::pair<std::string, Json>> members;
    std::vector<Json> items;

    const Json* get(std::string_view key) const {  // the last of a repeated key, as JSON.parse keeps
        const Json* found = nullptr;
        for (const auto& [k, v] : members) {
            if (k == key) found = &v;
        }
        return found;
    }
};

bool punct(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && t[i].kind == TokenKind::Punct && t[i].text == s;
}

bool parse(const std::vector<Token>& t, std::size_t& i, Json& out, int depth) {
    if (i >= t.size() || depth > 64) return false;
    if (t[i].kind == TokenKind::String) {
        out.kind = Json::Kind::String;
        out.s = t[i++].string.value;
        return true;
    }
    if (t[i].kind == TokenKind::Number || t[i].kind == TokenKind::Ident) {
        ++i;
        return true;
    }
    if (punct(t, i, "-") && i + 1 < t.size() && t[i + 1].kind == TokenKind::Number) {
        i += 2;
        return true;
    }
    const bool object = punct(t, i, "{");
    if (!object && !punct(t, i, "[")) return false;
    out.kind = object ? Json::Kind::Object : Json::Kind::Array;
    const std::string_view closer = object ? "}" : "]";
    for (++i; i < t.size() && !punct(t, i, closer);) {
        std::string key;
        if (object) {
            if (t[i].kind != TokenKind::String || !punct(t, i + 1, ":")) return false;
            key = t[i].string.value;
            i += 2;
        }
        Json v;
        if (!parse(t, i, v, depth + 1)) return false;
        if (object) out.members.emplace_back(std::move(key), std::move(v));
        else out.items.push_back(std::move(v));
        if (punct(t, i, ",")) ++i;
        else if (!punct(t, i, closer)) return false;
    }
    if (i >= t.size()) return false;
    ++i;
    return true;
}

bool plain_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(fs::symlink_status(p, ec));
}

bool inside(const fs::path& root, const fs::path& p) {
    const fs::path rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

std::optional<Json> read_json(const fs::path& file) {
    auto text = read_limited(file.string(), std::size_t{1} << 20);
    if (!text) return std::nullopt;
    // tsconfig-paths and TypeScript skip a UTF-8 byte-order mark (dividab/tsconfig-paths
    // src/tsconfig-loader.ts: JSON5.parse(StripBom(json)); red team R82a B3).
    if (text->starts_with("\xEF\xBB\xBF")) text->erase(0, 3);
    const std::vector<Token> t = lex_js(*text);
    if (!t.empty() && !t.back().unreadable.empty()) return std::nullopt;
    Json out;
    std::size_t i = 0;
    if (!parse(t, i, out, 0) || i != t.size() || out.kind != Json::Kind::Object) return std::nullopt;
    return out;
}

// A tsconfig's `paths` after its `extends` chain: TypeScript resolves the targets against
// `baseUrl` (relative to the file that sets it) or, without one, the file that sets `paths`.
struct Paths {
    const Json* paths = nullptr;
    fs::path paths_dir;
    std::optional<fs::path> base_url;
    std::string why;
};

// The files read, kept alive while their `paths` are used.
void load(const fs::path& file, const fs::path& root, Paths& out, std::vector<std::unique_ptr<Json>>& keep, int depth) {
    if (depth > 8) {
        out.why = " (" + file.filename().string() + " extends past pgfence's limit)";
        return;
    }
    auto json = read_json(file);
    if (!json) {
        out.why = " (" + file.string() + " is not read: not a plain JSON file pgfence can parse)";
        return;
    }
    keep.push_back(std::make_unique<Json>(std::move(*json)));
    const Json& j = *keep.back();
    std::vector<std::string> parents;
    if (const Json* e = j.get("extends")) {
        if (e->kind == Json::Kind::String) parents.push_back(e->s);
        for (const Json& x : e->items) {
            if (x.kind == Json::Kind::String) parents.push_back(x.s);
        }
    }
    for (const std::string& p : parents) {
        // A package's tsconfig (`@tsconfig/node18`) lies outside the repository: not read.
        if (!(p.starts_with("./") || p.starts_with("../"))) continue;
        fs::path next = (file.parent_path() / p).lexically_normal();
        if (!plain_file(next) && !p.ends_with(".json")) next += ".json";
        if (!inside(root, next) || !plain_file(next)) {
            out.why = " (" + file.filename().string() + " extends '" + p + "', which is not a file of the repository)";
            return;
        }
        load(next, root, out, keep, depth + 1);
        if (!out.why.empty()) return;
    }
    if (const Json* o = j.get("compilerOptions"); o && o->kind == Json::Kind::Object) {
        if (const Json* b = o->get("baseUrl"); b && b->kind == Json::Kind::String) out.base_url = (file.parent_path() / b->s).lexically_normal();
        if (const Json* p = o->get("paths"); p && p->kind == Json::Kind::Object) {
            out.paths = p;
            out.paths_dir = file.parent_path();
        }
    }
}

// The key of `map` that matches spec: itself, else the pattern with one `*` whose prefix is
// longest (TypeScript's matchPatternOrExact, Node's PATTERN_KEY_COMPARE), and what `*` stands for.
// `node`: Node's rule, where `*` stands for one character at least (nodejs/node
// lib/internal/modules/esm/resolve.js packageImportsResolve: `name.length >= key.length`).
const std::pair<std::string, Json>* match(const Json& map, std::string_view spec, std::string& star, bool node = false) {
    const std::pair<std::string, Json>* best = nullptr;
    std::size_t best_prefix = 0;
    for (const auto& m : map.members) {
        const std::string& k = m.first;
        if (k == spec) {
            star.clear();
            return &m;
        }
        const std::size_t s = k.find('*');
        if (s == std::string::npos || k.find('*', s + 1) != std::string::npos) continue;
        const std::string_view prefix = std::string_view(k).substr(0, s), suffix = std::string_view(k).substr(s + 1);
        if (spec.size() < prefix.size() + suffix.size() + (node ? 1 : 0) || !spec.starts_with(prefix) || !spec.ends_with(suffix)) continue;
        // Node breaks a tie of prefixes by the longer key, whatever the order (resolve.js patternKeyCompare:
        // equal base lengths, then `a.length > b.length`, `#lib/*.js` over `#lib/*`); TypeScript keeps the first.
        if (!best || prefix.size() > best_prefix || (node && prefix.size() == best_prefix && k.size() > best->first.size())) {
            best = &m;
            best_prefix = prefix.size();
            star = std::string(spec.substr(prefix.size(), spec.size() - prefix.size() - suffix.size()));
        }
    }
    return best;
}

std::string substituted(std::string target, const std::string& star) {
    if (auto s = target.find('*'); s != std::string::npos) target.replace(s, 1, star);
    return target;
}

// Node puts what `*` stands for in every `*` of an "imports" target (resolvePackageTargetString:
// a global replace), TypeScript in the first of a `paths` target.
std::string substituted_all(std::string target, const std::string& star) {
    for (std::size_t s = target.find('*'); s != std::string::npos; s = target.find('*', s + star.size())) target.replace(s, 1, star);
    return target;
}

// The conditions Node matches an "imports" target with, by how the module is loaded: require()
// (the CommonJS loader) or import (nodejs/node doc/api/packages.md "Conditional exports": "node",
// "require" / "import", "module-sync", "node-addons", and "default" always). "types" is
// TypeScript's alone. Any other key is a condition `node --conditions` (-C) names.
constexpr std::string_view k_require_conditions[] = {"node", "require", "module-sync", "node-addons"};
constexpr std::string_view k_import_conditions[] = {"node", "import", "module-sync", "node-addons"};

bool node_condition(std::string_view key) {
    return key == "default" || key == "types" || key == "import" || std::find(std::begin(k_require_conditions), std::end(k_require_conditions), key) != std::end(k_require_conditions);
}

// The target Node picks from an "imports" value for one loader (nodejs/node doc/api/esm.md,
// PACKAGE_TARGET_RESOLVE): a string; of an object, the first key in its order that is "default"
// or one of `conditions` and whose value picks one; of an array, the first item that picks one
// (a target Node finds invalid, "../x" or "/x", is passed over). Nothing: null, or no key matches.
// `custom`: the targets of other conditions before the pick, which `node -C name` would take.
template <std::size_t N>
std::optional<std::string> picked(const Json& v, const std::string_view (&conditions)[N], std::vector<std::string>& custom, int depth) {
    if (depth > 16) return std::nullopt;
    if (v.kind == Json::Kind::String) return v.s;
    for (const auto& [k, x] : v.members) {
        const bool applies = k == "default" || std::find(std::begin(conditions), std::end(conditions), k) != std::end(conditions);
        if (!applies) {
            if (!node_condition(k)) {
                std::vector<std::string> ignored;
                if (auto c = picked(x, conditions, ignored, depth + 1)) custom.push_back(*c);
            }
            continue;
        }
        if (auto got = picked(x, conditions, custom, depth + 1)) return got;
    }
    for (const Json& x : v.items) {
        if (x.kind == Json::Kind::String && (x.s.starts_with("../") || x.s.starts_with("/"))) continue;
        if (auto got = picked(x, conditions, custom, depth + 1)) return got;
    }
    return std::nullopt;
}

// The targets of an "imports" value Node may load: what require() picks, what import picks (a
// TypeScript file's `import` may run as either, by its runner), and a custom condition's before them.
std::vector<std::string> picks(const Json& v) {
    std::vector<std::string> out;
    for (auto got : {picked(v, k_require_conditions, out, 0), picked(v, k_import_conditions, out, 0)}) {
        if (got) out.push_back(*got);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// What one folder holds, cached by the folder's and each file's modification time (a file added
// or removed changes the folder's): a run asks for every import of every file it follows, and a
// long-lived process (the language server) sees edits.
struct Folder {
    fs::file_time_type stamp;
    std::vector<fs::path> configs;  // tsconfig*.json, jsconfig*.json
    bool package = false;           // package.json
};

const Folder& folder(const fs::path& at) {
    thread_local std::map<std::string, Folder> cache;
    if (cache.size() > 4096) cache.clear();
    std::error_code ec;
    const auto stamp = fs::last_write_time(at, ec);
    auto [it, fresh] = cache.try_emplace(at.string());
    if (!fresh && !ec && it->second.stamp == stamp) return it->second;
    Folder f;
    f.stamp = stamp;
    for (fs::directory_iterator d(at, ec), end; !ec && d != end; d.increment(ec)) {
        const std::string name = d->path().filename().string();
        if ((name.starts_with("tsconfig") || name.starts_with("jsconfig")) && name.ends_with(".json") && plain_file(d->path())) {
            f.configs.push_back(d->path());
        }
        if (name == "package.json" && plain_file(d->path())) f.package = true;
    }
    return it->second = std::move(f);
}

// A settings file's `paths` after its `extends` chain, cached by the file's modification time.
const Paths& config(const fs::path& file, const fs::path& root) {
    struct Loaded {
        fs::file_time_type stamp;
        Paths paths;
        std::vector<std::unique_ptr<Json>> keep;
    };
    thread_local std::map<std::string, std::unique_ptr<Loaded>> cache;
    if (cache.size() > 1024) cache.clear();
    std::error_code ec;
    const auto stamp = fs::last_write_time(file, ec);
    auto& slot = cache[file.string() + '\0' + root.string()];
    if (!slot || slot->stamp != stamp) {
        slot = std::make_unique<Loaded>();
        slot->stamp = stamp;
        load(file, root, slot->paths, slot->keep, 0);
    }
    return slot->paths;
}

}  // namespace

AliasTargets alias_targets(const fs::path& dir, const fs::path& root, std::string_view spec) {
    AliasTargets out;
    if (spec.empty() || spec.starts_with(".") || spec.starts_with("/") || spec.starts_with("node:") || spec.find('\0') != std::string_view::npos) return out;
    bool scope_found = false;  // the nearest package.json is the package scope
    for (fs::path at = dir; inside(root, at) || at == root; at = at.parent_path()) {
        const Folder& here = folder(at);
        for (const fs::path& c : here.configs) {
            const Paths& p = config(c, root);
            if (!p.why.empty()) {
                // A settings file pgfence cannot read may map this name, any bare name (its baseUrl
                // alone maps `dayjs` to a dayjs.js beside it: red team R82a B3).
                out.matched = true;
                out.why = p.why;
                continue;
            }
            std::string star;
            const auto* m = p.paths ? match(*p.paths, spec, star) : nullptr;
            if (!m) {
                // With a baseUrl, a name `paths` does not map is looked up under it first: TypeScript's
                // baseUrl resolution, and tsconfig-paths' match-all `*` -> `<baseUrl>/*`
                // (dividab/tsconfig-paths src/mapping-entry.ts getPathMappingEntries adds it when
                // baseUrl is set). A repository file there wins over the package (red team R81a B2:
                // a committed dayjs.js beside tsconfig's baseUrl "." opened pg under tsconfig-paths).
                if (p.base_url) {
                    out.matched = true;
                    out.candidates.push_back({(*p.base_url / std::string(spec)).lexically_normal()});
                }
                continue;
            }
            out.matched = true;
            const fs::path base = p.base_url ? *p.base_url : p.paths_dir;
            std::vector<fs::path> tries;
            for (const Json& target : m->second.items) {
                if (target.kind == Json::Kind::String) tries.push_back((base / substituted(target.s, star)).lexically_normal());
            }
            out.candidates.push_back(std::move(tries));
        }
        if (!scope_found && here.package) {
            scope_found = true;
            if (spec.starts_with("#")) {
                auto pkg = read_json(at / "package.json");
                const Json* imports = pkg ? pkg->get("imports") : nullptr;
                std::string star;
                if (const auto* m = imports && imports->kind == Json::Kind::Object ? match(*imports, spec, star, true) : nullptr) {
                    out.matched = true;
                    const std::vector<std::string> targets = picks(m->second);
                    if (targets.empty()) out.why = " (package.json maps it to no target Node picks)";
                    for (const std::string& target : targets) {
                        if (!target.starts_with("./")) {
                            out.why = " (package.json maps it to '" + target + "', not a file of the repository)";
                            continue;
                        }
                        out.candidates.push_back({(at / substituted_all(target, star)).lexically_normal()});
                    }
                }
            }
        }
        if (at == root || at == at.parent_path()) break;
    }
    return out;
}

}  // namespace pgfence::analyze::orm
