#include "analyze/migrations/seed_dirs.hpp"

#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/toml_values.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

// The words of one command: `text` up to its next command (&&, ||, ;, |) or the quote that ends a
// package.json script, split at spaces and tabs.
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        std::size_t end = text.find_first_of(" \t", i);
        if (end == std::string_view::npos) end = text.size();
        if (end > i) out.push_back(text.substr(i, end - i));
        i = end;
    }
    return out;
}

// A word that runs `command` (`knex`, `npx knex`'s second word, `./node_modules/.bin/knex`).
bool runs(std::string_view word, std::string_view command) {
    return word == command || (word.size() > command.size() && word.ends_with(command) && word[word.size() - command.size() - 1] == '/');
}

// The value of `flag` among `w` after `from` (`--flag value` or `--flag=value`); `present` tells
// the flag is there; an empty value when it has none.
std::string_view flag_value(const std::vector<std::string_view>& w, std::size_t from, std::string_view flag, bool& present) {
    for (std::size_t i = from; i < w.size(); ++i) {
        if (w[i] == flag) {
            present = true;
            return i + 1 < w.size() && !w[i + 1].starts_with('-') ? w[i + 1] : std::string_view();
        }
        if (w[i].size() > flag.size() && w[i].starts_with(flag) && w[i][flag.size()] == '=') {
            present = true;
            return w[i].substr(flag.size() + 1);
        }
    }
    return {};
}

std::string joined(std::string_view base, std::string_view name) {
    return base.empty() || base == "." ? std::string(name) : std::string(base) + "/" + std::string(name);
}

bool plain_value(std::string_view v) { return !v.empty() && v.find_first_of("$`'\\*?[{") == std::string_view::npos; }

// knex's CLI finds its knexfile in the folder it runs in, by the extensions Liftoff registers
// (knex/knex bin/cli.js: new Liftoff({ name: 'knex', extensions: interpret.jsVariants }) and
// configName 'knexfile'); seed:run then reads the knexfile's seeds.directory, './seeds' by default
// (lib/migrations/seed/seeder-configuration-merger.js CONFIG_DEFAULT), and Seeder.js
// _waterfallBatch calls each file's seed(knex) in turn, outside any transaction.
void knex_seeds(const std::vector<std::string_view>& w, std::size_t at, int line, std::string_view base, const ReadFile& read,
                std::vector<ToolDir>& out) {
    const std::string setting = "knex seed:run";
    bool cwd = false;
    (void)flag_value(w, at, "--cwd", cwd);
    bool named = false;
    const std::string_view given = flag_value(w, at, "--knexfile", named);
    // --knexfile naming a knexfile.* of the repository (no --cwd): the CLI requires it and runs in
    // its folder (bin/cli.js: cwd = path.dirname(path.resolve(argv.knexfile))).
    const auto file = named && !cwd && plain_value(given) ? tool_dirs_detail::repository_join(base, given) : std::nullopt;
    if (cwd || (named && !(file && path_name(*file).starts_with("knexfile.") && read && read(*file)))) {
        out.push_back(unknown_dir("knex", setting, line,
                                  "pgfence does not follow " + std::string(cwd ? "--cwd" : "--knexfile") +
                                      ", which moves the knexfile its seed folder is read from",
                                  true));
        return;
    }
    const std::string run_folder = file ? std::string(path_folder(*file)) : std::string(base);
    for (std::string_view ext : {"js", "ts", "cjs", "mjs", "mts", "cts", "coffee"}) {
        const std::string knexfile = file ? *file : joined(base, "knexfile." + std::string(ext));
        auto text = read ? read(knexfile) : std::nullopt;
        if (!text) continue;
        auto dirs = read_knex_seeds(knexfile, *text, run_folder);
        if (dirs.empty()) break;  // no seeds.directory: ./seeds
        for (auto& d : dirs) {
            d.setting = setting + " (" + knexfile + " " + d.setting + ")";
            d.line = line;
            out.push_back(std::move(d));
        }
        return;
    }
    out.push_back(folder_dir("knex", setting + " (default seeds folder)", line, run_folder, "seeds", true));
}

