#include "analyze/migrations/engine_files.hpp"

#include <array>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "analyze/base/ascii.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/base/yaml_scalar.hpp"
#include "analyze/model/lock_mode.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::string_view k_query_file = "an sqlc query file";


namespace fs = std::filesystem;

// At most this many folders above a migration are asked for an sqlc config.
constexpr int k_most_levels = 16;
// At most this many bytes of a name from the repository are shown.
constexpr std::size_t k_shown = 200;

std::string shown(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, k_shown)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return text.size() > k_shown ? out + "..." : out;
}

std::string normal(const std::string& path) {
    std::error_code ec;
    std::string out = fs::absolute(path, ec).lexically_normal().generic_string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string parent(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return {};
    return slash == 0 ? std::string("/") : path.substr(0, slash);
}

bool inside(const std::string& file, const std::string& folder) {
    return file.size() > folder.size() && file.starts_with(folder) && (folder.ends_with('/') || file[folder.size()] == '/');
}

// sqlc's engines other than PostgreSQL (sqlc-dev/sqlc internal/config/config.go: EngineMySQL,
// EngineSQLite, EngineClickhouse); any other value sqlc refuses ("invalid engine").
bool other_sqlc_engine(std::string_view engine) {
    const std::string e = lowered(engine);
    return e == "mysql" || e == "sqlite" || e == "clickhouse";
}

// A YAML value after `key:`: unquoted, without its comment.
std::string yaml_value(std::string_view v) {
    v = trim_blanks(v);
    if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
        std::size_t end = 0;
        auto q = yaml_quoted(v, end);
        return q ? *q : std::string();
    }
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
    return std::string(trim_blanks(v));
}

// `key: value` split at the first ": " (or a final ':'); no key when the line holds none.
std::pair<std::string, std::string_view> key_value(std::string_view body) {
    for (std::size_t colon = body.find(':'); colon != std::string_view::npos; colon = body.find(':', colon + 1)) {
        if (colon + 1 == body.size() || body[colon + 1] == ' ' || body[colon + 1] == '\t') {
            return {yaml_value(body.substr(0, colon)), body.substr(colon + 1)};
        }
    }
    return {};
}

// `queries:`'s or `schema:`'s value on its own line: one path, or a flow sequence `[a, "b"]`.
void add_paths(std::string_view value, int line, std::vector<std::pair<std::string, int>>& to) {
    value = trim_blanks(value);
    if (value.starts_with('[')) {
        const std::size_t close = value.find(']');
        std::string_view items = value.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        while (!items.empty()) {
            const std::size_t comma = items.find(',');
            std::string item = yaml_value(items.substr(0, comma));
            if (!item.empty()) to.emplace_back(std::move(item), line);
            if (comma == std::string_view::npos) break;
            items.remove_prefix(comma + 1);
        }
        return;
    }
    std::string item = yaml_value(value);
    if (!item.empty()) to.emplace_back(std::move(item), line);
}

// The block-style YAML sqlc's own examples use (docs.sqlc.dev "Configuration"): `version:`, and a
// top-level `sql:` (v2) or `packages:` (v1) sequence of mappings with `engine:`, `queries:` and
// `schema:`, each path one value, a flow sequence or a block sequence. Anything else in the file
// is passed over; what is not read sets nothing aside.
std::vector<SqlcEntry> read_sqlc_yaml(std::string_view text) {
    std::vector<SqlcEntry> out;
    std::string version;
    std::string list;  // "sql" or "packages" while inside it
    std::string kind;  // the last such list met
    long list_indent = -1;
    long key_indent = -1;
    std::vector<std::pair<std::string, int>>* items = nullptr;  // a block sequence under queries:/schema:
    each_yaml_line(text, [&](int n, std::size_t at, std::string_view body) {
        long indent = static_cast<long>(at);
        const bool dash = body == "-" || body.starts_with("- ");
        if (indent == 0 && !dash) {
            items = nullptr;
            list.clear();
            auto [key, value] = key_value(body);
            if (key == "version") version = yaml_value(value);
            if ((key == "sql" || key == "packages") && trim_blanks(value).empty()) {
                list = key;
                kind = key;
                list_indent = -1;
            }
            return;
        }
        if (list.empty()) return;
        if (dash && items != nullptr && indent >= key_indent) {
            add_paths(body.substr(1), n, *items);
            return;
        }
        if (dash && (list_indent < 0 || indent == list_indent)) {
            list_indent = indent;
            out.emplace_back();
            items = nullptr;
            const std::string_view rest = trim_blanks(body.substr(1));
            if (rest.empty()) {
                key_indent = -1;
                return;
            }
            indent += static_cast<long>(body.size() - rest.size());
            key_indent = indent;
            body = rest;
        } else if (dash || out.empty()) {
            return;
        }
        if (key_indent < 0 && indent > list_indent) key_indent = indent;
        if (indent != key_indent) {
            if (indent < key_indent) items = nullptr;
            return;  // deeper: another key's value (gen:, overrides:)
        }
        items = nullptr;
        auto [key, value] = key_value(body);
        SqlcEntry& entry = out.back();
        if (key == "engine") {
            entry.engine = yaml_value(value);
            entry.engine_line = n;
        } else if (key == "queries" || key == "schema") {
            auto& to = key == "queries" ? entry.queries : entry.schema;
            if (trim_blanks(value).empty() || trim_blanks(value).starts_with('#')) {
                items = &to;
            } else {
                add_paths(value, n, to);
            }
        }
    });
    // sqlc's ParseConfig: version "1" reads `packages:`, "2" reads `sql:`; any other it refuses.
    if (!((version == "1" && kind == "packages") || (version == "2" && kind == "sql"))) return {};
    if (version == "1") {
        // v1's engine defaults to PostgreSQL (sqlc internal/config/v_one.go: `if c.Engine == ""`).
        for (auto& e : out) {
            if (e.engine.empty()) e.engine = "postgresql";
        }
    }
    return out;
}

