// The project's own Node program a command runs that loads a PostgreSQL driver (red team R89b F8),
// as other_runners.cpp's driver_program finds Ruby's and Go's (red team R89 F8): whatever its name,
// save a service's.
#include <array>
#include <cctype>
#include <deque>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/tool_runners.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

// The PostgreSQL clients a Node program loads by name: node-postgres (`pg`, `pg-native`),
// postgres.js, pg-promise, slonik, Neon's and Vercel's serverless drivers.
constexpr std::array<std::string_view, 7> k_drivers = {"pg", "pg-native", "postgres", "pg-promise", "slonik", "@neondatabase/serverless", "@vercel/postgres"};

bool driver_spec(std::string_view spec) {
    for (std::string_view d : k_drivers) {
        if (spec == d || (spec.starts_with(d) && spec.size() > d.size() && spec[d.size()] == '/')) return true;
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

// Whether a source loads a driver: by name, or Kysely with its PostgresDialect, or Prisma's client
// with a raw SQL call (`$executeRawUnsafe`, `$queryRaw`).
bool loads_node_driver(std::string_view text) {
    bool driver = false, kysely = false, prisma = false;
    each_loaded(text, [&](std::string_view spec) {
        driver = driver || driver_spec(spec);
        kysely = kysely || spec == "kysely";
        prisma = prisma || spec == "@prisma/client";
    });
    if (driver) return true;
    if (kysely && text.find("PostgresDialect") != std::string_view::npos) return true;
    return prisma && (text.find("$executeRaw") != std::string_view::npos || text.find("$queryRaw") != std::string_view::npos);
}

// A service by its name, as other_runners.cpp's serves() and a Node app's usual entry points
// (`index.js`, `start.js`): the application a deploy starts.
bool node_service(std::string_view file) {
    std::string_view name = path_name(file);
    name = name.substr(0, name.find('.'));
    return name == "index" || name == "start" || serves_name(file);
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
    return t == "node" || t == "nodejs" || t == "tsx" || t == "ts-node" || t == "ts-node-esm" || t == "bun" || t == "deno" || t == "babel-node";
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
    if (file.empty() || node_service(file)) return std::nullopt;
    // The program and the modules it loads by relative path: at most 32 files.
    std::deque<std::string> queue = {file};
    std::set<std::string> seen = {file};
    while (!queue.empty()) {
        const std::string f = queue.front();
        queue.pop_front();
        const auto text = read(f);
        if (!text) continue;
        // A runner of a migration tool pgfence follows is read as the tool's process (tool_runners.hpp).
        if (f == file && loads_migration_tool(*text)) return std::nullopt;
        if (loads_node_driver(*text)) return file;
        for (const auto& m : relative_modules(f, *text)) {
            if (m.spec.empty() || seen.size() >= 32) continue;
            for (const std::string& c : module_candidates(m.spec)) {
                if (!code_file(c) || seen.contains(c) || !read(c)) continue;
                seen.insert(c);
                queue.push_back(c);
                break;
            }
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools::deploy_detail
