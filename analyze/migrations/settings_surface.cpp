#include "analyze/migrations/settings_surface.hpp"

#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/preload_scripts.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/yarn_release.hpp"
#include "analyze/migrations/spring_env.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/rebinding.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

using tool_dirs_detail::printable;

// Calls `each(line_number, line)` for the lines of `text` (a trailing CR dropped).
template <typename F>
void each_line(std::string_view text, F each) {
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        each(n, l);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
}


bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

// Whether `word` is in `line` as a command word: not inside a longer name (knexfile, @types/knex,
// goose_db_version), a path's last part allowed (./bin/goose, node_modules/.bin/knex).
bool has_word(std::string_view line, std::string_view word) {
    for (std::size_t at = line.find(word); at != std::string_view::npos; at = line.find(word, at + 1)) {
        const std::size_t end = at + word.size();
        const bool start = at == 0 || !(word_char(line[at - 1]) || line[at - 1] == '@');
        if (start && (end == line.size() || !word_char(line[end]) || line[end] == '.')) {
            if (end < line.size() && line[end] == '.' && end + 1 < line.size() && word_char(line[end + 1])) continue;  // knex.js, goose.go
            return true;
        }
    }
    return false;
}

// A TypeORM CLI call that only writes a migration file, one command alone (no `;`, `&`, `|`,
// `$`, backquote: nothing else runs after it), whose every `migration:` verb is one of them: `migration:create` opens no connection, and
// `migration:generate` sets synchronize, migrationsRun and dropSchema off before it initialises
// the data source and only logs what the schema builder would send (typeorm 0.3
// src/commands/MigrationGenerateCommand.ts handler: setOptions({ synchronize: false,
// migrationsRun: false, dropSchema: false }), createSchemaBuilder().log()). No migration runs in
// its process, so what ts-node's settings map there is not the migrations' (review 85, class B).
bool typeorm_scaffold_line(std::string_view low) {
    if (!has_word(low, "typeorm") && !has_word(low, "typeorm-ts-node-commonjs") && !has_word(low, "typeorm-ts-node-esm")) return false;
    if (low.find_first_of(";&|$`\n") != std::string_view::npos) return false;
    // Every TypeORM verb on the line (package.json's script name, `"migration:generate": "…"`, is one).
    bool any = false;
    for (std::size_t at = low.find("migration:"); at != std::string_view::npos; at = low.find("migration:", at + 1)) {
        const std::string_view verb = low.substr(at + 10);
        bool scaffold = false;
        for (std::string_view v : {"create", "generate"}) {
            if (verb.starts_with(v) && (verb.size() == v.size() || verb[v.size()] == ' ' || verb[v.size()] == '\t' || verb[v.size()] == '"')) scaffold = true;
        }
        if (!scaffold) return false;
        any = true;
    }
    return any;
}

}  // namespace

std::string repository_path(std::string_view base, std::string_view value) {
    if (value.empty() || value.front() == '/' || value.front() == '\\') return {};
    std::vector<std::string_view> parts;
    for (std::string_view s : {base, value}) {
        while (!s.empty()) {
            std::size_t slash = s.find('/');
            std::string_view part = s.substr(0, slash);
            if (part == "..") {
                if (parts.empty()) return {};
                parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.push_back(part);
            }
            if (slash == std::string_view::npos) break;
            s.remove_prefix(slash + 1);
        }
    }
    std::string out;
    for (auto p : parts) out += (out.empty() ? "" : "/") + std::string(p);
    return out;
}

bool node_config_file(std::string_view path) {
    if (path_name(path_folder(path)) != "config") return false;
    const std::string_view name = path_name(path);
    if (name.ends_with(".d.ts")) return false;
    std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    const std::string_view ext = name.substr(dot + 1);
    for (std::string_view e : {"js", "cjs", "mjs", "ts", "json", "jsonc", "json5", "hjson", "toml", "coffee", "iced", "yaml", "yml",
                               "cson", "properties", "xml"}) {
        if (ext == e) return true;
    }
    return false;
}

bool node_pg_migrate_line(std::string_view line) {
    const std::string l = lower(line);
    for (std::string_view key : {"migration", "schema", "use-glob", "useglob", "ignore-pattern", "ignorepattern", "check-order",
                                 "checkorder", "database-url-var", "databaseurlvar"}) {
        if (l.find(key) != std::string::npos) return true;
    }
    return false;
}

bool make_file_name(std::string_view name) {
    // GNU make's own names ("What Name to Give Your Makefile") and the names projects give the files
    // they name with -f or include ("Including Other Makefiles"): Makefile.deploy, db.Makefile, x.mk, x.make.
    // Not a document or a copy about one (Makefile.txt, Makefile.md, Makefile.example).
    for (std::string_view doc : {".txt", ".md", ".rst", ".html", ".example", ".sample", ".orig", ".bak"}) {
        if (name.ends_with(doc)) return false;
    }
    return name == "Makefile" || name == "makefile" || name == "GNUmakefile" || name.starts_with("Makefile.") || name.starts_with("makefile.") ||
           name.ends_with(".mk") || name.ends_with(".make") || name.ends_with(".Makefile") || name.ends_with(".makefile");
}

bool just_file_name(std::string_view name) {
    // just's names (just manual, "Quick Start": justfile in any case, .justfile) and its modules' (`mod x`: x.just).
    return name == "justfile" || name == "Justfile" || name == ".justfile" || name.ends_with(".just") || name.ends_with(".justfile");
}

