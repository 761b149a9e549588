// The project's own Node program a command runs that loads a PostgreSQL driver (red team R89b F8),
// as other_runners.cpp's driver_program finds Ruby's and Go's (red team R89 F8): whatever its name,
// save a service's.
#include <array>
#include <cctype>
#include <deque>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/tool_runners.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

// The PostgreSQL clients a Node program loads by name: node-postgres (`pg`, `pg-native`, its pool
// `pg-pool`), postgres.js, pg-promise, slonik, @databases/pg, Neon's and Vercel's serverless
// drivers; and the ORMs and query builders that run SQL through one (red team R90 F5): knex
// (`knex.raw`), Sequelize (`sequelize.query`), TypeORM (`dataSource.query`), MikroORM, Objection
// and Kysely (`sql`...``), whatever dialect: a deploy script that loads one without running the
// tool's migrations (tool_runners.hpp loads_migration_tool) runs SQL pgfence does not read.
constexpr std::array<std::string_view, 15> k_drivers = {"pg", "pg-native", "pg-pool", "postgres", "pg-promise", "slonik", "@databases/pg",
                                                        "@neondatabase/serverless", "@vercel/postgres", "knex", "sequelize", "@sequelize/core",
                                                        "typeorm", "objection", "kysely"};

bool driver_spec(std::string_view spec) {
    for (std::string_view d : k_drivers) {
        if (spec == d || (spec.starts_with(d) && spec.size() > d.size() && spec[d.size()] == '/')) return true;
    }
    if (spec.starts_with("@mikro-orm/")) return true;
    // Drizzle's PostgreSQL adapters (drizzle-orm/node-postgres, postgres-js, neon-http, vercel-postgres,
    // pglite, aws-data-api/pg, pg-core...), not its mysql2 or better-sqlite3 ones.
    if (spec.starts_with("drizzle-orm/")) {
        for (std::string_view pg : {"pg", "postgres", "neon", "supabase", "xata"}) {
            if (spec.find(pg) != std::string_view::npos) return true;
        }
    }
    return false;
}

// Each module a source names to load: `require("x")`, `import ... from "x"`, `import "x"`,
// `import("x")`, `export ... from "x"`. Linear in the text.
template <typename F>
void each_loaded(std::string_view text, F each) {
    for (std::string_view key : {"require(", "from", "import(", "import"}) {
        for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + key.size())) {
            if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_' || text[at - 1] == '.')) continue;
            std::size_t q = at + key.size();
            while (q < text.size() && (text[q] == ' ' || text[q] == '\t')) ++q;
            if (q >= text.size() || (text[q] != '"' && text[q] != '\'' && text[q] != '`')) continue;
            const std::size_t end = text.find(text[q], q + 1);
            if (end == std::string_view::npos || end - q > 256) continue;
            each(text.substr(q + 1, end - q - 1));
        }
    }
}

// Whether a source loads a driver: by name, or Prisma's client with a raw SQL call
// (`$executeRawUnsafe`, `$queryRaw`).
bool loads_node_driver(std::string_view text) {
    bool driver = false, prisma = false;
    each_loaded(text, [&](std::string_view spec) {
        driver = driver || driver_spec(spec);
        prisma = prisma || spec == "@prisma/client";
    });
    if (driver) return true;
    return prisma && (text.find("$executeRaw") != std::string_view::npos || text.find("$queryRaw") != std::string_view::npos);
}

std::string stem(std::string_view file) {
    const std::string_view name = path_name(file);
    return std::string(name.substr(0, name.find('.')));
}

std::string joined(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

// The repository's JSON files (package.json, tsconfig.json, whose comments TypeScript allows), each
// read and parsed once for a program's walk; a missing or unparsable one is null.
class Jsons {
public:
    explicit Jsons(const ReadFile& read) : m_read(read) {}
    const nlohmann::json& at(const std::string& path) {
        auto [it, first] = m_docs.try_emplace(path);
        if (first) {
            if (const auto text = m_read(path)) {
                nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false, true);
                if (doc.is_object()) it->second = std::move(doc);
                else it->second = nlohmann::json::object({{"", nullptr}});  // there, though not read
            }
        }
        return it->second;
    }
    const std::optional<std::string>& pnpm_workspace() {
        if (!m_pnpm_read) m_pnpm = m_read("pnpm-workspace.yaml");
        m_pnpm_read = true;
        return m_pnpm;
    }

private:
    const ReadFile& m_read;
    std::optional<std::string> m_pnpm;
    bool m_pnpm_read = false;
    std::map<std::string, nlohmann::json> m_docs;
};