// sequelize-cli's db:seed, db:seed:all and their :undo forms run the seeders' up() or down() from
// `seeders-path` (sequelize/cli src/core/yargs.js 'seeders-path', read from .sequelizerc in the
// working directory by loadRCFile; src/helpers/path-helper.js getPath('seeder') defaults to
// path.resolve(process.cwd(), 'seeders')), each through umzug with no transaction of its own.
void sequelize_seeders(const std::vector<std::string_view>& w, std::size_t at, int line, std::string_view base, const ReadFile& read,
                       std::vector<ToolDir>& out) {
    const std::string setting = "sequelize " + std::string(w[at]);
    bool present = false;
    (void)flag_value(w, at, "--options-path", present);
    if (present) {
        out.push_back(unknown_dir("sequelize", setting, line, "pgfence does not follow --options-path, which may move the seeders folder", true));
        return;
    }
    std::string_view given = flag_value(w, at, "--seeders-path", present);
    if (present) {
        if (plain_value(given)) out.push_back(folder_dir("sequelize", setting + " --seeders-path", line, base, given, true));
        else out.push_back(unknown_dir("sequelize", setting + " --seeders-path", line, "its value is computed, quoted or a pattern", true));
        return;
    }
    const std::string rc = joined(base, ".sequelizerc");
    if (auto text = read ? read(rc) : std::nullopt) {
        auto paths = sequelize_rc_seeder_paths(*text);
        for (const auto& p : paths) {
            const std::string s = setting + " (" + rc + ":" + std::to_string(p.line) + " seeders-path)";
            if (p.value) out.push_back(folder_dir("sequelize", s, line, base, *p.value, true));
            else out.push_back(unknown_dir("sequelize", s, line, "its value is computed when the tool runs", true));
        }
        if (!paths.empty()) return;
    }
    out.push_back(folder_dir("sequelize", setting + " (default seeders folder)", line, base, "seeders", true));
}

// `prisma db seed` runs the command package.json's prisma.seed (or prisma.config.ts's seed) names
// (prisma/prisma packages/migrate/src/utils/seed.ts getSeedCommandFromPackageJson, executeSeedCommand:
// execa of that command line): a program, whose SQL pgfence does not see.
void prisma_seed(int line, std::vector<ToolDir>& out) {
    out.push_back(unknown_dir("prisma", "prisma db seed", line,
                              "runs the seed command package.json's prisma.seed or prisma.config.ts names, a program whose SQL "
                              "pgfence does not see (the migrations folder is not in question)",
                              false));
    out.back().program = true;
}

// Rails' db:seed (and db:setup, db:reset, db:seed:replant, which seed too) loads db/seeds.rb
// (activerecord lib/active_record/railties/databases.rake: ActiveRecord::Tasks::DatabaseTasks.load_seed),
// Ruby pgfence does not read.
void rails_seed(std::string_view task, int line, std::vector<ToolDir>& out) {
    out.push_back(unknown_dir("rails", "rails " + std::string(task), line,
                              "runs db/seeds.rb (the application's seed loader), Ruby whose SQL pgfence does not see", false));
    out.back().program = true;
}

