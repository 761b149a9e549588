// A package script that migrates with the project's own program (review87 miss 1: formbricks'
// `db:migrate:deploy: node ./dist/scripts/apply-migrations.js`, which runs Prisma's SQL folders and
// its own data migrations). pgfence models the migration tools' commands, not such a program: the
// migrations it runs, in what order and transaction, are not seen.
#include <string>
#include <string_view>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/tool_runners.hpp"

namespace pgfence::analyze::tools::deploy_detail {

std::string own_program_unknown(std::string_view script, std::string_view base, const ReadFile& read) {
    if (script.empty() || script.find('$') != std::string_view::npos) return "";
    // A Node or Python program (script_word gives its file); shell scripts are read as command files.
    const std::string_view last = path_name(script);
    const std::size_t dot = last.rfind('.');
    if (dot == std::string_view::npos) return "";
    const std::string_view ext = last.substr(dot + 1);
    const bool js = ext == "js" || ext == "mjs" || ext == "cjs";
    if (!js && ext != "ts" && ext != "mts" && ext != "cts" && ext != "py") return "";
    const auto top = from_top_path(script);
    const std::string file = top ? *top : repository_path(base, script);
    if (file.empty()) return "";  // outside the repository: script_unknown reports it
    // A runner of a tool pgfence follows (knex.migrate.latest(), umzug, TypeORM's
    // runMigrations()): read default-deny as the tool's process (tool_runners.hpp).
    if (read) {
        if (const auto text = read(file); text && loads_migration_tool(*text)) return "";
    }
    std::string built;
    // A build output (dist/, build/, out/) of a TypeScript source the repository holds.
    for (std::string_view out : {"dist/", "build/", "out/"}) {
        const std::size_t at = file.starts_with(out) ? 0 : file.find("/" + std::string(out));
        if (at == std::string::npos || !js || !read) continue;
        const std::size_t from = at == 0 ? 0 : at + 1;
        std::string src = file.substr(0, from) + "src/" + file.substr(from + out.size());
        src = src.substr(0, src.size() - ext.size()) + "ts";
        if (read(src)) {
            built = ", built from " + printable(src);
            break;
        }
    }
    return "this command migrates with the project's own program " + printable(file) + built +
           ", which pgfence does not model: the migrations it runs, in what order and transaction, are not seen";
}

std::string own_runner_unknown(std::string_view name, std::string_view command, std::string_view base, const ReadFile& read) {
    // Only a script whose name says it migrates: a deploy's `start: node server.js` or `build:
    // node scripts/build.js` runs the application or its build, not its migrations.
    const std::string n = lower(name);
    if (n.find("migrat") == std::string::npos) return "";
    // npm's `premigrate` / `postmigrate` run around the migration (tool_runners.hpp reads them).
    if (n.starts_with("pre") || n.starts_with("post")) return "";
    // A developer's tool that writes or inspects migrations (`generate-data-migration`,
    // `create-migration`, `migrate:status`): it runs none.
    for (std::string_view w : {"generat", "create", "new", "make", "scaffold", "status", "check", "lint", "diff"}) {
        if (n.find(w) != std::string::npos) return "";
    }
    for (const auto& words : simple_commands(command)) {
        if (std::string why = own_program_unknown(script_word(words), base, read); !why.empty()) return why;
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
