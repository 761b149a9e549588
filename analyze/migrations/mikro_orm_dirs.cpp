// MikroORM's migrations folder, as its CLI finds its configuration (red team R87 F6). Sources,
// @mikro-orm/core and @mikro-orm/cli 6.6.16:
// - cli/CLIHelper.js getConfiguration: registerDotenv (the MIKRO_ORM_* keys of the working
//   folder's .env, or of MIKRO_ORM_ENV's file, into process.env) and then, unless `--config` names
//   the files, ConfigurationLoader.getConfigPaths();
// - core/utils/ConfigurationLoader.js getConfigPaths: MIKRO_ORM_CLI_CONFIG, then package.json's
//   "mikro-orm": { "configPaths": [...] }, then ./src/mikro-orm.config.ts, ./mikro-orm.config.ts,
//   ./{dist,build,src}/mikro-orm.config.js, ./mikro-orm.config.js; the first that exists is loaded;
//   loadEnvironmentVars: MIKRO_ORM_MIGRATIONS_PATH, _PATH_TS, _GLOB and MIKRO_ORM_BASE_DIR override
//   the file's (mergeConfig(tmp, options, env));
// - core/utils/Configuration.js: migrations.path './migrations', glob '!(*.d).{js,ts,cjs}', baseDir
//   process.cwd(); migrations/Migrator.js: the folder is pathTs under ts-node (the CLI prefers it),
//   else path, each relative to baseDir, and umzug loads join(folder, glob).
// The CLI runs in the project's folder (package.json's), so paths are relative to it, not to the
// settings file's; `path.join(__dirname, ...)` is the file's own folder.
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/rebinding.hpp"
#include "analyze/migrations/tool_dirs_walk.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/workflow_env_writes.hpp"
#include "analyze/migrations/workflow_values.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {
namespace {

constexpr std::string_view k_config_names[] = {"mikro-orm.config.ts", "mikro-orm.config.js", "src/mikro-orm.config.ts", "src/mikro-orm.config.js",
                                               "dist/mikro-orm.config.js", "build/mikro-orm.config.js"};

std::string joined(std::string_view base, std::string_view name) { return base.empty() ? std::string(name) : std::string(base) + "/" + std::string(name); }

// The settings file `file` (repository-relative) read as MikroORM's configuration, its entries
// said at `line` of the file that names it (`how`): the CLI runs in `run_folder`.
void read_named(std::string_view how, int line, const std::string& file, std::string_view run_folder, const ReadFile& read, std::vector<ToolDir>& out) {
    std::optional<std::string> text;
    if (read) text = read(file);
    if (!text) {
        out.push_back(computed("mikro-orm", std::string(how), line,
                               "it names the configuration file " + shown(file) + ", which pgfence cannot read in the repository: its migrations folder is not known",
                               true));
        out.back().named_file = file;
        return;
    }
    const std::string base(run_folder);
    std::vector<ToolDir> named;
    read_js(file, *text, "mikro-orm", named, &base);
    for (auto& d : named) {
        d.setting = std::string(how) + " " + shown(file) + " " + d.setting;
        d.line = line;
        d.named_file = file;
        out.push_back(std::move(d));
    }
}

}  // namespace

bool mikro_orm_config_name(std::string_view name) { return name.starts_with("mikro-orm.config.") && script_name(name); }

std::string mikro_orm_run_folder(std::string_view path) {
    const std::string_view folder = path_folder(path);
    const std::string_view last = path_name(folder);
    if (last == "src" || last == "dist" || last == "build") return std::string(path_folder(folder));
    return std::string(folder);
}

void read_mikro_orm_package(std::string_view path, std::string_view text, std::vector<ToolDir>& out, const ReadFile& read) {
    if (text.find("configPaths") == std::string_view::npos) return;
    const std::string base(path_folder(path));
    const Lines lines_of(text);
    walk_keys(text, [&](JsWalk& w, const std::string& key, const std::string& parent, std::size_t) {
        if (key != "configPaths" || parent != "mikro-orm") return false;
        const int n = lines_of.at(w.at());
        std::string_view expr;
        auto values = w.value(expr);
        if (!values) {
            out.push_back(computed("mikro-orm", "\"mikro-orm\".configPaths", n, "its value " + shown(expr) + " is not a list of strings", true));
            return true;
        }
        for (std::size_t i = 0; i < values->size() && i < k_most_dirs; ++i) {
            const auto file = repository_join(base, (*values)[i]);
            if (!file) {
                out.push_back(computed("mikro-orm", "\"mikro-orm\".configPaths", n, "it names " + shown((*values)[i]) + ", outside the repository", true));
                continue;
            }
            read_named("\"mikro-orm\".configPaths", n, *file, base, read, out);
        }
        return true;
    });
}