bool fly_config_name(std::string_view name) {
    // fly.toml, and the per-environment files `fly deploy --config` takes (fly.io/docs/launch/monorepo:
    // fly.production.toml, fly.staging.toml); flyctl also reads fly.json and fly.yaml.
    return name == "fly.toml" || name == "fly.json" || name == "fly.yaml" || name == "fly.yml" ||
           (name.starts_with("fly.") && name.ends_with(".toml"));
}

bool command_file(std::string_view path) {
    const std::string_view name = path_name(path);
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if (make_file_name(name) || just_file_name(name) || fly_config_name(name)) return true;
    if ((name.starts_with("Taskfile") || name.starts_with("taskfile")) && yaml) return true;
    if (name.ends_with(".sh") || name.ends_with(".bash")) return true;
    if ((name.starts_with("docker-compose") || name.starts_with("compose")) && yaml) return true;
    if (name == "Procfile") return true;
    // Docker and Podman take any file name with -f: Dockerfile, Containerfile (Podman's and
    // buildah's default), `*.dockerfile` in any case (red team R81a B8).
    const std::string low = lower(name);
    if (low == "dockerfile" || low.starts_with("dockerfile.") || low.ends_with(".dockerfile") || low == "containerfile" ||
        low.starts_with("containerfile.") || low.ends_with(".containerfile")) {
        return true;
    }
    // Elastic Beanstalk runs .ebextensions/*.config's `commands` and `container_commands`
    // (docs.aws.amazon.com/elasticbeanstalk, "Customizing software on Linux servers"); DigitalOcean
    // App Platform the app spec's `run_command` and `build_command` (.do/app.yaml, .do/deploy.template.yaml);
    // Netlify netlify.toml's `[build] command`, Vercel vercel.json's buildCommand, AWS Amplify
    // amplify.yml's build phases. GitLab CI's own files under .gitlab/ and *.gitlab-ci.yml, which
    // `.gitlab-ci.yml` includes (an include elsewhere is unknown: deploy_commands.cpp).
    if (path.starts_with(".ebextensions/") && name.ends_with(".config")) return true;
    if (path.starts_with(".do/") && yaml) return true;
    if (name == "netlify.toml" || name == "vercel.json" || name == "amplify.yml" || name == "amplify.yaml") return true;
    if (yaml && (path.starts_with(".gitlab/") || path.starts_with(".gitlab-ci/") || name.ends_with(".gitlab-ci.yml"))) return true;
    // Deploy platforms' and other CI systems' files that run a release command.
    for (std::string_view n : {"render.yaml", "heroku.yml", "app.json", "railway.toml", "railway.json", "nixpacks.toml",
                               "Jenkinsfile", "azure-pipelines.yml", ".drone.yml", "cloudbuild.yaml", "cloudbuild.yml", "Earthfile",
                               "Tiltfile", "skaffold.yaml", ".travis.yml", "buildspec.yml", "appveyor.yml"}) {
        if (name == n) return true;
    }
    // Platform.sh runs an application's `hooks:` (build, deploy, post_deploy) as shell scripts in
    // the application's folder, the one holding its .platform.app.yaml (docs.platform.sh
    // "Hooks": "The hooks run in the application's root folder").
    if (name == ".platform.app.yaml") return true;
    // Terraform's, rake's, mise's, deno's and Composer's files: their tasks' commands (other_runners.hpp).
    if (task_file(path)) return true;
    return runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash");
}

bool runs_from_top(std::string_view path) {
    const std::string_view name = path_name(path);
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if (yaml && (path.starts_with(".github/workflows/") || path.starts_with(".github/actions/"))) return true;
    if (name == ".gitlab-ci.yml" || path == ".circleci/config.yml" || name == "bitbucket-pipelines.yml") return true;
    // GitLab CI's included files, Elastic Beanstalk's and DigitalOcean's commands: run in the
    // checkout (the application's source bundle) whatever folder holds them.
    if (yaml && (path.starts_with(".gitlab/") || path.starts_with(".gitlab-ci/") || name.ends_with(".gitlab-ci.yml"))) return true;
    if ((path.starts_with(".ebextensions/") && name.ends_with(".config")) || (path.starts_with(".do/") && yaml)) return true;
    // Buildkite's pipeline files: the agent's `pipeline upload` reads buildkite.yml or
    // .buildkite/pipeline.yml (buildkite/agent clicommand/pipeline_upload.go, the default paths:
    // buildkite.{yml,yaml}, .buildkite/pipeline.{yml,yaml}, buildkite/pipeline.{yml,yaml}), and a step
    // uploads any other (`buildkite-agent pipeline upload .buildkite/deploy.yml`); steps run in the checkout.
    if (yaml && (path.starts_with(".buildkite/") || path.starts_with("buildkite/") || name == "buildkite.yml" || name == "buildkite.yaml")) {
        return true;
    }
    // Woodpecker: .woodpecker.yml, .woodpecker.yaml or every file of .woodpecker/ (woodpecker-ci
    // server/forge/configFetcher.go, the default config paths); steps run in the checkout.
    if (yaml && (path.starts_with(".woodpecker/") || name == ".woodpecker.yml" || name == ".woodpecker.yaml")) return true;
    // nx's project.json and nx.json: run-commands runs from the workspace root unless a cwd says
    // otherwise (nx_targets.hpp), the repository's top in the usual layout.
    if (name == "project.json" || name == "nx.json") return true;
    // Platform.sh's and Upsun's applications files, whose applications' root is the top by default.
    if (path == ".platform/applications.yaml" || path == ".upsun/config.yaml") return true;
    return name.ends_with(".sh") || name.ends_with(".bash");
}