// A package.json `exports`/`imports` target: a string, or the first of the conditions Node
// takes for a require or an import (node, require, import, default), one level of nesting.
std::string target_of(const nlohmann::json& v, int depth = 0) {
    if (v.is_string()) return v.get<std::string>();
    if (!v.is_object() || depth > 2) return {};
    for (const char* c : {"node", "require", "import", "default"}) {
        if (auto it = v.find(c); it != v.end()) {
            if (std::string t = target_of(*it, depth + 1); !t.empty()) return t;
        }
    }
    return {};
}

// The key of `map` that matches `spec` (exactly, or a pattern with one `*`), with the `*` part.
std::optional<std::pair<const nlohmann::json*, std::string>> matching(const nlohmann::json& map, std::string_view spec) {
    if (!map.is_object()) return std::nullopt;
    if (auto it = map.find(std::string(spec)); it != map.end()) return std::pair{&*it, std::string()};
    for (auto it = map.begin(); it != map.end(); ++it) {
        const std::string& k = it.key();
        const std::size_t star = k.find('*');
        if (star == std::string::npos || k.find('*', star + 1) != std::string::npos) continue;
        const std::string_view head = std::string_view(k).substr(0, star), tail = std::string_view(k).substr(star + 1);
        if (spec.size() >= head.size() + tail.size() && spec.starts_with(head) && spec.ends_with(tail)) {
            return std::pair{&*it, std::string(spec.substr(head.size(), spec.size() - head.size() - tail.size()))};
        }
    }
    return std::nullopt;
}

std::string starred(std::string t, const std::string& part) {
    if (const std::size_t star = t.find('*'); star != std::string::npos) t.replace(star, 1, part);
    return t;
}

// The nearest package.json's folder above `file`, at most 16 levels up.
std::optional<std::string> package_folder(Jsons& jsons, std::string_view file) {
    std::string_view folder = path_folder(file);
    for (int level = 0; level < 16; ++level) {
        if (!jsons.at(joined(folder, "package.json")).is_null()) return std::string(folder);
        if (folder.empty()) break;
        folder = path_folder(folder);
    }
    return std::nullopt;
}

// A package's entry: `exports` (".") or `main`, else its index (Node's LOAD_AS_DIRECTORY).
std::string package_entry(Jsons& jsons, const std::string& folder, std::string_view subpath) {
    const nlohmann::json& pj = jsons.at(joined(folder, "package.json"));
    std::string t;
    if (pj.is_object()) {
        if (auto ex = pj.find("exports"); ex != pj.end()) {
            const std::string key = subpath.empty() ? std::string(".") : "./" + std::string(subpath);
            if (subpath.empty() && (ex->is_string() || (ex->is_object() && !ex->empty() && !ex->begin().key().starts_with(".")))) {
                t = target_of(*ex);
            } else if (auto m = matching(*ex, key)) {
                t = starred(target_of(*m->first), m->second);
            }
        }
        if (t.empty() && subpath.empty()) {
            if (auto main = pj.find("main"); main != pj.end() && main->is_string()) t = main->get<std::string>();
        }
    }
    if (t.empty()) t = subpath.empty() ? std::string("index") : std::string(subpath);
    return repository_path(folder, t);
}

