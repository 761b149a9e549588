// The modules a script loads and how far they are followed (split from module_writes.cpp, moves
// only): module_loads, driver_loads, SharedLoads and settings_module_writes, with the Loader that
// reads each loaded module once. Sources are cited where each rule is.
#include "analyze/orm/module_writes.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/load_paths.hpp"
#include "analyze/orm/rebinding.hpp"

#include "analyze/orm/module_writes_detail.hpp"

namespace pgfence::analyze::orm {
using namespace module_writes_detail;

namespace {

// How far loaded modules are followed: a depth, and files and bytes in all (each read once).
constexpr int k_max_load_depth = 64;
constexpr std::size_t k_max_loaded_files = 128;
constexpr std::size_t k_max_loaded_bytes = 16u << 20;


// `module.require` (Node's Module API, require's own function) or a name createRequire made;
// `require` / `import` themselves are module_loads' own case.
bool requires_at(const std::vector<Token>& t, std::size_t k, const Requirers& r) {
    if (is(t, k, "require")) return member(t, k) && k >= 2 && is(t, k - 2, "module") && !member(t, k - 2);
    return ident(t, k) && !member(t, k) && r.names.contains(t[k].text);
}

}  // namespace

std::vector<ModuleLoad> module_loads(const std::vector<Token>& t) {
    std::vector<ModuleLoad> out;
    const std::size_t n = t.size();
    const Requirers made = requirers_of(t);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        std::string spec;
        if (made.calls.contains(k + 1) && k + 4 < n && constant_spec(t, k + 2, &spec) && is(t, k + 3, ")")) {
            out.push_back(ModuleLoad{k, k + 2, spec, false});  // `createRequire(...)("x")`: `k` is the `)` before
            continue;
        }
        if (requires_at(t, k, made) && is(t, k + 1, "(") && k + 3 < n && constant_spec(t, k + 2, &spec) && is(t, k + 3, ")")) {
            out.push_back(ModuleLoad{k, k + 2, spec, false});
            continue;
        }
        if (member(t, k)) continue;
        if ((is(t, k, "require") || is(t, k, "import")) && is(t, k + 1, "(") && k + 3 < n && constant_spec(t, k + 2, &spec) && is(t, k + 3, ")")) {
            const bool statement = k == 0 || is(t, k - 1, ";") || is(t, k - 1, "}") || is(t, k - 1, "{") || !operand_end(t, k - 1);
            const bool bare = statement && !(k > 0 && (is(t, k - 1, "=") || is(t, k - 1, "(") || is(t, k - 1, ",") || is(t, k - 1, ":") ||
                                                        is(t, k - 1, "await") || is(t, k - 1, "return")));
            out.push_back(ModuleLoad{k, k + 2, spec, bare && !is(t, k + 4, ".")});
        } else if (is(t, k, "import") && t[k + 1].kind == TokenKind::String) {
            out.push_back(ModuleLoad{k, k + 1, t[k + 1].string.value, true});
        } else if ((is(t, k, "import") || is(t, k, "export")) && !is(t, k + 1, "(") && !is(t, k + 1, ".")) {
            // `import type { Pool } from 'pg'`, `export type { X } from`: TypeScript erases them (not
            // `import type from 'x'` nor `import type, { a } from 'x'`, which bind a name `type`).
            if (is(t, k + 1, "type") && !is(t, k + 2, "from") && !is(t, k + 2, ",") && !is(t, k + 2, "=")) continue;
            for (std::size_t j = k + 1; j + 1 < n && j < k + 4096 && !is(t, j, ";"); ++j) {
                if (is(t, j, "from") && t[j + 1].kind == TokenKind::String) {
                    out.push_back(ModuleLoad{k, j + 1, t[j + 1].string.value, false});
                    break;
                }
                if (t[j].kind == TokenKind::String || is(t, j, "import") || is(t, j, "export")) break;
            }
        }
    }
    return out;
}

namespace {

bool relative(std::string_view spec) { return spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".."; }

int line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The first `require(...)` / `import(...)` whose module is not one constant name (offset), or npos:
// which code it loads is not followed (`require(path.join(__dirname, 'boot'))`).
std::size_t first_computed_load(const std::vector<Token>& t) {
    const Requirers made = requirers_of(t);
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const bool made_call = made.calls.contains(k + 1) || requires_at(t, k, made);
        if (!made_call && (!(is(t, k, "require") || is(t, k, "import")) || member(t, k))) continue;
        if (!is(t, k + 1, "(")) continue;
        std::string spec;
        if (k + 3 < t.size() && constant_spec(t, k + 2, &spec) && is(t, k + 3, ")")) continue;
        return t[k].begin;
    }
    return std::string::npos;
}

class Loader {
public:
    // `drivers`: a loaded module's import of a database driver or a way to run programs is a why
    // too (settings_module_writes: in the tool's process, before any migration; red team R79 B14).
    explicit Loader(std::vector<std::string>& read, bool drivers = false, std::size_t most_files = k_max_loaded_files,
                    std::size_t most_bytes = k_max_loaded_bytes)
        : m_read(read), m_drivers(drivers), m_most_files(most_files), m_most_bytes(most_bytes) {}