// The commands each tool is started with (pressly/goose cmd/goose; amacneil/dbmate; golang-migrate
// cmd/migrate: -path, -source, -database; flyway's and liquibase's CLIs; node-pg-migrate, knex,
// sequelize-cli, typeorm bin names; diesel_cli; sqlx-cli).
bool tool_command_line(std::string_view line) {
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') return false;
    for (std::string_view env : {"GOOSE_", "DBMATE_", "FLYWAY_", "DIESEL_", "SPRING_FLYWAY", "SPRING_LIQUIBASE", "LIQUIBASE_", "NODE_CONFIG"}) {
        if (l.find(env) != std::string_view::npos) return true;
    }
    // Hibernate's schema management and Spring's SQL initialization set through the environment
    // (SPRING_JPA_HIBERNATE_DDL_AUTO, SPRING_SQL_INIT_MODE: tools/spring_env.hpp, red team R69 C7).
    if (spring_env_line(l)) return true;
    for (std::string_view tool : {"goose", "dbmate", "flyway", "liquibase", "node-pg-migrate", "node-pg-migrate-cjs", "node-pg-migrate-esm", "knex", "sequelize", "sequelize-cli",
                                  "typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm", "diesel", "sqlx", "db-migrate"}) {
        if (has_word(l, tool)) return true;
    }
    // Seed steps that run SQL or programs (tools/seed_dirs.hpp: prisma db seed, Rails' seeding tasks,
    // supabase db push --include-seed), and graphile-migrate, whose .gmrc actions run (red team R78a B6, B8).
    if (l.find("--include-seed") != std::string_view::npos || has_word(l, "graphile-migrate")) return true;
    if (has_word(l, "prisma") && has_word(l, "seed")) return true;
    if ((has_word(l, "rails") || has_word(l, "rake")) &&
        (l.find("db:seed") != std::string_view::npos || l.find("db:setup") != std::string_view::npos || l.find("db:reset") != std::string_view::npos)) {
        return true;
    }
    if (has_word(l, "migrate")) {
        for (std::string_view flag : {" -path", " --path", " -source", " --source", " -database", " --database"}) {
            if (l.find(flag) != std::string_view::npos) return true;
        }
    }
    return false;
}

