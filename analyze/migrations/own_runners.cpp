// A package script that migrates with the project's own program (review87 miss 1: formbricks'
// `db:migrate:deploy: node ./dist/scripts/apply-migrations.js`, which runs Prisma's SQL folders and
// its own data migrations). pgfence models the migration tools' commands, not such a program: the
// migrations it runs, in what order and transaction, are not seen.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/tool_runners.hpp"

namespace pgfence::analyze::tools::deploy_detail {

namespace {

// The project's program a command's script word runs (a Node or Python file of the repository
// that loads no migration tool pgfence follows), and the TypeScript source of a built one.
struct OwnProgram {
    std::string file;
    std::string src;  // "" when not a build output of one
};

std::optional<OwnProgram> own_program(std::string_view script, std::string_view base, const ReadFile& read) {
    if (script.empty() || script.find('$') != std::string_view::npos) return std::nullopt;
    // A Node or Python program (script_word gives its file); shell scripts are read as command files.
    const std::string_view last = path_name(script);
    const std::size_t dot = last.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const std::string_view ext = last.substr(dot + 1);
    const bool js = ext == "js" || ext == "mjs" || ext == "cjs";
    if (!js && ext != "ts" && ext != "mts" && ext != "cts" && ext != "py") return std::nullopt;
    const auto top = from_top_path(script);
    const std::string file = top ? *top : repository_path(base, script);
    if (file.empty()) return std::nullopt;  // outside the repository: script_unknown reports it
    // A runner of a tool pgfence follows (knex.migrate.latest(), umzug, TypeORM's
    // runMigrations()): read default-deny as the tool's process (tool_runners.hpp).
    if (read) {
        if (const auto text = read(file); text && loads_migration_tool(*text)) return std::nullopt;
    }
    OwnProgram prog{file, {}};
    // A build output (dist/, build/, out/) of a TypeScript source the repository holds.
    for (std::string_view out : {"dist/", "build/", "out/"}) {
        const std::size_t at = file.starts_with(out) ? 0 : file.find("/" + std::string(out));
        if (at == std::string::npos || !js || !read) continue;
        const std::size_t from = at == 0 ? 0 : at + 1;
        std::string src = file.substr(0, from) + "src/" + file.substr(from + out.size());
        src = src.substr(0, src.size() - ext.size()) + "ts";
        if (read(src)) {
            prog.src = std::move(src);
            break;
        }
    }
    return prog;
}

// A name's words: split at any other character and at a camelCase step (`createMigration`).
std::vector<std::string> words_of(std::string_view name) {
    std::vector<std::string> out;
    std::string word;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (!std::isalnum(c) || (i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1])))) {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        }
        if (std::isalnum(c)) word += static_cast<char>(std::tolower(c));
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

// A developer's command around migrations, as the tools name theirs (`knex migrate:make`,
// `typeorm migration:create`, `prisma migrate status`, `drizzle-kit check`): it writes or
// inspects migrations and runs none.
bool developer_word(std::string_view w) {
    for (std::string_view d : {"generate", "generator", "gen", "create", "new", "make", "scaffold", "status", "check", "lint", "diff"}) {
        if (w == d) return true;
    }
    return false;
}

// A script name that says it migrates, not a developer's tool around migrations. The tool is
// named by whole words (review87's formbricks: `generate-data-migration`, `create-migration`;
// `migrate:status`): its last word is such a command, or its first is and its last is
// "migration(s)". A word of a longer command (`migrate:create-tables`, `migrate:check-and-apply`)
// is no such tool: those migrate (red team R88c F6). A tool's own generator (`knex migrate:make`,
// `typeorm migration:generate`, `drizzle-kit generate`, also `node ./node_modules/typeorm/cli.js`)
// is never a program of the project's: script_word() gives no file for a bin or node_modules/.
bool migrating_name(std::string_view name) {
    const std::string n = lower(name);
    if (n.find("migrat") == std::string::npos) return false;
    // npm's `premigrate` / `postmigrate` run around the migration (tool_runners.hpp reads them).
    if (n.starts_with("pre") || n.starts_with("post")) return false;
    const auto w = words_of(name);
    if (w.empty()) return true;
    if (developer_word(w.back())) return false;
    return !(developer_word(w.front()) && (w.back() == "migration" || w.back() == "migrations"));
}

}  // namespace