    // Why the module at `file` (or one it loads) is not known not to write another module's
    // value, "" when it is known not to.
    std::string check(const std::string& file, int depth) {
        if (auto known = m_done.find(file); known != m_done.end()) return known->second;
        m_done[file] = "";  // while it is read: a cycle adds nothing
        const std::string name = std::filesystem::path(file).filename().string();
        if (name.ends_with(".json")) return "";
        if (depth >= k_max_load_depth || m_files >= m_most_files || m_bytes >= m_most_bytes) {
            return m_done[file] = "it is past pgfence's limit on following the modules a migration loads";
        }
        auto text = read_limited(file, m_most_bytes - m_bytes);
        if (!text) return m_done[file] = "it could not be read, or is past pgfence's limit on following the modules a migration loads";
        ++m_files;
        m_bytes += text->size();
        if (std::find(m_read.begin(), m_read.end(), file) == m_read.end()) m_read.push_back(file);
        const std::vector<Token> tokens = lex_js(*text);
        if (!tokens.empty() && !tokens.back().unreadable.empty()) {
            return m_done[file] = name + " is not read to its end (" + tokens.back().unreadable + ")";
        }
        if (auto writes = module_writes(tokens); !writes.empty()) {
            return m_done[file] = "at line " + std::to_string(line_at(*text, writes.front().first)) + " of " + name + ": " + writes.front().second;
        }
        if (m_drivers) {
            if (auto drivers = driver_loads(tokens); !drivers.empty()) {
                return m_done[file] = "at line " + std::to_string(line_at(*text, drivers.front().first)) + " of " + name + ": " + drivers.front().second;
            }
            // In the tool's process before any migration (settings, runners, entities): a module
            // loaded by a computed name is code pgfence does not read.
            if (const std::size_t at = first_computed_load(tokens); at != std::string::npos) {
                return m_done[file] = "at line " + std::to_string(line_at(*text, at)) + " of " + name +
                                      ": it loads a module by a name computed when it runs, which pgfence does not follow";
            }
        }
        for (const ModuleLoad& l : module_loads(tokens)) {
            std::string ambiguous;
            auto next = resolve_import(file, l.spec, &ambiguous);  // a relative path, or a path alias
            std::string why;
            if (!next) {
                if ((!l.bare || !relative(l.spec)) && ambiguous.empty()) continue;  // a helper not found: its calls are the walker's
                why = name + " loads '" + l.spec + "', which pgfence cannot follow" + (ambiguous.empty() ? std::string(" (no file of the repository)") : ambiguous);
            } else {
                why = check(*next, depth + 1);
            }
            if (!why.empty()) return m_done[file] = why;
        }
        return "";
    }

private:
    std::vector<std::string>& m_read;
    bool m_drivers = false;
    std::size_t m_most_files = k_max_loaded_files;
    std::size_t m_most_bytes = k_max_loaded_bytes;
    std::map<std::string, std::string> m_done;
    std::size_t m_files = 0;
    std::size_t m_bytes = 0;
};

}  // namespace

std::size_t computed_load(const std::vector<Token>& tokens) { return first_computed_load(tokens); }

std::vector<std::pair<std::size_t, std::string>> driver_loads(const std::vector<Token>& tokens) {
    std::vector<std::pair<std::size_t, std::string>> out;
    const std::set<std::size_t> idioms = pg_idiom_loads(tokens);
    for (const ModuleLoad& l : module_loads(tokens)) {
        const std::string_view package = package_of(l.spec);
        if (relative(l.spec) || !driver_module(package) || package == "typeorm" || package == "sequelize" || package == "knex") continue;
        // pg_idiom_loads names the specifier's token, the one after `require (` or `from`.
        bool idiom = false;
        for (std::size_t k = l.at; k < tokens.size() && k < l.at + 4096 && !idiom; ++k) {
            if (tokens[k].kind == TokenKind::String) {
                idiom = idioms.contains(k);
                break;
            }
        }
        if (idiom) continue;
        out.emplace_back(tokens[l.at].begin, "it loads '" + l.spec + "' (a database driver or a way to run programs): what that code runs "
                                             "when it is loaded is not known");
    }
    return out;
}