std::string preload_line(std::string_view line, bool npmrc) {
    const std::string low = lower(line);
    const std::string_view t = trim(low);
    if (t.empty() || t.front() == '#' || t.starts_with("//") || t.front() == ';') return "";
    // node's own options (nodejs.org/api/cli.html: -r/--require, --import, --loader,
    // --experimental-loader) and where they come from: the command line, NODE_OPTIONS, npm's
    // node-options setting (docs.npmjs.com/cli/using-npm/config#node-options).
    const bool options = low.find("node_options") != std::string::npos || (npmrc && t.starts_with("node-options"));
    const bool node = has_word(low, "node") || has_word(low, "nodejs");
    // The TypeScript settings file ts-node or tsx compiles with, and tsconfig-paths maps names by
    // (TS_NODE_PROJECT, `ts-node --project` / `-P`, TSX_TSCONFIG_PATH, `tsx --tsconfig`;
    // TypeStrong/ts-node src/configuration.ts, dividab/tsconfig-paths src/config-loader.ts reads
    // TS_NODE_PROJECT and TS_NODE_BASEURL): pgfence reads the tsconfig files in the folders above a
    // module, so one elsewhere may map a package's name to a repository file it does not read (red
    // team R81a B2). A file at the top (no folder in its name) is among those read.
    for (std::string_view key : {"ts_node_project", "ts_node_baseurl", "tsx_tsconfig_path", "--project", "--tsconfig", "-p "}) {
        for (std::size_t at = low.find(key); at != std::string::npos; at = low.find(key, at + 1)) {
            const char before = at == 0 ? ' ' : low[at - 1];
            if (before != ' ' && before != '\t' && before != '"' && before != '\'' && before != '$' && before != '{') continue;
            if (key == "-p " && !has_word(low, "ts-node")) continue;  // node -p prints
            if ((key == "--project" || key == "--tsconfig") && !has_word(low, "ts-node") && !has_word(low, "tsx") && !has_word(low, "ts-node-dev")) continue;
            std::size_t v = at + key.size();
            while (v < low.size() && (low[v] == '=' || low[v] == ':' || low[v] == ' ' || low[v] == '\t' || low[v] == '"' || low[v] == '\'')) ++v;
            std::size_t e = v;
            while (e < low.size() && low[e] != ' ' && low[e] != '\t' && low[e] != '"' && low[e] != '\'' && low[e] != ';' && low[e] != '&') ++e;
            const std::string_view value = std::string_view(line).substr(v, e - v);
            std::string_view bare = value;
            if (bare.starts_with("./")) bare.remove_prefix(2);
            if (key != "ts_node_baseurl" && !bare.empty() && bare.find('/') == std::string_view::npos && bare.find('$') == std::string_view::npos) continue;
            if (typeorm_scaffold_line(low)) continue;
            return "this line has ts-node or tsx take its TypeScript settings from '" + printable(value) +
                   "', whose path mappings (paths, baseUrl) pgfence does not read for the tool's process: a package's name there may "
                   "load a file of the repository that the migrations' review never reads";
        }
    }
    // npm's settings that choose what runs every script (docs.npmjs.com/cli/using-npm/config:
    // node-options, script-shell, userconfig and globalconfig, another file of settings; npm expands
    // ${VAR} in .npmrc values), from an .npmrc, npm's own flags or its npm_config_* variables (red
    // team R79 B2): a value pgfence does not follow is not read.
    static constexpr std::string_view k_npm_keys[] = {"node-options", "script-shell", "userconfig", "globalconfig", "onload-script"};
    if (npmrc) {
        const std::size_t eq = t.find('=');
        const std::string_view key = trim(t.substr(0, eq));
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(t.substr(eq + 1));
        for (std::string_view k : k_npm_keys) {
            if (key != k || (k == "node-options" && value.find('$') == std::string_view::npos)) continue;
            return "this .npmrc sets npm's " + std::string(k) + " to '" + printable(value) + "'" +
                   (k == "node-options" ? std::string(", which reads the environment") : std::string()) +
                   ": what npm runs every script with is not read by pgfence, and may preload code into the migration tool's process";
        }
    } else {
        for (std::string_view k : k_npm_keys) {
            std::string env = "npm_config_" + std::string(k);
            std::replace(env.begin(), env.end(), '-', '_');
            const std::string flag = "--" + std::string(k);
            const std::size_t f = low.find(flag);
            const bool flagged = has_word(low, "npm") && f != std::string::npos && (f + flag.size() == low.size() || low[f + flag.size()] == '=' ||
                                                                                    low[f + flag.size()] == ' ');
            if (!flagged && low.find(env) == std::string::npos) continue;
            return "this line sets npm's " + std::string(k) + (flagged ? " flag" : " through " + env) +
                   ": what npm runs every script with is not read by pgfence, and may preload code into the migration tool's process";
        }
    }
    // tsconfig-paths reads the tsconfig it finds walking up from the working folder (dividab/
    // tsconfig-paths src/tsconfig-loader.ts walkForTsConfig(cwd)), not from the module's: after a
    // `cd`, one pgfence does not read may map a package's name to a repository file (red team R82a B3).
    if (low.find("tsconfig-paths") != std::string::npos && (has_word(low, "cd") || has_word(low, "pushd"))) {
        return "this line changes folder before tsconfig-paths maps names: it reads the tsconfig found from that folder, whose baseUrl "
               "and paths pgfence does not read for the tool's process, so a package's name may load a file of the repository";
    }
    if (!options && !node) return "";
    // node's --env-file applies the file's NODE_OPTIONS (nodejs.org/api/cli.html --env-file), and a
    // variable among node's options ($npm_package_config_x, npm's package.json config) is options
    // pgfence does not read: both may preload code.
    if (node) {
        std::vector<std::string_view> words;
        // Words at blanks, a quote ending none (`--cpu-prof-dir="${DIR}"` is one option), without
        // the quotes that open or close it.
        for (std::size_t i = 0; i < line.size() && words.size() < 4096;) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\\')) ++i;
            const std::size_t b = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\\') ++i;
            std::string_view w = line.substr(b, i - b);
            while (!w.empty() && (w.front() == '"' || w.front() == '\'')) w.remove_prefix(1);
            while (!w.empty() && (w.back() == '"' || w.back() == '\'' || w.back() == ',')) w.remove_suffix(1);
            if (!w.empty()) words.push_back(w);
        }
        for (std::size_t k = 0; k < words.size(); ++k) {
            if (!(words[k] == "node" || words[k] == "nodejs" || words[k].ends_with("/node"))) continue;
            for (std::size_t j = k + 1; j < words.size(); ++j) {
                const std::string_view w = words[j];
                if (w.starts_with("--env-file")) {
                    return "this line gives node --env-file, whose file may set NODE_OPTIONS (a preload) for the program it runs: pgfence does not read it";
                }
                // `node - args` reads the program from standard input, `-e` / `-p` from the next word.
                if (w == "-" || w == "--" || w == "-e" || w == "--eval" || w == "-p" || w == "--print") break;
                // A variable followed by the program (not by a redirection or the next command) is options.
                const auto program = [&](std::string_view next) {
                    return !next.empty() && next.find_first_of("<>&|;") == std::string_view::npos;
                };
                if (w.starts_with("$") && j + 1 < words.size() && program(words[j + 1])) {
                    return "this line gives node options from the variable '" + printable(w) +
                           "', which pgfence does not read: they may preload code into the program it runs";
                }
                if (!w.starts_with("-")) break;
            }
        }
    }
    // Register hooks of well-known packages: they compile TypeScript or load .env, and the pull
    // request's code is not in them.
    static const std::set<std::string_view> k_hooks = {"dotenv/config", "ts-node/register", "ts-node/register/transpile-only", "ts-node/esm",
                                                       "tsconfig-paths/register", "@babel/register", "source-map-support/register",
                                                       "esbuild-register", "@swc-node/register", "@swc/register", "tsx", "tsx/cjs", "tsx/esm",
                                                       "module-alias/register", "@esbuild-kit/cjs-loader", "@esbuild-kit/esm-loader"};
    // On a command line, the flag is node's only when the words between `node` and it are options
    // (`node --trace-warnings -r ./x`), not `chown -R node:node` or `adduser nodejs && cp -r`.
    auto after_node = [&](std::size_t at) {
        std::size_t end = at;
        for (int words = 0; words < 64; ++words) {
            while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
            std::size_t begin = end;
            while (begin > 0 && line[begin - 1] != ' ' && line[begin - 1] != '\t' && line[begin - 1] != '"' && line[begin - 1] != '\'') --begin;
            if (begin == end) return false;
            std::string_view word = line.substr(begin, end - begin);
            if (word.front() != '-') return word == "node" || word == "nodejs" || word.ends_with("/node");
            end = begin;
        }
        return false;
    };
    const std::string_view l = line;  // flags are case-sensitive: `chown -R` is not `-r`
    for (std::size_t at = 0; at < l.size(); ++at) {
        std::size_t flag_end = std::string::npos;
        for (std::string_view flag : {"--require", "--import", "--experimental-loader", "--loader", "-r"}) {
            if (l.compare(at, flag.size(), flag) != 0) continue;
            const char before = at == 0 ? ' ' : l[at - 1];
            const char after = at + flag.size() < l.size() ? l[at + flag.size()] : ' ';
            if (before != ' ' && before != '"' && before != '\'' && before != '=' && before != '\t') continue;
            if (after != ' ' && after != '=' && after != '\t') continue;
            if (!options && !after_node(at)) continue;
            flag_end = at + flag.size() + 1;
            break;
        }
        if (flag_end == std::string::npos) continue;
        std::size_t v = flag_end;
        while (v < l.size() && (l[v] == ' ' || l[v] == '\t' || l[v] == '"' || l[v] == '\'' || l[v] == '\\')) ++v;
        std::size_t e = v;
        while (e < l.size() && l[e] != ' ' && l[e] != '\t' && l[e] != '"' && l[e] != '\'' && l[e] != '\\') ++e;
        const std::string_view value = l.substr(v, e - v);
        if (k_hooks.contains(value)) continue;
        return "this line has Node load " + (value.empty() ? std::string("a module") : "'" + printable(line.substr(v, e - v)) + "'") +
               " before the program it runs (" + (options ? std::string("NODE_OPTIONS or npm's node-options, which every node process npm starts "
                                                                        "inherits") : std::string("node's -r / --require / --import / --loader")) +
               "): the preloaded code runs in the migration tool's process first and may replace what the migrations call, and "
               "pgfence does not follow it";
    }
    return "";
}