std::string own_program_unknown(std::string_view script, std::string_view base, const ReadFile& read) {
    const auto p = own_program(script, base, read);
    if (!p) return "";
    return "this command migrates with the project's own program " + printable(p->file) +
           (p->src.empty() ? std::string() : ", built from " + printable(p->src)) +
           ", which pgfence does not model: the migrations it runs, in what order and transaction, are not seen";
}

std::string own_runner_unknown(std::string_view name, std::string_view command, std::string_view base, const ReadFile& read) {
    // Only a script whose name says it migrates: a deploy's `start: node server.js` or `build:
    // node scripts/build.js` runs the application or its build, not its migrations.
    if (!migrating_name(name)) return "";
    for (const auto& words : simple_commands(command)) {
        if (std::string why = own_program_unknown(script_word(words), base, read); !why.empty()) return why;
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail

namespace pgfence::analyze::tools {

using namespace deploy_detail;

std::vector<OwnRunner> own_runner_programs(std::string_view path, std::string_view text, const ReadFile& read) {
    constexpr std::size_t k_most = 64;
    std::vector<OwnRunner> out;
    const auto push = [&](int line, std::string how, const OwnProgram& p) {
        for (const std::string* f : {&p.file, &p.src}) {
            if (!f->empty() && out.size() < k_most) out.push_back(OwnRunner{line, *f, how});
        }
    };
    if (path_name(path) == "package.json") {
        for (const auto& s : package_scripts(text)) {
            if (!migrating_name(s.name)) continue;
            for (const auto& words : simple_commands(s.command)) {
                        if (auto p = own_program(script_word(words), path_folder(path), read)) push(s.line, "script " + printable(s.name), *p);
            }
        }
        return out;
    }
    // A command file's line that runs a program named to migrate (`node dist/migrate.js`).
    for (const auto& r : scripts_run_by_name(path, text)) {
        const std::string_view n = path_name(r.path);
        if (!migrating_name(n.substr(0, n.find('.')))) continue;
        if (auto p = own_program(r.path, "", read)) push(r.line, "its line", *p);
    }
    // A Ruby, Go or Node program of the project's that connects to PostgreSQL (`ruby scripts/fix.rb`,
    // `go run ./cmd/migrate`, `node scripts/cleanup.js`; red team R89 F8, R89b F8), whatever its
    // name, and one a package.json script it runs by name runs there (`npm run backfill`; one level,
    // a service's script apart). A workflow's lines run from the top, another command file's from its folder.
    const std::string base = runs_from_top(path) ? std::string() : std::string(path_folder(path));
    int n = 0;
    GoBuilds builds;
    std::optional<std::vector<Script>> scripts;
    std::size_t script_reads = 0;
    for (std::size_t at = 0; at <= text.size() && out.size() < k_most; ++n) {
        const std::size_t nl = text.find('\n', at);
        const std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        bool any = !builds.empty();
        for (std::string_view w : {"ruby", "go ", "node", "tsx", "ts-node", "bun", "deno", "npm", "yarn", "pnpm", "esno", "esmo", "jiti"}) any = any || line.find(w) != std::string_view::npos;
        if (!any) continue;
        for (const auto& words : simple_commands(line)) {
            if (auto f = driver_program(words, base, read, &builds)) push(n + 1, "its line", OwnProgram{*f, {}});
            for (const auto& run : scripts_run(words)) {
                if (run.folder || run.workspace || run.every || run.runner || !read || lower(run.name).starts_with("start") || lower(run.name).starts_with("serve")) continue;
                if (!scripts) {
                    const auto pj = read(base.empty() ? std::string("package.json") : base + "/package.json");
                    scripts = pj ? package_scripts(*pj) : std::vector<Script>{};
                }
                for (const Script& s : *scripts) {
                    if (s.name != run.name || ++script_reads > 64) continue;
                    for (const auto& w : simple_commands(s.command)) {
                        if (auto f = driver_program(w, base, read)) push(n + 1, "its line, by the package.json script " + printable(s.name), OwnProgram{*f, {}});
                    }
                }
            }
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