// Where a bare specifier that names the repository's own code leads (red team R90 F5): a workspace
// package by its package.json `name` (npm/yarn `workspaces`, pnpm-workspace.yaml's `packages:`
// globs, the `*` taken as the name's last part), a `#` import of the nearest package.json's
// `imports` (Node's subpath imports), or a tsconfig.json `compilerOptions.paths` alias (from the
// top or the program's package). Each answer is a module spec for module_candidates; none when the
// specifier is an installed package's.
std::vector<std::string> own_module(Jsons& jsons, std::string_view from, std::string_view spec, const std::string& program_package) {
    std::vector<std::string> out;
    if (spec.starts_with('#')) {
        if (const auto folder = package_folder(jsons, from)) {
            const nlohmann::json& pj = jsons.at(joined(*folder, "package.json"));
            if (pj.is_object() && pj.contains("imports")) {
                if (auto m = matching(pj.at("imports"), spec)) out.push_back(repository_path(*folder, starred(target_of(*m->first), m->second)));
            }
        }
        return out;
    }
    // tsconfig paths, relative to baseUrl (else the tsconfig's folder).
    for (const std::string& folder : {std::string(), program_package}) {
        const nlohmann::json& ts = jsons.at(joined(folder, "tsconfig.json"));
        const auto co = ts.is_object() ? ts.find("compilerOptions") : ts.end();
        if (!ts.is_object() || co == ts.end() || !co->is_object() || !co->contains("paths")) continue;
        std::string base = folder;
        if (auto b = co->find("baseUrl"); b != co->end() && b->is_string()) base = repository_path(folder, b->get<std::string>());
        if (auto m = matching(co->at("paths"), spec); m && m->first->is_array()) {
            for (const auto& t : *m->first) {
                if (t.is_string() && out.size() < 4) out.push_back(repository_path(base, starred(t.get<std::string>(), m->second)));
            }
        }
        if (folder.empty() && program_package.empty()) break;
    }
    if (!out.empty()) return out;
    // A workspace package: `@scope/name[/sub]` or `name[/sub]`.
    const std::size_t name_end = spec.find('/', spec.starts_with('@') ? spec.find('/') + 1 : 0);
    const std::string_view name = spec.substr(0, name_end);
    const std::string_view sub = name_end == std::string_view::npos ? std::string_view() : spec.substr(name_end + 1);
    const std::string_view last = path_name(name);
    std::vector<std::string> globs;
    const nlohmann::json& root = jsons.at("package.json");
    if (root.is_object()) {
        nlohmann::json ws = root.contains("workspaces") ? root.at("workspaces") : nlohmann::json();
        if (ws.is_object() && ws.contains("packages")) ws = nlohmann::json(ws.at("packages"));
        if (ws.is_array()) {
            for (const auto& g : ws) {
                if (g.is_string() && globs.size() < 16) globs.push_back(g.get<std::string>());
            }
        }
    }
    if (const auto& pnpm = jsons.pnpm_workspace()) {
        for (std::size_t at = 0; at < pnpm->size() && globs.size() < 32;) {
            const std::size_t nl = pnpm->find('\n', at);
            std::string_view line = std::string_view(*pnpm).substr(at, nl == std::string::npos ? std::string::npos : nl - at);
            at = nl == std::string::npos ? pnpm->size() : nl + 1;
            const std::size_t dash = line.find("- ");
            if (dash == std::string_view::npos || line.substr(0, dash).find_first_not_of(' ') != std::string_view::npos) continue;
            std::string g(line.substr(dash + 2));
            std::erase_if(g, [](char c) { return c == '"' || c == '\'' || c == ' ' || c == '\r'; });
            if (!g.empty() && !g.starts_with('!')) globs.push_back(std::move(g));
        }
    }
    for (const std::string& g : globs) {
        std::string folder = g;
        while (folder.ends_with('/')) folder.pop_back();
        if (folder.ends_with("/**")) folder.resize(folder.size() - 3);
        if (folder.ends_with("/*")) folder = folder.substr(0, folder.size() - 1) + std::string(last);
        if (folder.find('*') != std::string::npos) continue;
        folder = repository_path("", folder);
        const nlohmann::json& pj = jsons.at(joined(folder, "package.json"));
        if (auto n = pj.is_object() ? pj.find("name") : pj.end(); n != pj.end() && n->is_string() && n->get<std::string>() == name) {
            out.push_back(package_entry(jsons, folder, sub));
            break;
        }
    }
    return out;
}

// A service: the application a deploy starts, which connects to its database as any does. By the
// name the command gives (`node scripts/cleanup` names `cleanup`, though Node loads its index.js;
// other_runners.cpp's serves()), or a package's own entry: its `main` (or `exports`), or the
// index/start file at its root.
bool node_service(Jsons& jsons, const std::string& given, const std::string& file) {
    const bool folder = file != given && file.starts_with(given + "/");
    if (serves_name(folder ? given : file)) return true;
    const std::string name = stem(file);
    if (name != "index" && name != "start") return false;
    const auto pkg = package_folder(jsons, file);
    if (!pkg) return false;
    if (*pkg == path_folder(file)) return true;
    for (const std::string& c : module_candidates(package_entry(jsons, *pkg, ""))) {
        if (c == file) return true;
    }
    return false;
}