bool tsconfig_name(std::string_view name) { return name.starts_with("tsconfig") && name.ends_with(".json"); }

// ts-node applies a tsconfig's "ts-node" section when it compiles a TypeScript knexfile, data
// source or migration (knex requires ts-node/register for a .ts knexfile; TypeStrong/ts-node
// src/configuration.ts readConfig takes `config["ts-node"]`, along the `extends` chain): its
// `require` is "Modules to require, like node's `--require` flag", run in the tool's process before
// the file; `compiler` and `transpiler` name modules ts-node loads to compile (red team R82a B14:
// `"require": ["./lib/patch.js"]` rewrote what the migration called). Each such entry is a
// preload, as node's -r is; a well-known register hook and the stock `typescript` compiler are not.
std::vector<std::pair<int, std::string>> ts_node_preloads(std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    std::vector<orm::Token> t = orm::lex_js(text);
    const tool_dirs_detail::Lines lines(text);
    const auto punct = [&](std::size_t i, std::string_view p) { return i < t.size() && t[i].kind == orm::TokenKind::Punct && t[i].text == p; };
    const auto string_at = [&](std::size_t i) -> std::optional<std::string> {
        if (i < t.size() && t[i].kind == orm::TokenKind::String && !t[i].unterminated) return t[i].string.value;
        return std::nullopt;
    };
    const std::vector<std::size_t> close = orm::closing_brackets(t);
    static const std::set<std::string_view> k_hooks = {"dotenv/config", "ts-node/register", "ts-node/register/transpile-only",
                                                       "tsconfig-paths/register", "source-map-support/register", "module-alias/register"};
    const std::string why_tail = ": ts-node runs it in the migration tool's process when it compiles a TypeScript settings file or "
                                 "migration, before them, and it may replace what the migrations call; pgfence does not follow it";
    int depth = 0;
    for (std::size_t i = 0; i < t.size() && out.size() < 64; ++i) {
        if (punct(i, "{") || punct(i, "[")) ++depth;
        else if (punct(i, "}") || punct(i, "]")) --depth;
        if (depth != 1 || string_at(i) != std::optional<std::string>("ts-node") || !punct(i + 1, ":")) continue;
        if (!punct(i + 2, "{") || close[i + 2] >= t.size()) {
            out.emplace_back(lines.at(t[i].begin), "this tsconfig's \"ts-node\" section is not an object pgfence reads" + why_tail);
            continue;
        }
        const std::size_t end = close[i + 2];
        for (std::size_t k = i + 3; k < end; ++k) {
            // Only the section's own keys: skip nested values.
            auto key = string_at(k);
            if (!key || !punct(k + 1, ":") || !(punct(k - 1, "{") || punct(k - 1, ","))) {
                if ((punct(k, "{") || punct(k, "[")) && close[k] < end) k = close[k];
                continue;
            }
            const std::size_t v = k + 2;
            const int line = lines.at(t[k].begin);
            if (*key == "require") {
                if (punct(v, "[") && close[v] <= end) {
                    for (std::size_t e = v + 1; e < close[v]; ++e) {
                        if (punct(e, ",")) continue;
                        auto spec = string_at(e);
                        if (spec && k_hooks.contains(*spec)) continue;
                        out.emplace_back(lines.at(t[e].begin), "this tsconfig's \"ts-node\" `require` loads " +
                                                                   (spec ? "'" + printable(*spec) + "'" : std::string("a module it computes")) + why_tail);
                        if ((punct(e, "{") || punct(e, "[")) && close[e] < close[v]) e = close[e];
                    }
                } else {
                    out.emplace_back(line, "this tsconfig's \"ts-node\" `require` is not a list of names pgfence reads" + why_tail);
                }
            } else if (*key == "compiler" || *key == "transpiler") {
                auto spec = string_at(v);
                if (*key == "compiler" && spec == std::optional<std::string>("typescript")) continue;
                out.emplace_back(line, "this tsconfig's \"ts-node\" `" + *key + "` has ts-node load " +
                                           (spec ? "'" + printable(*spec) + "'" : std::string("a module pgfence does not read")) + " to compile" + why_tail);
            }
            if ((punct(v, "{") || punct(v, "[")) && close[v] < end) k = close[v];
        }
        i = end;
    }
    return out;
}