// `supabase db push --include-seed` runs the seed files of supabase/config.toml's [db.seed]
// sql_paths, globs relative to the supabase folder (default ./seed.sql; supabase/cli
// pkg/config/config.go, internal/db/push/push.go: migration.GetPendingSeeds). A named SQL file is
// read as psql would run it; a glob, or settings pgfence cannot read, is unknown at the command.
void supabase_seeds(int line, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    const std::string setting = "supabase db push --include-seed";
    const std::string config = joined(base, "supabase/config.toml");
    std::vector<std::pair<std::string, int>> paths;  // (path, line in config.toml)
    bool given = false;
    if (auto text = read ? read(config) : std::nullopt) {
        auto values = toml_values(*text);
        if (!values) {
            out.push_back(unknown_dir("supabase", setting, line, config + " is not TOML pgfence reads: its [db.seed] sql_paths are unknown", false));
            return;
        }
        for (const TomlValue& v : *values) {
            if (v.keys != std::vector<std::string>{"db", "seed", "sql_paths"}) continue;
            given = true;
            if (v.item < 0 && v.kind != TomlValue::Kind::Array) {
                out.push_back(unknown_dir("supabase", setting, line, config + ":" + std::to_string(v.first_line) + " sql_paths is not a list of paths", false));
                return;
            }
            if (v.item < 0) continue;
            if (v.kind != TomlValue::Kind::String) {
                out.push_back(unknown_dir("supabase", setting, line, config + ":" + std::to_string(v.first_line) + " sql_paths holds something other than a path", false));
                return;
            }
            paths.emplace_back(v.text, v.first_line);
        }
    }
    if (!given) paths.emplace_back("./seed.sql", 0);
    const std::string supabase = joined(base, "supabase");
    for (const auto& [p, at] : paths) {
        const std::string s = setting + (at > 0 ? " (" + config + ":" + std::to_string(at) + " sql_paths)" : " (default supabase/seed.sql)");
        if (plain_value(p)) out.push_back(folder_dir("psql", s, line, supabase, p, false));
        else out.push_back(unknown_dir("supabase", s, line, "it runs the seed files the pattern " + std::string(p.substr(0, 60)) +
                                                             " selects, which pgfence does not expand", false));
    }
}

}  // namespace

std::vector<ToolDir> read_seed_dirs(std::string_view path, std::string_view text, std::string_view base, const ReadFile& read) {
    (void)path;
    std::vector<ToolDir> out;
    int n = 1;
    for (std::size_t at = 0; at <= text.size() && out.size() < 16; ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        const bool knex = l.find("seed:run") != std::string_view::npos;
        const bool sequelize = l.find("db:seed") != std::string_view::npos;
        // Rails' seeding tasks, prisma's and supabase's seed commands (red team R78a B8).
        const bool rails = sequelize || l.find("db:setup") != std::string_view::npos || l.find("db:reset") != std::string_view::npos;
        const bool prisma = l.find("prisma") != std::string_view::npos && l.find("seed") != std::string_view::npos;
        const bool supabase = l.find("--include-seed") != std::string_view::npos;
        while ((knex || sequelize || rails || prisma || supabase) && !l.empty()) {
            std::size_t cut = l.find_first_of("&;|\"");
            std::string_view command = l.substr(0, cut);
            l = cut == std::string_view::npos ? std::string_view() : l.substr(cut + 1);
            auto w = words(command);
            for (std::size_t i = 0; i + 1 < w.size(); ++i) {
                if (knex && runs(w[i], "knex")) {
                    bool found = false;
                    for (std::size_t j = i + 1; j < w.size(); ++j) found = found || w[j] == "seed:run";
                    if (found) knex_seeds(w, i + 1, n, base, read, out);
                    break;
                }
                if (rails && (runs(w[i], "rails") || runs(w[i], "rake"))) {
                    for (std::size_t j = i + 1; j < w.size(); ++j) {
                        if (w[j].starts_with("db:seed") || w[j] == "db:setup" || w[j] == "db:reset") {
                            rails_seed(w[j], n, out);
                            break;
                        }
                    }
                    break;
                }
                if (prisma && runs(w[i], "prisma")) {
                    if (i + 2 < w.size() && w[i + 1] == "db" && w[i + 2] == "seed") prisma_seed(n, out);
                    break;
                }
                if (supabase && runs(w[i], "supabase")) {
                    bool push = false, seed = false;
                    for (std::size_t j = i + 1; j < w.size(); ++j) {
                        push = push || (w[j] == "push" && j > i + 1 && w[j - 1] == "db");
                        seed = seed || w[j] == "--include-seed";
                    }
                    if (push && seed) supabase_seeds(n, base, read, out);
                    break;
                }
                if (sequelize && (runs(w[i], "sequelize") || runs(w[i], "sequelize-cli"))) {
                    for (std::size_t j = i + 1; j < w.size(); ++j) {
                        if (w[j].starts_with("db:seed")) {
                            sequelize_seeders(w, j, n, base, read, out);
                            break;
                        }
                    }
                    break;
                }
            }
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