bool code_file(std::string_view f) {
    for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"}) {
        if (f.ends_with(ext)) return !f.ends_with(".d.ts");
    }
    return false;
}

}  // namespace

bool node_runner_word(std::string_view w) {
    const std::string t = tool_word(w);
    // esno/esmo (tsx's old names), vite-node, jiti, sucrase-node: TypeScript runners as tsx is (red team R90b G10).
    return t == "node" || t == "nodejs" || t == "tsx" || t == "ts-node" || t == "ts-node-esm" || t == "bun" || t == "deno" || t == "babel-node" ||
           t == "esno" || t == "esmo" || t == "vite-node" || t == "jiti" || t == "sucrase-node";
}

std::optional<std::string> node_driver_program(const std::vector<std::string>& words, std::size_t k, std::string_view base, const ReadFile& read) {
    if (!read || k >= words.size() || !node_runner_word(words[k])) return std::nullopt;
    const std::string runner = tool_word(words[k]);
    std::size_t a = k + 1;
    // `deno run F`, `bun run F` (bun's own `bun F` too), `tsx watch F`.
    if (runner == "deno") {
        if (a >= words.size() || words[a] != "run") return std::nullopt;
        ++a;
    } else if ((runner == "bun" && a < words.size() && words[a] == "run") || (runner == "tsx" && a < words.size() && words[a] == "watch")) {
        ++a;
    }
    // Options before the program; these take a value as the next word.
    while (a < words.size() && words[a].starts_with("-")) {
        const std::string& o = words[a];
        if (o == "-e" || o == "--eval" || o == "-p" || o == "--print") return std::nullopt;  // code on the command line
        if (o == "--") {
            ++a;
            break;
        }
        const bool value = o == "-r" || o == "--require" || o == "--loader" || o == "--experimental-loader" || o == "--import" || o == "--env-file" ||
                           o == "-C" || o == "--conditions" || o == "--cwd" || o == "--preload" || o == "-P" || o == "--project" || o == "--tsconfig" ||
                           o == "-O" || o == "--compiler-options" || o == "-c" || o == "--config" || o == "--import-map" || o == "--title";
        a += value ? 2 : 1;
    }
    if (a >= words.size()) return std::nullopt;
    const std::string& arg = words[a];
    if (arg.find_first_of("$`") != std::string::npos) return std::nullopt;
    const auto top = from_top_path(arg);
    const std::string given = top ? *top : repository_path(base, arg);
    if (given.empty()) return std::nullopt;
    // `node scripts/cleanup` is scripts/cleanup.js (Node's LOAD_AS_FILE, LOAD_AS_DIRECTORY).
    std::string file;
    for (const std::string& c : code_file(given) ? std::vector<std::string>{given} : module_candidates(given)) {
        if (code_file(c) && read(c)) {
            file = c;
            break;
        }
    }
    Jsons jsons(read);
    if (file.empty() || node_service(jsons, given, file)) return std::nullopt;
    const std::string program_package = package_folder(jsons, file).value_or("");
    // The program and the modules it loads by relative path or by a bare specifier that names the
    // repository's own code (own_module): at most 32 files.
    std::deque<std::string> queue = {file};
    std::set<std::string> seen = {file};
    auto follow = [&](const std::string& spec) {
        if (spec.empty() || seen.size() >= 32) return;
        for (const std::string& c : module_candidates(spec)) {
            if (!code_file(c) || seen.contains(c) || !read(c)) continue;
            seen.insert(c);
            queue.push_back(c);
            break;
        }
    };
    while (!queue.empty()) {
        const std::string f = queue.front();
        queue.pop_front();
        const auto text = read(f);
        if (!text) continue;
        // A runner of a migration tool pgfence follows is read as the tool's process (tool_runners.hpp).
        if (f == file && loads_migration_tool(*text)) return std::nullopt;
        if (loads_node_driver(*text)) return file;
        for (const auto& m : relative_modules(f, *text)) follow(m.spec);
        std::size_t bare = 0;
        each_loaded(*text, [&](std::string_view spec) {
            if (spec.empty() || spec.starts_with('.') || spec.starts_with('/') || spec.starts_with("node:") || ++bare > 64 || seen.size() >= 32) return;
            for (const std::string& t : own_module(jsons, f, spec, program_package)) follow(t);
        });
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools::deploy_detail