std::vector<std::pair<int, std::string>> preload_lines(std::string_view path, std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    const std::string_view name = path_name(path);
    if (tsconfig_name(name)) return ts_node_preloads(text);
    const bool npmrc = name == ".npmrc";
    // yarn's own settings (yarnpkg.com/configuration/yarnrc: yarnPath, "the path of a Yarn binary to
    // use instead of the one installed", which yarn runs in place of itself; plugins, loaded into it;
    // injectEnvironmentFiles, whose variables every script gets) and yarn 1's yarn-path: the code
    // they name runs in every `yarn <script>`, and pgfence does not read it (red team R82a B15).
    if (name == ".yarnrc.yml" || name == ".yarnrc") {
        each_line(text, [&](int n, std::string_view line) {
            const std::string_view t = trim(line);
            for (std::string_view key : {"yarnPath", "plugins", "injectEnvironmentFiles", "yarn-path", "\"yarn-path\""}) {
                if (!t.starts_with(key) || t.size() == key.size() || (t[key.size()] != ':' && t[key.size()] != ' ' && t[key.size()] != '\t')) continue;
                if (out.size() < 256) {
                    out.emplace_back(n, "this yarn setting (" + printable(t.substr(0, std::min<std::size_t>(t.size(), 120))) +
                                            ") names code or an environment yarn runs every script with: pgfence does not read it, and it may "
                                            "replace or preload into the migration tool's process");
                }
                break;
            }
        });
        return out;
    }
    // .env.yarn: yarn 4 injects its variables into every script (yarnpkg.com/features/scripting,
    // "Environment files"), NODE_OPTIONS among them.
    if (name == ".env.yarn" || name.starts_with(".env.yarn.")) {
        each_line(text, [&](int n, std::string_view line) {
            if (out.size() >= 256 || lower(line).find("node_options") == std::string::npos) return;
            if (std::string why = preload_line(line, false); !why.empty()) out.emplace_back(n, std::move(why));
        });
        return out;
    }
    if (!npmrc && name != "package.json" && !command_file(path)) return out;
    if (npmrc) {
        each_line(text, [&](int n, std::string_view line) {
            if (std::string why = preload_line(line, npmrc); !why.empty()) out.emplace_back(n, std::move(why));
        });
        return out;
    }
    // As the shell hands a command over: `node \` then `-r ./x` on the next line is one (red team R79 B2).
    for (const auto& l : logical_lines(text, name.ends_with(".yml") || name.ends_with(".yaml"))) {
        if (std::string why = preload_line(l.text, false); !why.empty()) out.emplace_back(l.number, std::move(why));
        if (out.size() >= 256) break;
    }
    // Yarn's settings from the environment a command file gives (yarn_release.hpp, red team R88b F3):
    // as the rc file's, the code they name runs in every `yarn <script>`.
    if (name != "package.json") {
        for (const auto& [line, setting, value] : yarn_env_settings(text)) {
            if (out.size() >= 256) break;
            out.emplace_back(line, value ? "this line sets " + printable(setting) + ", a Yarn setting from the environment (YARN_<SETTING>: yarnPath, plugins, "
                                           "injectEnvironmentFiles, or the rc file's name), to " + printable(value->substr(0, 120)) +
                                           ": Yarn runs the code it names in place of itself or in every script, and pgfence does not read it"
                                         : "this line sets Yarn's environment (a YARN_<SETTING> naming code Yarn runs, or a $GITHUB_ENV write pgfence "
                                           "does not read) to a value pgfence does not know: the code it names may replace the migration tool's process");
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    // package.json's values as npm hands them to the shell: JSON strings, however the file is laid
    // out (`"migrate":"node --env-file=…"` has no blank to split the line at; red team R82a B11).
    if (name == "package.json") {
        int line = 1;
        std::size_t counted = 0;
        for (const orm::Token& t : orm::lex_js(text)) {
            if (out.size() >= 256) break;
            if (t.kind != orm::TokenKind::String) continue;
            line += static_cast<int>(std::count(text.begin() + counted, text.begin() + t.begin, '\n'));
            counted = t.begin;
            if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == line; })) continue;
            if (std::string why = preload_line(t.string.value, false); !why.empty()) out.emplace_back(line, std::move(why));
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        // A preload in a script that runs neither the migration tool nor a deploy's step loads
        // into a test, a helper or the app, not the tool (preload_scripts.hpp; stranger review 88 C).
        const std::set<int> quiet = quiet_script_lines(text);
        std::erase_if(out, [&](const auto& o) { return quiet.contains(o.first); });
    }
    return out;
}

std::vector<std::pair<int, std::string>> npmrc_preload_lines(std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    each_line(text, [&](int n, std::string_view line) {
        if (out.size() >= 256) return;
        if (std::string why = preload_line(line, true); !why.empty()) out.emplace_back(n, std::move(why));
    });
    return out;
}

std::vector<NpmrcNamed> npmrc_named_files(std::string_view npmrc_path, std::string_view text) {
    std::vector<NpmrcNamed> out;
    each_line(text, [&](int n, std::string_view line) {
        if (out.size() >= 16) return;
        const std::string low = lower(line);
        const std::string_view t = trim(low);
        const std::size_t eq = t.find('=');
        if (eq == std::string_view::npos) return;
        const std::string_view key = trim(t.substr(0, eq));
        if (key != "userconfig" && key != "globalconfig") return;
        // The value as written (paths are case-sensitive), without the quotes ini allows.
        std::string_view raw = trim(line);
        raw = trim(raw.substr(raw.find('=') + 1));
        if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front()) raw = raw.substr(1, raw.size() - 2);
        std::string path;
        if (raw.find('$') == std::string_view::npos && !raw.starts_with("~")) path = repository_path(path_folder(npmrc_path), raw);
        out.push_back(NpmrcNamed{n, std::string(key), std::move(path)});
    });
    return out;
}