void read_mikro_orm_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out, const ReadFile& read) {
    if (text.find("MIKRO_ORM_") == std::string_view::npos) return;
    const std::string base(path_folder(path));
    for (std::string_view key : {"MIKRO_ORM_MIGRATIONS_PATH", "MIKRO_ORM_MIGRATIONS_PATH_TS"}) {
        for (const auto& v : env_values(text, key)) {
            if (!v.value) out.push_back(computed("mikro-orm", std::string(key), v.line, "its value " + shown(v.raw) + " reads another environment variable", true));
            else out.push_back(make("mikro-orm", std::string(key), v.line, base, *v.value, true));
        }
    }
    // A glob other than the default: every file of the folder may be loaded (tool_loads).
    std::string glob;
    int glob_line = 0;
    for (const auto& v : env_values(text, "MIKRO_ORM_MIGRATIONS_GLOB")) {
        glob = v.value.value_or("*");
        glob_line = v.line;
    }
    if (!glob.empty()) {
        bool named = false;
        for (auto& d : out) {
            if (d.tool != "mikro-orm" || !d.setting.starts_with("MIKRO_ORM_MIGRATIONS_PATH")) continue;
            d.glob = glob;
            named = true;
        }
        if (!named) {
            out.push_back(make("mikro-orm", "MIKRO_ORM_MIGRATIONS_GLOB", glob_line, base, "migrations", true));
            out.back().glob = glob;
        }
    }
    for (std::string_view key : {"MIKRO_ORM_BASE_DIR", "MIKRO_ORM_ENV"}) {
        for (const auto& v : env_values(text, key)) {
            out.push_back(computed("mikro-orm", std::string(key), v.line,
                                   "it sets " + std::string(key == "MIKRO_ORM_ENV" ? "the .env file MikroORM reads" : "the folder MikroORM's paths are relative to") +
                                       " to " + shown(v.raw) + ", which pgfence does not follow",
                                   true));
        }
    }
    for (const auto& v : env_values(text, "MIKRO_ORM_CLI_CONFIG")) {
        const auto file = v.value ? repository_join(base, *v.value) : std::nullopt;
        if (!file) {
            out.push_back(computed("mikro-orm", "MIKRO_ORM_CLI_CONFIG", v.line, "its value " + shown(v.raw) + " is not a file of the repository pgfence can name", true));
            continue;
        }
        read_named("MIKRO_ORM_CLI_CONFIG", v.line, *file, base, read, out);
    }
}

void read_mikro_orm_workflow_env(int line, std::string_view workflow, std::string_view base, std::vector<ToolDir>& out, const ReadFile& read) {
    // The variables the runner gives the step's shell (the workflow's, the job's and the step's
    // `env:`), and those the commands before this one set (`export`, an assignment, an earlier
    // step's $GITHUB_ENV write: workflow_env_writes.hpp, red team R88b F4), as a .env of the folder
    // the CLI runs in says them: the same keys count (read_mikro_orm_env), each at the line that
    // sets it. @mikro-orm/core 6.6.16 utils/ConfigurationLoader.js: MIKRO_ORM_CLI_CONFIG
    // (getConfigPaths), MIKRO_ORM_ENV (registerDotenv), loadEnvironmentVars: MIKRO_ORM_BASE_DIR,
    // MIKRO_ORM_MIGRATIONS_PATH, _PATH_TS, _GLOB.
    static constexpr std::string_view k_keys[] = {"MIKRO_ORM_MIGRATIONS_PATH", "MIKRO_ORM_MIGRATIONS_PATH_TS", "MIKRO_ORM_MIGRATIONS_GLOB",
                                                  "MIKRO_ORM_BASE_DIR", "MIKRO_ORM_ENV", "MIKRO_ORM_CLI_CONFIG"};
    const auto key_of = [](std::string_view name) { return std::find(std::begin(k_keys), std::end(k_keys), name) != std::end(k_keys); };
    std::string env;
    std::vector<int> at;
    if (workflow.find("MIKRO_ORM_") != std::string_view::npos) {
        const deploy_detail::WorkflowValues values(workflow);
        for (std::string_view key : k_keys) {
            std::vector<int> uses;
            const auto expanded = values.expand(line, "$" + std::string(key), uses);
            if (uses.empty()) continue;
            for (const auto& v : expanded) {
                if (v.find_first_of("\n\r") != std::string::npos) continue;
                env += std::string(key) + "=" + v + "\n";
                at.push_back(uses.front());
            }
        }
    }
    // The commands' writes, and the files the shell sources (`set -a; . ./ci.env; set +a`, `source
    // ci.env` then `export NAME`; red team R88c F7), in the order the lines run. A sourced file of
    // the repository is read as the shell reads it (its assignments and exports, as the run block's);
    // one by a computed name, outside the repository or not in it is unknown at the line. The
    // runner's and the image's own files (`. ~/.nvm/nvm.sh`, `. /etc/os-release`) are not the repository's.
    std::vector<std::pair<int, std::string>> sets;  // (the line that sets it, NAME=value)
    const auto apply = [&](const deploy_detail::EnvWrite& w, int at_line, const std::string& where) {
        if (w.name.empty()) {
            out.push_back(computed("mikro-orm", "$GITHUB_ENV", at_line,
                                   where + "writes " + shown(w.raw) + " into $GITHUB_ENV, which pgfence does not read: it may set a MIKRO_ORM_ "
                                   "variable that moves the migrations folder MikroORM's CLI runs",
                                   true));
        } else if (!w.value || w.value->find_first_of("#= \t") != std::string::npos) {
            out.push_back(computed("mikro-orm", w.name, at_line, where + "sets it to " + shown(w.raw) + ", which pgfence does not read", true));
        } else {
            sets.emplace_back(at_line, w.name + "=" + *w.value);
        }
    };
    if (workflow.find("MIKRO_ORM_") != std::string_view::npos || workflow.find("GITHUB_ENV") != std::string_view::npos) {
        for (const auto& w : deploy_detail::workflow_env_writes(workflow, line, key_of)) apply(w, w.line, "a command ");
    }
    for (const auto& f : deploy_detail::sourced_files(workflow, line)) {
        const std::string_view word = f.word;
        if (word.starts_with("/") || word.starts_with("~") || word.starts_with("$HOME") || word.starts_with("${HOME}")) continue;
        const bool plain = word.find_first_of("$`*?[{") == std::string_view::npos;
        const auto file = plain ? repository_join(base, word) : std::nullopt;
        const auto text = file && read ? read(*file) : std::nullopt;
        if (!text) {
            out.push_back(computed("mikro-orm", ". " + std::string(word), f.line,
                                   "this line sources " + shown(word) + ", which pgfence cannot read in the repository: the MIKRO_ORM_ variables it "
                                   "may set (the migrations folder MikroORM's CLI runs) are not known",
                                   true));
            continue;
        }
        const std::string from = "the file it sources (" + shown(*file) + ") ";
        for (const auto& w : deploy_detail::workflow_env_writes(*text, 0, key_of)) apply(w, f.line, from);
        for (const auto& inner : deploy_detail::sourced_files(*text, 0)) {
            out.push_back(computed("mikro-orm", ". " + std::string(word), f.line,
                                   from + "sources " + shown(inner.word) + " in turn, which pgfence does not follow: the MIKRO_ORM_ variables it may set are not known",
                                   true));
        }
    }
    std::stable_sort(sets.begin(), sets.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [set_at, pair] : sets) {
        env += pair + "\n";
        at.push_back(set_at);
    }
    if (env.empty()) return;
    std::vector<ToolDir> found;
    read_mikro_orm_env(joined(base, ".env"), env, found, read);
    for (auto& d : found) {
        d.line = at[static_cast<std::size_t>(std::clamp(d.line, 1, static_cast<int>(at.size())) - 1)];
        d.setting = "env: " + d.setting;
        out.push_back(std::move(d));
    }
}