// The lines of `needle`'s occurrences in `text`, one after the other: each call gives the next
// one's line (0 when there is none), the text read once over all calls.
class Occurrences {
public:
    Occurrences(std::string_view text, std::string needle) : m_text(text), m_needle(std::move(needle)) {}
    int next() {
        const std::size_t found = m_text.find(m_needle, m_at);
        if (found == std::string_view::npos) return 0;
        for (; m_at < found; ++m_at) m_line += m_text[m_at] == '\n';
        m_at = found + 1;
        return m_line;
    }

private:
    std::string_view m_text;
    std::string m_needle;
    std::size_t m_at = 0;
    int m_line = 1;
};

std::vector<SqlcEntry> read_sqlc_json(std::string_view text) {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return {};
    auto version = doc.find("version");
    if (version == doc.end() || !version->is_string()) return {};
    const std::string v = version->get<std::string>();
    if (v != "1" && v != "2") return {};
    auto list = doc.find(v == "1" ? "packages" : "sql");
    if (list == doc.end() || !list->is_array()) return {};
    std::vector<SqlcEntry> out;
    Occurrences queries_seen(text, "\"queries\"");
    Occurrences schema_seen(text, "\"schema\"");
    Occurrences engines_seen(text, "\"engine\"");
    for (const auto& item : *list) {
        if (!item.is_object()) continue;
        SqlcEntry entry;
        if (auto engine = item.find("engine"); engine != item.end() && engine->is_string()) {
            entry.engine = engine->get<std::string>();
            entry.engine_line = engines_seen.next();
        }
        for (auto [key, to, seen] : {std::tuple{"queries", &entry.queries, &queries_seen}, std::tuple{"schema", &entry.schema, &schema_seen}}) {
            auto paths = item.find(key);
            if (paths == item.end()) continue;
            const int line = seen->next();
            if (paths->is_string()) to->emplace_back(paths->get<std::string>(), line);
            if (!paths->is_array()) continue;
            for (const auto& p : *paths) {
                if (p.is_string()) to->emplace_back(p.get<std::string>(), line);
            }
        }
        out.push_back(std::move(entry));
    }
    if (v == "1") {
        // v1's engine defaults to PostgreSQL (sqlc internal/config/v_one.go: `if c.Engine == ""`).
        for (auto& e : out) {
            if (e.engine.empty()) e.engine = "postgresql";
        }
    }
    return out;
}

// `path` joined to `folder` and made normal; "" when it leaves the top or is absolute.
std::string joined_normal(const std::string& folder, std::string_view path) {
    if (path.empty() || path.front() == '/') return {};
    std::string out = (fs::path(folder) / fs::path(std::string(path))).lexically_normal().generic_string();
    while (!out.empty() && out.back() == '/') out.pop_back();
    if (out == "." ) return {};
    if (out == ".." || out.starts_with("../")) return {};
    return out;
}

}  // namespace

std::vector<SqlcEntry> read_sqlc_config(std::string_view text, bool json) {
    return json ? read_sqlc_json(text) : read_sqlc_yaml(text);
}