std::vector<int> spring_migration_lines(std::string_view name, std::string_view text) {
    std::vector<int> out;
    const bool yaml = !name.ends_with(".properties");
    std::vector<std::pair<std::size_t, std::string>> stack;  // YAML: the keys above a line, by indentation
    each_line(text, [&](int n, std::string_view l) {
        const std::size_t indent = l.find_first_not_of(" \t");
        std::string_view body = indent == std::string_view::npos ? std::string_view() : l.substr(indent);
        if (body.empty() || body.front() == '#' || (!yaml && body.front() == '!')) return;
        const std::string lowered = lower(body);
        bool counts = lowered.find("flyway") != std::string::npos || lowered.find("liquibase") != std::string::npos;
        if (yaml) {
            if (body == "---" || body.starts_with("--- ")) {
                stack.clear();
                return;
            }
            std::string parent;
            const bool item = body.starts_with("- ") || body == "-";
            if (!item) {
                while (!stack.empty() && stack.back().first >= indent) stack.pop_back();
            }
            for (const auto& [i, k] : stack) parent += k + ".";
            std::string path = parent;
            std::size_t colon = item ? std::string_view::npos : body.find(':');
            if (colon != std::string_view::npos) {
                std::string key = lower(trim(body.substr(0, colon)));
                if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'')) key = key.substr(1, key.size() - 2);
                path += key;
                std::string_view value = trim(body.substr(colon + 1));
                // Deeper than any settings file: the rest is read as one level (the work stays linear).
                if ((value.empty() || value.front() == '#' || value.front() == '|' || value.front() == '>') && stack.size() < 32) {
                    stack.emplace_back(indent, key);
                }
            }
            // Relaxed binding: spring.flyway.x, spring.Flyway.x; a key path through spring.flyway.
            std::string relaxed;
            for (char c : path) if (c != '-' && c != '_') relaxed += c;
            auto under = [&](std::string_view key) {
                const std::size_t at = relaxed.find(key);
                return at != std::string::npos && (at == 0 || relaxed[at - 1] == '.');
            };
            counts = counts || under("spring.flyway") || under("spring.liquibase");
        }
        if (counts) out.push_back(n);
    });
    return out;
}

std::vector<ScriptModule> relative_modules(std::string_view path, std::string_view text) {
    std::vector<ScriptModule> out;
    const std::string_view folder = path_folder(path);
    std::vector<std::size_t> ends;  // newline offsets, for line numbers
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') ends.push_back(i);
    }
    auto line_at = [&](std::size_t off) { return 1 + static_cast<int>(std::lower_bound(ends.begin(), ends.end(), off) - ends.begin()); };
    auto add = [&](std::size_t at, std::size_t arg, bool call, bool file = false) {
        while (arg < text.size() && (text[arg] == ' ' || text[arg] == '\t')) ++arg;
        if (arg >= text.size()) return;
        const char q = text[arg];
        if (q == '\'' || q == '"' || q == '`') {
            // A module path is short: a literal longer than this is not one (and no scan is long).
            std::size_t end = text.substr(0, std::min(text.size(), arg + 1 + 4096)).find(q, arg + 1);
            if (end == std::string_view::npos) return;
            std::string_view lit = text.substr(arg + 1, end - arg - 1);
            if (lit.find_first_of("\\\n") != std::string_view::npos || (q == '`' && lit.find("${") != std::string_view::npos)) {
                if (call) out.push_back(ScriptModule{line_at(at), {}, printable(lit)});
                return;
            }
            // A package (require('pg')); fs.readFileSync takes any relative path.
            if (!file && !lit.starts_with("./") && !lit.starts_with("../") && lit != "." && lit != "..") return;
            std::string spec = repository_path(folder, lit);
            if (!spec.empty()) out.push_back(ScriptModule{line_at(at), std::move(spec), printable(lit)});
            return;
        }
        if (!call) return;
        std::string_view shown = text.substr(arg, 80);
        out.push_back(ScriptModule{line_at(at), {}, printable(shown.substr(0, shown.find(')')))});
    };
    for (std::string_view call : {"require(", "import("}) {
        for (std::size_t at = text.find(call); at != std::string_view::npos; at = text.find(call, at + 1)) {
            if (at > 0 && (word_char(text[at - 1]) || text[at - 1] == '$')) continue;  // myrequire(, x.require( is kept below
            add(at, at + call.size(), true);
            if (out.size() > 256) return out;
        }
    }
    // A settings script that reads a file itself (JSON.parse(fs.readFileSync('db/table.json'))),
    // relative to the folder the tool runs in: the script's own, for a knexfile or a .sequelizerc.
    for (std::size_t at = text.find("readFileSync("); at != std::string_view::npos; at = text.find("readFileSync(", at + 1)) {
        add(at, at + 13, true, true);
        if (out.size() > 256) return out;
    }
    for (std::string_view from : {"from ", "import "}) {
        for (std::size_t at = text.find(from); at != std::string_view::npos; at = text.find(from, at + 1)) {
            if (at > 0 && word_char(text[at - 1])) continue;
            add(at, at + from.size(), false);
            if (out.size() > 256) return out;
        }
    }
    return out;
}