void read_mikro_orm_command(int line, std::string_view rest, std::string_view base, std::vector<ToolDir>& out, const ReadFile& read) {
    // `--config x` (yargs: a string array, also `--config=x`): the file the CLI loads instead.
    bool present = false;
    std::size_t at = rest.find(" --config");
    if (at != std::string_view::npos) {
        std::string_view value = rest.substr(at + 9);
        present = value.empty() || value.front() == ' ' || value.front() == '=';
        if (present) {
            value.remove_prefix(value.empty() ? 0 : 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            value = value.substr(0, value.find(' '));
            const bool plain = !value.empty() && value.front() != '-' && value.find_first_of("$`'\\*?[{") == std::string_view::npos;
            const auto file = plain ? repository_join(base, value) : std::nullopt;
            if (!file) {
                out.push_back(computed("mikro-orm", "mikro-orm --config", line,
                                       "pgfence does not follow --config " + shown(value) + ": the configuration (and its migrations folder) is not known", true));
            } else {
                read_named("mikro-orm --config", line, *file, base, read, out);
            }
            return;
        }
    }
    // Only the commands that run migrations from the folder.
    const bool runs = rest.find("migration:up") != std::string_view::npos || rest.find("migration:down") != std::string_view::npos ||
                      rest.find("migration:fresh") != std::string_view::npos;
    if (!runs || !read) return;
    // A configuration pgfence reads where the CLI looks (the default paths; package.json's
    // configPaths and a .env's MIKRO_ORM_CLI_CONFIG are read with those files).
    for (std::string_view name : k_config_names) {
        if (read(joined(base, name))) return;
    }
    if (auto package = read(joined(base, "package.json")); package && package->find("configPaths") != std::string::npos) return;
    if (auto env = read(joined(base, ".env")); env && env->find("MIKRO_ORM_") != std::string::npos) return;
    out.push_back(computed("mikro-orm", "mikro-orm", line,
                           "it runs MikroORM's migrations with a configuration pgfence does not find (no mikro-orm.config.{ts,js} in " +
                               (base.empty() ? std::string("the repository's top") : shown(base)) +
                               " or its src/, dist/, build/, no package.json configPaths, no .env MIKRO_ORM_ keys): MIKRO_ORM_CLI_CONFIG or "
                               "the environment names its migrations folder",
                           true));
}

}  // namespace pgfence::analyze::tools::tool_dirs_detail