namespace {

// One import whose code is not known not to change what the migration runs: where, why, and
// whether it names a package or a path alias (not a relative path).
struct LoadWhy {
    std::size_t at = 0;
    std::string why;
    bool by_name = false;
};

std::vector<LoadWhy> whys_through(Loader& loader, std::string_view path, const std::vector<Token>& tokens) {
    std::vector<LoadWhy> out;
    for (const ModuleLoad& l : module_loads(tokens)) {
        if (!relative(l.spec) && path.empty()) continue;
        std::string ambiguous;
        auto file = path.empty() ? std::nullopt : resolve_import(path, l.spec, &ambiguous);
        std::string why;
        if (!file) {
            if ((!l.bare || !relative(l.spec)) && ambiguous.empty()) continue;  // a helper not found: its calls are the walker's
            why = "pgfence cannot follow it" + (ambiguous.empty() ? std::string(" (no file of the repository)") : ambiguous) +
                  ": its code runs when the script loads, and may replace what the migration calls";
        } else if (std::string found = loader.check(*file, 1); !found.empty()) {
            why = found;
        }
        if (why.empty()) continue;
        out.push_back(LoadWhy{tokens[l.at].begin, "'" + l.spec + "', which this script loads (its code runs in the same process, before the "
                                                  "migration's up()): " + why, !relative(l.spec)});
    }
    return out;
}

std::vector<std::pair<std::size_t, std::string>> writes_through(Loader& loader, std::string_view path, const std::vector<Token>& tokens) {
    std::vector<std::pair<std::size_t, std::string>> out;
    for (LoadWhy& w : whys_through(loader, path, tokens)) out.emplace_back(w.at, std::move(w.why));
    return out;
}

// The set's limits: a TypeORM project of some hundred entities loads most of its application
// through them, each module once.
constexpr std::size_t k_max_shared_files = 4096;
constexpr std::size_t k_max_shared_bytes = 64u << 20;

}  // namespace

std::vector<std::pair<std::size_t, std::string>> loaded_module_writes(std::string_view path, const std::vector<Token>& tokens,
                                                                      std::vector<std::string>& read, bool drivers) {
    Loader loader(read, drivers);
    return writes_through(loader, path, tokens);
}

struct SharedLoads::State {
    std::vector<std::string> read;
    Loader loader{read, true, k_max_shared_files, k_max_shared_bytes};
};

SharedLoads::SharedLoads() : m_state(std::make_unique<State>()) {}
SharedLoads::~SharedLoads() = default;

std::vector<std::pair<std::size_t, std::string>> SharedLoads::writes(std::string_view path, const std::vector<Token>& tokens) {
    return writes_through(m_state->loader, path, tokens);
}

bool runs_in_tool_process(std::string_view path) {
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    const std::string_view folder = path.substr(0, path.size() - name.size());
    auto script = [](std::string_view n) {
        for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) {
            if (n.ends_with(ext)) return true;
        }
        return false;
    };
    // knexfile.js, knexfile.ts, ...: the name knex's CLI looks for, not a knexfile.test.ts beside it.
    if (name.starts_with("knexfile.") && script(name) && name.find('.', 9) == std::string_view::npos) return true;
    if (name == ".sequelizerc") return true;
    return (name == "config.js" || name == "config.cjs") && (folder == "config/" || folder.ends_with("/config/"));
}

std::vector<std::pair<int, std::string>> settings_module_writes(std::string_view path, std::string_view text, const std::function<bool(int)>& shown) {
    const std::vector<Token> tokens = lex_js(text);
    auto found = module_writes(tokens);
    std::vector<std::string> read;
    Loader loader(read, true);
    // An app's entry file (jellyseerr's server/index.ts: some forty imports of packages and
    // `@server/*` aliases) would give one unknown per import by name. One per file is enough for
    // a person to review it: the first such import, naming how many more and their lines
    // (review 85, class A). A relative import pgfence cannot follow keeps its own line.
    const LoadWhy* first_by_name = nullptr;
    std::vector<int> more_lines;
    const std::vector<LoadWhy> loads = whys_through(loader, path, tokens);
    for (const LoadWhy& w : loads) {
        if (!w.by_name) found.emplace_back(w.at, w.why);
        else if (shown && !shown(line_at(text, w.at))) continue;
        else if (!first_by_name) first_by_name = &w;
        else more_lines.push_back(line_at(text, w.at));
    }
    if (first_by_name) {
        std::string why = first_by_name->why;
        if (!more_lines.empty()) {
            why += "; and " + std::to_string(more_lines.size()) + " more import" + (more_lines.size() == 1 ? "" : "s") +
                   " by name not followed (line" + (more_lines.size() == 1 ? " " : "s ");
            constexpr std::size_t k_most_lines = 16;
            for (std::size_t i = 0; i < more_lines.size() && i < k_most_lines; ++i) why += (i ? ", " : "") + std::to_string(more_lines[i]);
            if (more_lines.size() > k_most_lines) why += ", ...";
            why += ")";
        }
        found.emplace_back(first_by_name->at, std::move(why));
    }
    std::vector<std::pair<int, std::string>> out;
    for (auto& [at, why] : found) {
        out.emplace_back(line_at(text, at), "the migration tool runs this file in the process that then runs the migrations: " + std::move(why));
    }
    // .sequelizerc is no settings file tools::spliced_settings reads: where the lexer stops, the
    // rest of it is not read for writes either (red team R79 B4).
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    if (name == ".sequelizerc") {
        if (auto stop = lexing_stop(text, true)) {
            out.emplace_back(line_at(text, stop->at), "the migration tool runs this file in the process that then runs the migrations, and "
                                                      "pgfence does not read it past this point (" + stop->why + ")");
        }
    }
    return out;
}

}  // namespace pgfence::analyze::orm