std::vector<NamedFile> named_settings_files(std::string_view path, std::string_view text, std::string_view base) {
    std::vector<NamedFile> out;
    const bool package = path_name(path) == "package.json";
    // (the tool's command word, its flag); each tool's CLI: knex/knex bin/cli.js, salsita/node-pg-migrate
    // bin/node-pg-migrate.ts, sequelize/cli src/core/yargs.js, amacneil/dbmate main.go,
    // diesel_cli/src/cli.rs, flyway's -configFiles, liquibase's --defaults-file.
    static const std::pair<std::string_view, std::string_view> flags[] = {
        {"knex", "--knexfile"},           {"node-pg-migrate", "--config-file"}, {"node-pg-migrate", "-f"},
        {"node-pg-migrate", "--envPath"}, {"sequelize", "--options-path"},      {"sequelize", "--config"},
        {"dbmate", "--env-file"},         {"diesel", "--config-file"},          {"flyway", "-configFiles"},
        {"liquibase", "--defaults-file"}, {"liquibase", "--defaultsFile"},
        // db-migrate's --config (its database.json) and graphile-migrate's --config / -c (its .gmrc),
        // red team R79 B19, B8.
        {"db-migrate", "--config"},       {"graphile-migrate", "--config"},     {"graphile-migrate", "-c"}};
    each_line(text, [&](int n, std::string_view l) {
        if (!package && !tool_command_line(l)) return;
        for (const auto& [tool, flag] : flags) {
            if (!has_word(l, tool)) continue;
            for (std::size_t at = l.find(flag); at != std::string_view::npos; at = l.find(flag, at + 1)) {
                if (at == 0 || (l[at - 1] != ' ' && l[at - 1] != '\t')) continue;
                std::size_t v = at + flag.size();
                if (v >= l.size() || (l[v] != ' ' && l[v] != '=')) continue;
                ++v;
                while (v < l.size() && l[v] == ' ') ++v;
                std::size_t end = l.find_first_of(" \t\"';&|", v);
                std::string_view value = l.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v);
                if (value.empty() || value.find_first_of("$`\\") != std::string_view::npos) continue;
                while (!value.empty()) {
                    std::size_t comma = flag == "-configFiles" ? value.find(',') : std::string_view::npos;
                    std::string_view one = value.substr(0, comma);
                    if (one.starts_with("filesystem:")) one.remove_prefix(11);
                    std::string file = repository_path(base, one);
                    if (!file.empty() && out.size() < 64) out.push_back(NamedFile{n, std::string(flag), std::move(file)});
                    if (comma == std::string_view::npos) break;
                    value.remove_prefix(comma + 1);
                }
            }
        }
    });
    return out;
}

ScriptEnv script_env(std::string_view text) {
    ScriptEnv out;
    auto ident = [&](std::size_t at) {
        std::size_t end = at;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
        return text.substr(at, end - at);
    };
    for (std::size_t at = text.find("process.env"); at != std::string_view::npos; at = text.find("process.env", at + 11)) {
        std::size_t i = at + 11;
        if (i < text.size() && text[i] == '.') {
            auto name = ident(i + 1);
            if (!name.empty()) out.names.emplace_back(name);
            continue;
        }
        if (i + 1 < text.size() && text[i] == '[' && (text[i + 1] == '\'' || text[i + 1] == '"')) {
            auto name = ident(i + 2);
            if (!name.empty() && i + 2 + name.size() < text.size() && text[i + 2 + name.size()] == text[i + 1]) {
                out.names.emplace_back(name);
                continue;
            }
        }
        out.computed = true;  // process.env[key], { ...process.env }, const { X } = process.env
        if (out.names.size() > 256) break;
    }
    std::sort(out.names.begin(), out.names.end());
    out.names.erase(std::unique(out.names.begin(), out.names.end()), out.names.end());
    return out;
}

bool loads_package(std::string_view text, std::string_view name) {
    for (char q : {'\'', '"'}) {
        const std::string quoted = std::string(1, q) + std::string(name) + std::string(1, q);
        for (std::size_t at = text.find(quoted); at != std::string_view::npos; at = text.find(quoted, at + 1)) {
            std::string_view before = trim(text.substr(at >= 16 ? at - 16 : 0, at >= 16 ? 16 : at));
            if (before.ends_with("require(") || before.ends_with("import(") || before.ends_with("from") || before.ends_with("import")) return true;
        }
    }
    return false;
}

std::vector<std::string> module_candidates(const std::string& spec) {
    std::vector<std::string> out{spec};
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".json"}) out.push_back(spec + std::string(ext));
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".json"}) out.push_back(spec + "/index" + std::string(ext));
    return out;
}

std::vector<EnvValue> env_values(std::string_view text, std::string_view key) {
    std::vector<EnvValue> out;
    each_line(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        if (eq == std::string_view::npos || trim(l.substr(0, eq)) != key) return;
        std::string_view raw = trim(l.substr(eq + 1));
        EnvValue v{n, std::nullopt, printable(raw)};
        if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
            std::size_t end = raw.find(raw.front(), 1);
            if (end == std::string_view::npos) return out.push_back(std::move(v));
            std::string_view inner = raw.substr(1, end - 1);
            if (raw.front() == '"' && inner.find_first_of("$\\") != std::string_view::npos) return out.push_back(std::move(v));
            v.value = std::string(inner);
        } else {
            if (std::size_t hash = raw.find(" #"); hash != std::string_view::npos) raw = trim(raw.substr(0, hash));
            if (raw.find_first_of("$\"'`\\") == std::string_view::npos) v.value = std::string(raw);
        }
        out.push_back(std::move(v));
    });
    return out;
}

}  // namespace pgfence::analyze::tools