const EngineFiles::Skips& EngineFiles::skips_in(const std::string& folder) {
    auto [it, first] = m_skips.try_emplace(folder);
    if (!first) return it->second;
    Skips& skips = it->second;
    // sqlc's own names for its config, as its readConfig tries them (sqlc-dev/sqlc internal/cmd): sqlc.yaml, sqlc.yml, sqlc.json.
    for (std::string_view name : {"sqlc.yaml", "sqlc.yml", "sqlc.json"}) {
        const std::string path = folder.empty() ? std::string(name) : folder + "/" + std::string(name);
        auto text = m_read(path);
        if (!text) continue;
        const std::string config = shown(m_shown_top + path);
        // A path sqlc reads: a file, or a folder whose .sql files it reads one level down
        // (internal/sql/sqlpath Glob: os.ReadDir, not a walk), relative to the config's folder.
        // A `queries:` path first: a file listed under both is a query file.
        const auto entries = read_sqlc_config(*text, name.ends_with(".json"));
        for (const auto& entry : entries) {
            if (other_sqlc_engine(entry.engine)) continue;
            for (const auto& [p, line] : entry.schema) {
                std::string at = joined_normal(folder, p);
                if (!at.empty()) skips.postgres.insert(std::move(at));
            }
        }
        for (const auto& entry : entries) {
            for (const auto& [p, line] : entry.queries) {
                std::string at = joined_normal(folder, p);
                if (at.empty()) continue;
                skips.why.try_emplace(std::move(at), std::string(k_query_file) + ", not a migration: " + config + ":" + std::to_string(line) +
                                                     " lists it under queries: (the queries sqlc generates code from; no migration tool runs them)");
            }
        }
        for (const auto& entry : entries) {
            if (!other_sqlc_engine(entry.engine)) continue;
            for (const auto& [p, line] : entry.schema) {
                std::string at = joined_normal(folder, p);
                if (at.empty()) continue;
                skips.why.try_emplace(std::move(at), with_article(shown(lowered(entry.engine))) + " schema, not analysed as PostgreSQL: " +
                                                     config + ":" + std::to_string(line) + " lists it under schema: of an sqlc entry with engine: " +
                                                     shown(entry.engine) + " (line " + std::to_string(entry.engine_line) + ")");
            }
        }
    }
    return skips;
}

std::optional<std::string> EngineFiles::decide(std::string_view path) {
    const std::string self(path);
    const std::string own = parent(self);
    // The sqlc configs in the file's folder and each one above it up to the top; the first that
    // sets it aside says why, unless one of them names it (or its folder) a PostgreSQL schema.
    std::optional<std::string> why;
    std::string folder = own;
    for (int level = 0; level < k_most_levels; ++level) {
        const Skips& skips = skips_in(folder);
        std::optional<std::string> here;
        if (auto it = skips.why.find(self); it != skips.why.end()) here = it->second;
        else if (auto at = skips.why.find(own); !own.empty() && at != skips.why.end()) here = at->second;
        // A query file stays one whatever schema: names it too (river's dbsqlc lists each file under both).
        if (here && here->starts_with(k_query_file)) return here;
        if (skips.postgres.contains(self) || (!own.empty() && skips.postgres.contains(own))) return std::nullopt;
        if (!why) why = std::move(here);
        if (folder.empty()) break;
        folder = parent(folder);
    }
    return why;
}

std::vector<FileReport> set_aside_engine_files(std::vector<std::string>& files, const EngineScope& scope) {
    const std::set<std::string, std::less<>> named(scope.named.begin(), scope.named.end());
    std::set<std::string, std::less<>> given;
    std::vector<std::pair<std::string, std::string>> tops;  // the folders given (absolute, normal; as given)
    for (const auto& g : scope.given) {
        given.insert(normal(g));
        std::error_code ec;
        if (fs::is_directory(g, ec)) tops.emplace_back(normal(g), g);
    }
    std::map<std::string, EngineFiles, std::less<>> below;  // a folder given: its decisions
    std::vector<FileReport> out;
    std::vector<std::string> kept;
    for (auto& f : files) {
        const std::string self = normal(f);
        const std::pair<std::string, std::string>* top = nullptr;
        for (const auto& t : tops) {
            if (inside(self, t.first) && (top == nullptr || t.first.size() > top->first.size())) top = &t;
        }
        // Only the walk of a folder given finds a file here; a file a tool's settings name, a runner
        // runs or the command line names stays.
        if (top == nullptr || named.contains(self) || given.contains(self) || (scope.run_by_tool && scope.run_by_tool(f))) {
            kept.push_back(std::move(f));
            continue;
        }
        const std::string root = top->first;
        std::string shown_top = fs::path(top->second).lexically_normal().generic_string();
        shown_top = shown_top == "." || shown_top == "./" ? std::string() : shown_top + (shown_top.ends_with('/') ? "" : "/");
        auto [at, first] = below.try_emplace(root, [root](const std::string& rel) -> std::optional<std::string> {
            const std::string path = root + (root.ends_with('/') ? "" : "/") + rel;
            std::error_code ec;
            if (!fs::is_regular_file(path, ec)) return std::nullopt;
            auto text = read_regular_file(path, k_config_max_bytes, "an sqlc config");
            if (!text) return std::nullopt;
            return std::move(*text);
        }, shown_top);
        auto skip = at->second.decide(self.substr(root.size() + (root.ends_with('/') ? 0 : 1)));
        if (!skip) {
            kept.push_back(std::move(f));
            continue;
        }
        FileReport report;
        report.path = f;
        report.skipped = true;
        report.skip_reason = std::move(*skip);
        out.push_back(std::move(report));
    }
    files = std::move(kept);
    return out;
}

}  // namespace pgfence::analyze::tools
