#include "analyze/tool_dir_inputs.hpp"
#include "analyze/migrations/typeorm_glob_files.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "analyze/orm/input_format.hpp"
#include "analyze/orm/module_writes.hpp"
#include "analyze/orm/settings_module.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/api_specs.hpp"
#include "analyze/migrations/code_migrations.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/compose_files.hpp"
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/foreign_migrations.hpp"
#include "analyze/migrations/golang_migrate_split.hpp"
#include "analyze/migrations/migration_look.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/unrun_scripts.hpp"
#include "analyze/migrations/session_setup.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/shell_scripts.hpp"
#include "analyze/migrations/spliced_settings.hpp"
#include "analyze/migrations/yarn_release.hpp"
#include "analyze/go_fixture_folders.hpp"
#include "analyze/psql_includes_on_disk.hpp"

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

// Whether the file at `path` holds "\i" anywhere (psql_includes.hpp may_include), read 64 KiB at a
// time: a file analysed is not read whole a second time here when it includes nothing (a 4 MB
// file read whole before its analysis raised the run's peak memory past
// hostile_parser_limits_long_lines' bound).
bool file_may_include(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char buffer[65536];
    char last = 0;
    while (in) {
        in.read(buffer, sizeof buffer);
        const std::streamsize got = in.gcount();
        if (got <= 0) break;
        if (last == '\\' && buffer[0] == 'i') return true;
        if (std::string_view(buffer, static_cast<std::size_t>(got)).find("\\i") != std::string_view::npos) return true;
        last = buffer[got - 1];
    }
    return false;
}

// The walk below a given directory stops after this many entries: a project's settings files lie
// near its top, and a huge tree (a vendored folder) costs no more than this.
constexpr std::size_t k_most_entries = 50000;

// A repository path as a reason shows it: control characters and backquotes replaced, cut at 120.
std::string shown_path(std::string_view p) {
    std::string out;
    for (char c : p.substr(0, 120)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return p.size() > 120 ? out + "..." : out;
}

// A glob's folder: its parts before the first one with a wildcard ("src/entity/**/*.ts" -> "src/entity").
std::string glob_folder_of(std::string_view glob) {
    const std::size_t wild = glob.find_first_of("*?[{");
    if (wild == std::string_view::npos) return std::string(path_folder(glob));
    const std::size_t slash = glob.rfind('/', wild);
    return slash == std::string_view::npos ? std::string() : std::string(glob.substr(0, slash));
}

// Files no reader of analyze reads, in which a migration tool's migrations are written (Django and
// Alembic's Python, ActiveRecord's Ruby, Ecto's Elixir, Laravel's PHP, EF Core's C#).
bool unread_language(std::string_view rel) {
    for (std::string_view ext : {".py", ".rb", ".exs", ".ex", ".php", ".cs"}) {
        if (rel.ends_with(ext)) return true;
    }
    return rel.size() > 4 && sql_in_another_case(rel.substr(rel.size() - 4));  // V2__x.SQL: Flyway runs it
}

// The hidden folders whose files run migrations or name their folders: CI systems' (GitHub
// Actions, GitLab's included files, CircleCI, Buildkite, Woodpecker: settings_surface.cpp
// runs_from_top), Platform.sh's and Upsun's, Elastic Beanstalk's .ebextensions and DigitalOcean's
// .do (command files: settings_surface.cpp command_file), and .config/prisma.ts. `pr` reads every file of the
// repository (bot/tool_settings_review.cpp tool_dirs_at); other hidden folders (.git, .venv,
// .cache) hold no project settings.
bool settings_folder(std::string_view name) {
    for (std::string_view n : {".github", ".gitlab", ".circleci", ".buildkite", ".woodpecker", ".platform", ".upsun", ".config", ".ebextensions", ".do"}) {
        if (name == n) return true;
    }
    return false;
}

// Settings files found under `root` (relative paths joined to it), skipping .git, node_modules,
// target and other hidden folders but settings_folder's; and the files that may be migrations
// written as code (tools/code_migrations.hpp) in `code`, outside hidden folders.
constexpr std::size_t k_most_compose_candidates = 20000;
constexpr std::uintmax_t k_most_compose_candidate_bytes = 256 * 1024;

// A file that may be a compose file by its content though no settings reader takes its name: no
// extension, JSON, a template or copy of a YAML file (`migrate.yml.tmpl`), anything but source, text
// and binary formats (compose-go parses any -f file as YAML; red team R78b B7). Read only when small
// (add_unreached_compose).
bool compose_candidate(std::string_view rel) {
    if (rel.starts_with("vendor/") || rel.find("/vendor/") != std::string_view::npos) return false;
    std::string name(path_name(rel));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.ends_with(".yml") || name.ends_with(".yaml")) return false;  // settings already
    const std::size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) return true;
    const std::string_view ext = std::string_view(name).substr(dot);
    for (std::string_view no : {".sql", ".md", ".mdx", ".markdown", ".rst", ".adoc", ".asciidoc", ".org", ".rdoc", ".textile", ".tex", ".txt", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf",
                                ".css", ".scss", ".less", ".html", ".htm", ".snap", ".csv", ".map", ".sarif", ".log", ".lock", ".js", ".ts",
                                ".jsx", ".tsx", ".mjs", ".cjs", ".go", ".rs", ".py", ".rb", ".java", ".kt", ".scala", ".cs", ".php", ".c", ".h",
                                ".cc", ".cpp", ".hpp", ".swift", ".ex", ".exs", ".erl", ".sh", ".bash", ".zsh", ".ps1", ".xml", ".gz", ".zip",
                                ".tar", ".tgz", ".bz2", ".xz", ".7z", ".jar", ".war", ".class", ".so", ".dll", ".exe", ".a", ".o", ".woff",
                                ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".webm", ".webp", ".avif", ".wasm", ".pyc", ".bin", ".dat",
                                ".db", ".sqlite", ".pem", ".crt", ".key", ".pub", ".vue", ".svelte", ".graphql", ".gql", ".proto", ".tf",
                                ".hcl", ".toml", ".ini", ".properties", ".gradle", ".kts", ".sum", ".mod", ".lua", ".dart", ".r", ".m",
                                ".pl", ".pm", ".clj", ".elm", ".hs", ".ml", ".fs", ".vb", ".patch", ".diff", ".po", ".pot", ".mo", ".pbxproj",
                                ".plist", ".storyboard", ".xib", ".ipynb", ".env", ".gitignore", ".gitattributes", ".dockerignore", ".editorconfig"}) {
        if (ext == no) return false;
    }
    return true;
}

void find_settings(const fs::path& root, std::vector<std::string>& out, std::vector<std::string>& code, std::vector<std::string>& looks,
                   std::vector<std::string>& maybe_compose, std::vector<std::string>& prisma_dirs) {
    std::error_code ec;
    std::size_t seen = 0;
    GoFixtureFolders go_fixtures(root);  // Go test fixtures: no tool's settings (go_fixture_folders.hpp)
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (++seen > k_most_entries) break;
        const std::string name = it->path().filename().string();
        if (it->is_symlink(ec)) continue;
        if (it->is_directory(ec)) {
            if (name == "node_modules" || name == "target" || (name.starts_with('.') && name != "." && !settings_folder(name)) ||
                go_fixtures.leave_out(it->path())) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        // Lexically: the walk follows no link below `root` (links are skipped above, and a
        // directory link is not entered), so this is what fs::relative gives, without its real-path
        // questions per component of both paths (11% of a 30,000-file run's CPU).
        const std::string rel = it->path().lexically_relative(root).generic_string();
        // A YAML file is one for what it may be (a Kubernetes manifest, a tool's settings); an
        // OpenAPI document is none of those (tools/api_specs.hpp, review89 G).
        if ((tool_settings_file(rel) && !openapi_document(it->path().string(), rel)) || psql_script_name(rel) || env_file_source(rel)) {
            out.push_back((root / rel).lexically_normal().generic_string());
        } else if (compose_candidate(rel) && maybe_compose.size() < k_most_compose_candidates) {
            maybe_compose.push_back((root / rel).lexically_normal().generic_string());
        }
        // In a hidden settings folder: its settings only.
        if (const std::string_view folder = path_folder(rel); folder.starts_with('.') || folder.find("/.") != std::string_view::npos) continue;
        if (code_migration_candidate(rel)) code.push_back((root / rel).lexically_normal().generic_string());
        if (name == "migration_lock.toml" && prisma_dirs.size() < 64) prisma_dirs.push_back((root / rel).parent_path().lexically_normal().generic_string());
        if (unread_language(rel) && rel.find("vendor/") == std::string::npos) looks.push_back((root / rel).lexically_normal().generic_string());
    }
}

// The files the SQL files analysed (`files`, `scripts`) include with psql's \i / \ir
// (tools/psql_includes.hpp), transitively, added to `scripts`: each a regular file reached through
// no link (an include through a link may leave the folder), at most 256. Paths are made absolute
// and read against the file system's root, `\i` against the folder psql would run in (psql_run_folder).
void add_psql_includes(const std::vector<std::string>& files, std::vector<std::string>& scripts, const AnalyzeOptions& options,
                       std::vector<std::string>& notes, std::vector<PsqlRun>& runs) {
    constexpr std::size_t k_most_included = 256;
    std::error_code ec;
    const std::string cwd = psql_run_folder(options);
    std::deque<std::string> queue;
    std::set<std::string> seen;
    for (const std::vector<std::string>* list : {&files, static_cast<const std::vector<std::string>*>(&scripts)}) {
        for (const auto& f : *list) {
            if (!f.ends_with(".sql")) continue;
            const std::string abs = fs::absolute(f, ec).lexically_normal().generic_string();
            if (seen.insert(abs).second) queue.push_back(abs);
        }
    }
    // Each run walked as psql runs it, a `\cd` in an included file holding for the includer's later
    // `\i` (tools::PsqlIncludeWalk); a file read once per folder it starts in.
    const ReadFile read = [&](const std::string& file) -> std::optional<std::string> {
        const std::string at = "/" + file;
        if (!include_followed(at, options)) return std::nullopt;
        auto text = read_regular_file(at, options.max_file_bytes, "a migration");
        if (!text) return std::nullopt;
        return std::move(*text);
    };
    PsqlIncludeWalk walk(read, cwd.substr(std::min<std::size_t>(1, cwd.size())));
    for (const auto& path : queue) {
        if (!file_may_include(path)) continue;
        auto text = read_regular_file(path, options.max_file_bytes, "a migration");
        if (!text || (!may_include(*text) && text->find("\\cd") == std::string::npos)) continue;
        (void)walk.run(path.substr(1), *text, true);
    }
    std::size_t included = 0;
    std::set<std::string> run_files;
    for (const auto& r : walk.reached()) {
        const ToolDir& d = r.dir;
        if (!d.unknown.empty()) continue;  // an unknown statement there (psql_includes_on_disk.hpp)
        const std::string file = "/" + d.folder;
        if (!include_followed(file, options)) continue;  // the analyzer reports it unknown there
        // A file psql runs, as `pgfence pr` lists an include: its psql settings are no statement, its
        // variables psql's (analyzer_text.cpp), also where it is a migration of its own.
        if (run_files.insert(file).second) runs.push_back(PsqlRun{file, {}});
        if (included >= k_most_included || !seen.insert(file).second) continue;
        ++included;
        notes.push_back("/" + r.includer + ":" + std::to_string(d.line) + " (" + d.setting + ") runs the SQL file " + file + " with psql");
        // As the other inputs are named: relative to the working directory when inside it.
        const std::string rel = fs::path(file).lexically_relative(cwd).generic_string();
        scripts.push_back(!rel.empty() && !rel.starts_with("..") ? rel : file);
    }
}

// A compose file no recognised command, include or COMPOSE_FILE reaches (red team R77 E1, E2: its
// command written as `$DC run`, an alias, a bash array, in a Python or JavaScript script): its
// settings file, and the line of it that loads the entry read from it (0: itself).
struct UnreachedFrom {
    std::string file;
    int line = 0;
};

// What an entry read from such a file sets: the file, its line, the setting's name there.
struct Effect {
    std::string file;
    int line = 0;
    std::string key;
};

// The name a settings line sets (`PGOPTIONS=...`, `  - PGOPTIONS: x`): letters, digits, `_`, `.`,
// `-`, at most 64; "a setting" when there is none.
std::string setting_key(std::string_view text, int line) {
    std::string key;
    each_line(text, [&](int n, std::string_view l) {
        if (n != line) return;
        l = trim_blanks(l);
        if (l.starts_with("- ")) l = trim_blanks(l.substr(2));
        if (l.starts_with("export ")) l = trim_blanks(l.substr(7));
        for (char c : l) {
            if (key.size() >= 64 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) break;
            key.push_back(c);
        }
    });
    return key.empty() ? "a setting" : key;
}

std::string unreached_why(const Effect& e, bool loaded) {
    return (loaded ? "this compose file loads " + e.file + ", whose line " + std::to_string(e.line) + " sets " + e.key
                   : "this compose file sets " + e.key) +
           ", which changes how migrations run; no command, include or COMPOSE_FILE that pgfence recognises runs this compose "
           "file, so pgfence could not tell whether migrations run under it: review what it sets, or run it with `docker compose -f` "
           "in a script or workflow pgfence reads";
}

// Each settings entry (those below `phase_end`, not in `followed`) that is a compose file by its
// content but by no name compose looks for (compose_name), outside vendored folders, and loads,
// extends or includes anything: `add(file, root, project)` for each folder its relative paths may
// resolve from, its own and each one above it to the root (`docker compose -f a.yml -f
// deploy/b.yml` resolves b's from a's folder, compose docs reference/compose.md).
// A compose file in a form its readers do not read (compose_text_plain: JSON, a flow mapping, a
// quoted key, a BOM): `odd(file)`, unknown as a whole.
template <class Add, class Odd>
void add_unreached_compose(const std::vector<std::pair<std::string, fs::path>>& settings, const std::set<std::size_t>& followed,
                           const std::set<std::string>& reached, const AnalyzeOptions& options,
                           const std::vector<std::pair<std::string, fs::path>>& maybe_compose, Add add, Odd odd) {
    std::set<std::string> seen;
    const std::size_t phase_end = settings.size();
    for (std::size_t i = 0; i < phase_end + maybe_compose.size(); ++i) {
        const bool candidate = i >= phase_end;
        if (!candidate && followed.contains(i)) continue;
        const auto& [path, root] = candidate ? maybe_compose[i - phase_end] : settings[i];
        const std::string rel = fs::path(path).lexically_relative(root).generic_string();
        if (!candidate && !(rel.ends_with(".yml") || rel.ends_with(".yaml") || compose_candidate(rel))) continue;
        if (compose_name(rel) || path_name(rel) == ".gitlab-ci.yml") continue;
        if (rel.starts_with("vendor/") || rel.find("/vendor/") != std::string::npos || rel.starts_with("..")) continue;
        std::error_code ec;
        const std::string normal = fs::absolute(path, ec).lexically_normal().generic_string();
        if (reached.contains(normal) || !seen.insert(normal).second) continue;
        if (fs::is_symlink(path, ec) || !fs::is_regular_file(path, ec)) continue;
        if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) continue;
        // A candidate by its content only: small, and text (no NUL in it).
        if (candidate && fs::file_size(path, ec) > k_most_compose_candidate_bytes) continue;
        auto text = read_regular_file(path, std::min<std::uint64_t>(options.max_file_bytes, k_most_settings_bytes), "a compose file");
        if (!text || (candidate && text->find('\0') != std::string::npos) || !compose_text(*text)) continue;
        if (text->find("env_file") == std::string::npos && text->find("extends") == std::string::npos && text->find("include") == std::string::npos) {
            continue;
        }
        if (!compose_text_plain(*text)) {
            // As a key (a locale file's top-level "services" whose text says "included" is none).
            const auto key = [&](std::string_view k) {
                for (std::size_t at = text->find(k); at != std::string::npos; at = text->find(k, at + 1)) {
                    const char before = at == 0 ? ' ' : (*text)[at - 1];
                    if (before != ' ' && before != '"' && before != '\'' && before != '{' && before != ',' && before != '\n' && before != '\t') continue;
                    std::size_t after = at + k.size();
                    if (after < text->size() && ((*text)[after] == '"' || (*text)[after] == '\'')) ++after;
                    while (after < text->size() && ((*text)[after] == ' ' || (*text)[after] == '\t')) ++after;
                    if (after < text->size() && (*text)[after] == ':') return true;
                }
                return false;
            };
            if (key("env_file") || key("extends") || key("include")) odd(path);
            continue;
        }
        for (std::string_view folder = path_folder(rel);; folder = path_folder(folder)) {
            add(path, root, std::string(folder));
            if (folder.empty()) break;
        }
    }
}

}  // namespace

FollowedDirs add_tool_dirs(std::vector<std::string>& files, const std::vector<std::string>& inputs, const AnalyzeOptions& options) {
    FollowedDirs out;
    // (settings file, the root its folders are relative to)
    std::vector<std::pair<std::string, fs::path>> settings;
    std::vector<std::string> code;   // files that may be migrations written as code
    std::vector<std::string> looks;  // files in a language no reader reads (Python, Ruby, ...)
    std::vector<std::pair<std::string, fs::path>> maybe_compose;  // compose_candidate: read only for add_unreached_compose
    std::vector<std::string> prisma_dirs;  // the folders holding a migration_lock.toml
    for (const char* name : {"diesel.toml", ".env", "knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs", "package.json", ".sequelizerc",
                             "src/main/resources/application.properties", "src/main/resources/application.yml",
                             "src/main/resources/application.yaml",
                             "config/default.json", "drizzle.config.ts", "drizzle.config.js", "drizzle.config.json", "prisma.config.ts", ".config/prisma.ts",
                             "mikro-orm.config.ts", "mikro-orm.config.js", "src/mikro-orm.config.ts", "src/mikro-orm.config.js"}) {
        settings.emplace_back(name, fs::path("."));
    }
    for (const auto& input : inputs) {
        std::error_code ec;
        if (input == "-" || fs::is_symlink(input, ec) || !fs::is_directory(input, ec)) continue;
        std::vector<std::string> found;
        std::vector<std::string> compose_like;
        find_settings(input, found, code, looks, compose_like, prisma_dirs);
        for (auto& f : found) settings.emplace_back(std::move(f), fs::path(input));
        for (auto& f : compose_like) maybe_compose.emplace_back(std::move(f), fs::path(input));
    }
    // Migrations written as code (a goose .go, a Flyway .java): each an unknown statement.
    std::set<std::string> code_read;
    for (const auto& path : code) {
        std::error_code ec;
        if (!code_read.insert(fs::absolute(path, ec).lexically_normal().generic_string()).second) continue;
        if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) continue;
        auto text = read_regular_file(path, options.max_file_bytes, "a migration written as code");
        auto found = read_code_migration(path, text ? std::string_view(*text) : std::string_view(), !text);
        if (!found) continue;
        out.notes.push_back(path + ": " + found->why);
        out.unknown.push_back(analyze_tool_settings(path, {}, options, text ? std::string_view(*text) : std::string_view(),
                                                    {SettingUnknown{found->line, found->why, found->tool + " migration in code"}}));
    }
    // A script in a Prisma migration folder, which prisma migrate deploy does not run
    // (tools/unrun_scripts.hpp): the project's own runner does, unseen (review87 miss 1).
    for (const auto& dir : prisma_dirs) {
        for (auto& s : prisma_folder_scripts(dir)) {
            std::error_code ec;
            if (!code_read.insert(fs::absolute(s.path, ec).lexically_normal().generic_string()).second) continue;
            if (!options.confine_to.empty() && !path_inside(s.path, options.confine_to)) continue;
            auto text = read_regular_file(s.path, options.max_file_bytes, "a data migration");
            out.notes.push_back(s.path + ": " + s.why);
            out.unknown.push_back(analyze_tool_settings(s.path, {}, options, text ? std::string_view(*text) : std::string_view(),
                                                        {SettingUnknown{1, std::move(s.why), "a script the migration tool does not run"}}));
        }
    }
    // A file in such a language that is another tool's migration (tools/foreign_migrations.hpp: a
    // Django or Alembic one, an ActiveRecord, Ecto, Laravel or EF Core one) or looks like one
    // (tools/migration_look.hpp), beside the SQL analysed: unknown at its line, never left out in
    // silence (`pr` reports the same, bot/unselected_migrations.hpp).
    for (const auto& path : looks) {
        std::error_code ec;
        if (!code_read.insert(fs::absolute(path, ec).lexically_normal().generic_string()).second) continue;
        if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) continue;
        auto text = read_regular_file(path, options.max_file_bytes, "a migration");
        const std::string_view shown = text ? std::string_view(*text) : std::string_view();
        const ReadFile on_disk = [](const std::string& other) -> std::optional<std::string> {
            std::error_code e;
            if (fs::is_symlink(other, e) || !fs::is_regular_file(other, e)) return std::nullopt;
            auto t = read_regular_file(other, k_most_settings_bytes, "a migration tool's file");
            if (!t) return std::nullopt;
            return std::move(*t);
        };
        SettingUnknown unknown;
        if (auto found = read_foreign_migration(path, shown, !text, on_disk)) {
            unknown = SettingUnknown{found->line, found->why, found->tool + " migration"};
        } else if (std::string look = text ? migration_look(path, shown) : std::string(); !look.empty()) {
            unknown = SettingUnknown{1, "this file looks like a migration (" + look + "), which pgfence does not read: review the SQL it runs",
                                     "a file that looks like a migration"};
        } else {
            continue;
        }
        out.notes.push_back(path + ": " + unknown.why);
        out.unknown.push_back(analyze_tool_settings(path, {}, options, shown, {std::move(unknown)}));
    }
    std::set<std::string> read;
    std::set<std::string> runner_files;  // the runners and loaded modules reported (tools/tool_runners.hpp), once each
    // The entries of `settings` that are compose files of another's project (a service's extends, an
    // include, a .env's COMPOSE_FILE): the folder their relative paths resolve from, and how many
    // such steps led there. Included files include in turn (compose specification, include): the
    // steps are capped, and a file is read once per folder, so a cycle ends.
    struct ComposeFollow {
        std::string project;
        int depth = 1;
    };
    constexpr int k_most_compose_depth = 8;
    constexpr std::size_t k_most_compose_files = 256;
    // The compose files read may be this many; the unreached ones below have their own allowance (one
    // entry per folder their paths may resolve from, and those they include or extend).
    std::size_t compose_limit = k_most_compose_files;
    std::map<std::size_t, ComposeFollow> compose_followed;
    std::set<std::string> settings_modules_read;  // read by orm/settings_module.hpp, each once
    std::map<std::size_t, std::string> compose_env_read;  // `docker compose --env-file x`: x, and the folder its COMPOSE_FILE resolves from
    // The entries a command file runs as shell scripts, whatever their names (tools/shell_scripts.hpp,
    // red team R88c F1): read as command files, under tools::shell_view's name.
    std::map<std::size_t, std::string> shell_at;  // and the name each is read under (tools/named_command_files.hpp command_view)
    constexpr std::size_t k_most_shell_scripts = 256;
    bool multi_off = false;
    std::string multi_computed;  // where a URL is only known at run time
    std::vector<std::string> folders;
    std::vector<std::string> scripts;
    // The entries read from a compose file no recognised command, include or COMPOSE_FILE reaches
    // (red team R77 E1, E2; unreached_compose below): that file, and its line that loads them.
    std::map<std::size_t, UnreachedFrom> unreached;
    const UnreachedFrom* from = nullptr;  // the entry being read's, if any
    Effect effect;                        // the first thing the entry being read sets
    std::map<std::string, Effect> read_unreached;  // an environment file read from one: what it sets
    std::string unreached_key;                     // the one being read
    auto note_effect = [&](const std::string& file, std::string_view text, int line) {
        if (from != nullptr && effect.line == 0) effect = Effect{file, line, setting_key(text, line)};
    };
    auto add_setting = [&](std::string file, const fs::path& root, int line) {
        if (from != nullptr) unreached.emplace(settings.size(), UnreachedFrom{from->file, from->line != 0 ? from->line : line});
        settings.emplace_back(std::move(file), root);
    };
    // The package.json and project.json files under each root, listed once (tools::k_package_files).
    std::map<std::string, std::string> package_files;
    // By index: a settings file may add the environment files it loads (below).
    const auto read_one = [&](std::size_t at) {
        const std::string path = settings[at].first;
        const fs::path root = settings[at].second;
        std::error_code ec;
        const std::string normal = fs::absolute(path, ec).lexically_normal().generic_string();
        // A compose file a service extends, an include brings in or COMPOSE_FILE names is read as one,
        // whatever its name, for the environment files it loads only (red team R73 F6, R75 F5, F6);
        // as a settings file it is read on its own.
        const auto follow = compose_followed.find(at);
        const bool extended = follow != compose_followed.end();
        const auto env_read = compose_env_read.find(at);
        const bool compose_env = env_read != compose_env_read.end();
        const bool shell = shell_at.contains(at);
        const std::string key = extended      ? "compose:" + normal + "@" + follow->second.project
                                : compose_env ? "compose-env:" + normal + "@" + env_read->second
                                : shell       ? "shell:" + normal
                                              : normal;
        // Read as a file of its own name already (a `#!` script's psql lines: tools/psql_scripts.hpp):
        // what that reading found is not said twice.
        const bool read_plain = shell && read.contains(normal);
        // From an unreached compose file: read once per such file, and not at all where it already
        // applies (read from a reached one, or on its own: a dotenv file, a compose file by name).
        if (from != nullptr && (read.contains(key) || ((!extended || compose_name(path)) && read.contains(normal)))) return;
        // A file another unreached compose file loads is read once: what it sets is the same.
        if (from != nullptr && !extended) {
            if (const auto seen = read_unreached.find(key); seen != read_unreached.end()) {
                effect = seen->second;
                return;
            }
            unreached_key = key;
        }
        if (!read.insert(from != nullptr ? "unreached:" + from->file + ":" + key : key).second) {
            return;
        }
        if (fs::is_symlink(path, ec) || !fs::is_regular_file(path, ec)) return;
        if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) return;
        const std::uint64_t most_settings = script_settings_only(fs::path(path).lexically_relative(root).generic_string())
                                                ? options.max_file_bytes
                                                : std::min<std::uint64_t>(options.max_file_bytes, k_most_settings_bytes);
        auto text = read_regular_file(path, most_settings, "a migration tool's settings file");
        if (!text) {
            // Not read for its size: an unknown at its line 1, never silence (as pr says it,
            // bot/session_setup_review.cpp).
            if (fs::file_size(path, ec) > most_settings && !ec) {
                out.unknown.push_back(analyze_tool_settings(
                    path, {}, options, "",
                    {SettingUnknown{1, "this settings file is larger than pgfence reads settings files (" + std::to_string(most_settings >> 20) +
                                           " MiB), so it was not read: what it sets for the migration tool is not known",
                                    "a settings file too large to read"}}));
            }
            return;
        }
        const std::string rel = fs::path(path).lexically_relative(root).generic_string();
        // A shell script a command file runs is read as a command file (tools/shell_scripts.hpp).
        const std::string view = shell ? shell_at.at(at) : rel;
        if (!extended && !compose_env && from == nullptr && command_file(view)) {
            for (const auto& s : shell_scripts_run(view, *text, [&](const std::string& other) -> std::optional<std::string> {
                     std::error_code e;
                     const fs::path file = root / other;
                     for (fs::path p = fs::path(other); !p.empty(); p = p.parent_path()) {
                         if (fs::is_symlink(root / p, e)) return std::nullopt;  // reached through no link
                     }
                     if (!fs::is_regular_file(file, e)) return std::nullopt;
                     auto t = read_regular_file(file.generic_string(), std::min<std::uint64_t>(options.max_file_bytes, k_most_settings_bytes), "a script a command runs");
                     if (!t) return std::nullopt;
                     return std::move(*t);
                 })) {
                if (shell_at.size() >= k_most_shell_scripts) break;
                shell_at.emplace(settings.size(), s.view.empty() ? shell_view(s.path) : s.view);
                add_setting((root / s.path).lexically_normal().generic_string(), root, s.line);
            }
        }
        // The files a compose file's env_file, a `--env-file`, a systemd unit's EnvironmentFile or a
        // kustomization's envs load into a program's environment (tools/env_files.hpp) are read as
        // settings files in turn, as `pgfence pr` reads them (red team R72 L2): Spring's and the
        // tools' variables there (SPRING_FLYWAY_LOCATIONS, SPRING_JPA_HIBERNATE_DDL_AUTO, a
        // DATABASE_URL's x-multi-statement) count as in a dotenv file. Each reached through no link.
        std::vector<SettingUnknown> unknown;
        if (compose_env) {
            // Read as compose reads a --env-file: for COMPOSE_FILE, relative to where the command runs
            // (red team R76 E2); as an environment file it has its own entry.
            const ComposeFiles named = compose_file_variable(*text, env_read->second);
            for (const auto& f : named.files) {
                if (compose_followed.size() >= compose_limit) break;
                compose_followed.emplace(settings.size(), ComposeFollow{f.project, 1});
                add_setting((root / f.file).lexically_normal().generic_string(), root, f.line);
            }
            for (const auto& [line, why] : named.unread) unknown.push_back(SettingUnknown{line, why, "COMPOSE_FILE"});
            if (!unknown.empty()) note_effect(rel, *text, unknown.front().line);
            if (!unknown.empty()) out.unknown.push_back(analyze_tool_settings(path, {}, options, *text, unknown));
            return;
        }
        if (env_file_source(rel) || dotenv_name(rel) || extended) {
            for (const auto& u : env_file_uses(rel, *text, extended, extended ? &follow->second.project : nullptr)) {
                bool linked = false;
                for (fs::path p = fs::path(u.file); !p.empty() && !linked; p = p.parent_path()) linked = fs::is_symlink(root / p, ec);
                if (linked) continue;
                if (u.compose_env) {
                    compose_env_read.emplace(settings.size(), u.project);
                    add_setting((root / u.file).lexically_normal().generic_string(), root, u.line);
                    continue;
                }
                if (u.compose) {
                    const int depth = extended ? follow->second.depth + 1 : 1;
                    if (depth > k_most_compose_depth || compose_followed.size() >= compose_limit) {
                        unknown.push_back(SettingUnknown{u.line, "this line (" + u.how + ") names a compose file past pgfence's limit of " +
                                                                     std::to_string(k_most_compose_depth) + " nested or " +
                                                                     std::to_string(k_most_compose_files) + " compose files: an env_file there may "
                                                                     "set how migrations run, unread", "env_file"});
                        continue;
                    }
                    compose_followed.emplace(settings.size(), ComposeFollow{u.project, depth});
                }
                add_setting((root / u.file).lexically_normal().generic_string(), root, u.line);
            }
        }
        if (extended || compose_name(rel)) {
            const std::string project = extended ? follow->second.project : std::string(path_folder(rel));
            for (auto& [line, why] : compose_env_unread(*text, project)) unknown.push_back(SettingUnknown{line, std::move(why), "env_file"});
        }
        for (auto& [line, why] : compose_file_unread(rel, *text)) unknown.push_back(SettingUnknown{line, std::move(why), "COMPOSE_FILE"});
        if (extended) {
            if (!unknown.empty()) note_effect(rel, *text, unknown.front().line);
            if (!unknown.empty()) out.unknown.push_back(analyze_tool_settings(path, {}, options, *text, unknown));
            return;
        }
        for (const MultiStatementLine& l : golang_multi_statement_lines(*text)) {
            note_effect(rel, *text, l.line);
            if (l.state == MultiStatementLine::State::On && out.golang_multi_statement.empty()) out.golang_multi_statement = path + ":" + std::to_string(l.line);
            multi_off = multi_off || l.state == MultiStatementLine::State::Off;
            if (l.state == MultiStatementLine::State::Computed && multi_computed.empty()) multi_computed = path + ":" + std::to_string(l.line);
        }
        // A schema synchronisation it turns on (tools/schema_sync.hpp): DDL computed at run time.
        // A test script's settings are the test's (tools::test_script); the commands it spawns still run.
        for (auto& s : test_script(rel) ? schema_sync_commands(*text, rel) : schema_sync_settings(*text, rel)) {
            unknown.push_back(SettingUnknown{s.line, std::move(s.why), "schema sync"});
        }
        // Session settings or SQL it gives every connection (tools/session_setup.hpp).
        for (auto& s : session_setup_settings(*text, rel)) unknown.push_back(SettingUnknown{s.line, std::move(s.why), "connection setup"});
        // Code node preloads into every process a script or command starts (.npmrc node-options,
        // NODE_OPTIONS, node -r): the migration tool's among them (red team R78b B2).
        // A .yarnrc.yml's yarnPath naming the release checked in under .yarn/releases/ (a regular
        // file, no link on the way): an assumption, printed; any other stays unknown (review87 E).
        const auto releases = tools::yarn_release_lines(rel, *text);
        // Its plugins, when all are Yarn's own as `yarn plugin import` checks them in (review89 F).
        const auto plugins = tools::yarn_official_plugins(rel, *text);
        const auto checked_in = [&](const std::string& file) {
            std::error_code e;
            fs::path at = root;
            for (const auto& part : fs::path(file)) {
                at /= part;
                if (fs::is_symlink(at, e)) return false;
            }
            return fs::is_regular_file(at, e) && (options.confine_to.empty() || path_inside(at.string(), options.confine_to));
        };
        for (auto& [line, why] : tools::preload_lines(rel, *text)) {
            const auto release = std::find_if(releases.begin(), releases.end(), [&](const auto& r) { return r.first == line; });
            if (release != releases.end() && checked_in(release->second)) {
                out.notes.push_back(path + ":" + std::to_string(line) + " (yarnPath): assumed " + release->second +
                                    " is Yarn, the release checked into the repository that runs every `yarn` command");
                continue;
            }
            if (plugins && plugins->line == line && std::all_of(plugins->files.begin(), plugins->files.end(), checked_in)) {
                std::string files;
                for (const auto& f : plugins->files) files += (files.empty() ? "" : ", ") + f;
                out.notes.push_back(path + ":" + std::to_string(line) + " (plugins): assumed " + files +
                                    " are Yarn's own plugins, checked into the repository, that every `yarn` command loads");
                continue;
            }
            unknown.push_back(SettingUnknown{line, std::move(why), "preloaded code"});
        }
        // Writes to another module's value in a settings script the tool runs in its own process
        // (orm/module_writes.hpp, red team R77 K2): what the migrations call may not be what pgfence reads.
        if (orm::runs_in_tool_process(rel)) {
            for (auto& [line, why] : orm::settings_module_writes(path, *text)) unknown.push_back(SettingUnknown{line, std::move(why), "module write"});
        }
        // Settings the tool writes into its SQL, and a configuration module's own code (tools/spliced_settings.hpp).
        for (auto& s : spliced_settings(rel, *text)) {
            if (s.unknown) unknown.push_back(SettingUnknown{s.line, std::move(s.why), "SQL the tool writes"});
            else out.notes.push_back(path + ":" + std::to_string(s.line) + ": " + s.why);
        }
        for (auto& s : config_module_code(rel, *text)) unknown.push_back(SettingUnknown{s.line, std::move(s.why), "a configuration module's code"});
        // A settings module's statements, read by what they may be (orm/settings_module.hpp, issue
        // #53): any other is unknown at its line, where no check above already says so.
        auto unread_settings = [&](const std::string& full, std::string_view file_text, const std::string& tool, std::vector<SettingUnknown>& into) {
            if (!settings_modules_read.insert(full).second) return;
            for (auto& [line, why] : orm::settings_module_unread(full, file_text, tool)) {
                if (std::none_of(into.begin(), into.end(), [&](const SettingUnknown& u) { return u.line == line; })) {
                    into.push_back(SettingUnknown{line, std::move(why), "a settings module's code"});
                }
            }
        };
        if (const std::string tool = settings_module_tool(rel, *text); !tool.empty()) unread_settings(path, *text, tool, unknown);
        // A file a setting names (TypeORM's -d data source), relative to the same root.
        std::map<std::string, std::uint64_t> too_large;  // a file it names that is too large to read: its limit
        const ReadFile read_other = [&](const std::string& other) -> std::optional<std::string> {
            if (other == tools::k_package_files) {
                if (options.confine_to.empty() || path_inside(root.generic_string(), options.confine_to)) {
                    auto it = package_files.find(root.generic_string());
                    if (it == package_files.end()) it = package_files.emplace(root.generic_string(), tools::package_files_under(root.generic_string())).first;
                    return it->second;
                }
                return std::nullopt;
            }
            const std::string full = (root / other).lexically_normal().generic_string();
            std::error_code e;
            for (fs::path p = fs::path(other); !p.empty(); p = p.parent_path()) {
                if (fs::is_symlink(root / p, e)) return std::nullopt;  // reached through no link
            }
            if (!fs::is_regular_file(full, e)) return std::nullopt;
            if (!options.confine_to.empty() && !path_inside(full, options.confine_to)) return std::nullopt;
            const std::uint64_t most = std::min<std::uint64_t>(options.max_file_bytes, k_most_settings_bytes);
            auto t = read_regular_file(full, most, "a file a setting or a script names");
            if (!t) {
                // Too large to read: never silence (issue #53; runner84). Said once, at its line 1.
                if (fs::file_size(full, e) > most && !e) too_large.emplace(full, most);
                return std::nullopt;
            }
            return std::move(*t);
        };
        // A settings module a command line names at another path (knex --knexfile, typeorm -d,
        // sequelize --config): read as the tool's own settings module is, where it is.
        for (const auto& m : named_settings_modules(rel, *text)) {
            auto config = read_other(m.path);
            if (!config) continue;
            const std::string full = (root / m.path).lexically_normal().generic_string();
            std::vector<SettingUnknown> found;
            if (orm::runs_in_tool_process(m.path) || !settings_module_tool(m.path, *config).empty()) {
                continue;  // read where it is, as the tool's settings module by its own name
            }
            for (auto& [line, why] : orm::settings_module_writes(full, *config)) found.push_back(SettingUnknown{line, std::move(why), "module write"});
            const std::string spliced_tool = m.tool == "sequelize-cli" ? "Sequelize" : m.tool;
            for (auto& sp : spliced_settings_for(m.path, *config, spliced_tool)) {
                if (sp.unknown) found.push_back(SettingUnknown{sp.line, std::move(sp.why), "SQL the tool writes"});
                else out.notes.push_back(full + ":" + std::to_string(sp.line) + ": " + sp.why);
            }
            for (auto& sp : config_module_code_for(m.path, *config, spliced_tool)) {
                found.push_back(SettingUnknown{sp.line, std::move(sp.why), "a configuration module's code"});
            }
            unread_settings(full, *config, m.tool, found);
            if (!found.empty()) out.unknown.push_back(analyze_tool_settings(full, {}, options, *config, found));
        }
        // A deploy command that runs the down direction or resets the database, or names settings
        // pgfence does not read as the tool's (tools/deploy_commands.hpp, red team R79 B9).
        for (auto& c : deploy_command_unknowns(view, *text, read_other)) unknown.push_back(SettingUnknown{c.line, std::move(c.why), "deploy command"});
        // The configuration .sequelizerc's `config` names, whatever its name: sequelize-cli loads it
        // (src/helpers/config-helper.js getConfigFile: args.config), so it is read as config/config.*
        // is (red team R78b B6: src/db/sequelize.js ran `require('pg')` and a DROP TABLE at load).
        if (path_name(rel) == ".sequelizerc") {
            for (const auto& c : sequelize_rc_config_paths(*text)) {
                if (!c.value) {
                    std::string expr;
                    for (char ch : c.expr.substr(0, 80)) expr += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F || ch == '`' ? '?' : ch;
                    // A path sequelize-cli computes and pgfence cannot fold (red team R79 B6): its settings are not read.
                    unknown.push_back(SettingUnknown{c.line, "this .sequelizerc names its configuration file by " + expr +
                                                                 ", which pgfence cannot resolve: the searchPath, time zone and migration storage "
                                                                 "it sets are not read", "Sequelize configuration"});
                    continue;
                }
                const std::string other = fs::path(std::string(path_folder(rel)) + (path_folder(rel).empty() ? "" : "/") + *c.value).lexically_normal().generic_string();
                if (other.starts_with("..")) continue;  // outside the root
                auto config = read_other(other);
                if (!config) continue;
                if (path_name(path_folder(other)) == "config" && settings_module_tool(other, *config) == "sequelize-cli") {
                    continue;  // read as config/config.* already
                }
                std::vector<SettingUnknown> found;
                const std::string full = (root / other).lexically_normal().generic_string();
                for (auto& sp : spliced_settings_for(other, *config, "Sequelize")) {
                    if (sp.unknown) found.push_back(SettingUnknown{sp.line, std::move(sp.why), "SQL the tool writes"});
                    else out.notes.push_back(full + ":" + std::to_string(sp.line) + ": " + sp.why);
                }
                for (auto& sp : config_module_code_for(other, *config, "Sequelize")) {
                    found.push_back(SettingUnknown{sp.line, std::move(sp.why), "a configuration module's code"});
                }
                unread_settings(full, *config, "sequelize-cli", found);
                if (!found.empty()) out.unknown.push_back(analyze_tool_settings(full, {}, options, *config, found));
            }
        }
        // .sequelizerc is a module sequelize-cli requires (src/core/yargs.js loadRCFile): its own
        // imports of a driver as a configuration module's (red team R79 B14).
        if (path_name(rel) == ".sequelizerc") {
            const std::string plain(*text);
            for (auto& [at, why] : orm::driver_loads(orm::lex_js(plain))) {
                const int line = 1 + static_cast<int>(std::count(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(std::min(at, plain.size())), '\n'));
                unknown.push_back(SettingUnknown{line, "sequelize-cli loads .sequelizerc before any migration runs, and " + std::move(why),
                                                 "a configuration module's code"});
            }
        }
        // The files that run in the tool's process besides its settings (tools/tool_runners.hpp, red
        // team R79 B11, B15): the project's runner, npm's pre/post scripts around the tool, a
        // TypeORM data source's entities and subscribers. What pgfence cannot know in each is
        // unknown at its line, in that file.
        orm::SharedLoads entity_loads;  // one per settings file: its data source's entities and subscribers
        const auto runner_report = [&](const std::string& other, const std::string& how, bool runner) {
            const std::string full = (root / other).lexically_normal().generic_string();
            if (!runner_files.insert(full).second) return;
            auto code = read_other(other);
            if (!code) return;
            std::vector<SettingUnknown> found;
            for (auto& [line, why] : tool_runner_code(full, *code, runner, runner ? nullptr : &entity_loads)) {
                found.push_back(SettingUnknown{line, std::move(why) + " (" + shown_path(rel) + " " + how + ")", runner ? "the migration tool's runner" : "a module TypeORM loads"});
            }
            if (!found.empty()) out.unknown.push_back(analyze_tool_settings(full, {}, options, *code, found));
        };
        for (const auto& r : tool_runners(rel, *text, read_other)) runner_report(r.path, "line " + std::to_string(r.line) + ": " + r.how, true);
        // A runner, settings module or module a setting names that pgfence did not read for its size
        // (a script npm runs may be the tool's runner, a settings module says where the tool goes).
        for (const auto& [full, most] : too_large) {
            if (!runner_files.insert(full).second) continue;
            out.unknown.push_back(analyze_tool_settings(
                full, {}, options, "",
                {SettingUnknown{1, "this file, which " + shown_path(rel) + " names, is larger than pgfence reads (" + std::to_string(most >> 20) +
                                       " MiB), so it was not read: whether it runs the migration tool, and what it sends or sets, is not known",
                                "a file too large to read"}}));
        }
        too_large.clear();
        for (const auto& g : typeorm_loaded_globs(rel, *text)) {
            if (!g.unknown.empty()) {
                unknown.push_back(SettingUnknown{g.line, "TypeORM's " + g.setting + ": " + g.unknown, "a module TypeORM loads"});
                continue;
            }
            std::set<std::string> walked;
            for (const auto& glob : g.globs) {
                std::string folder = glob_folder_of(glob);
                if (!walked.insert(folder).second) continue;
                const fs::path start = folder.empty() || folder == "." ? root : root / folder;
                if (fs::is_symlink(start, ec) || !fs::is_directory(start, ec)) continue;
                std::size_t seen = 0;
                for (auto it = fs::recursive_directory_iterator(start, fs::directory_options::skip_permission_denied, ec);
                     !ec && it != fs::recursive_directory_iterator() && ++seen <= k_most_entries; it.increment(ec)) {
                    if (it->is_symlink(ec)) continue;
                    if (it->is_directory(ec)) {
                        if (it->path().filename() == "node_modules") it.disable_recursion_pending();
                        continue;
                    }
                    const std::string file = it->path().lexically_relative(root).generic_string();
                    if (it->is_regular_file(ec) && loaded_by(file, g)) runner_report(file, "line " + std::to_string(g.line) + " (" + g.setting + ") names it", false);
                }
            }
        }
        std::vector<ToolDir> plain_dirs;
        if (read_plain) plain_dirs = read_tool_dirs(rel, *text, read_other);
        for (auto d : read_tool_dirs(view, *text, read_other)) {
            if (std::any_of(plain_dirs.begin(), plain_dirs.end(), [&](const ToolDir& p) {
                    return p.line == d.line && p.tool == d.tool && p.setting == d.setting && p.folder == d.folder && p.unknown == d.unknown;
                })) {
                continue;
            }
            if (d.unknown.empty()) d.folder = (root / d.folder).lexically_normal().generic_string();
            out.notes.push_back(describe(path, d));
            if (!d.unknown.empty()) {
                // A folder setting pgfence cannot resolve, or a command (psql -c, a here-document) whose SQL it does not read.
                unknown.push_back(SettingUnknown{d.line, describe(path, d), d.tool == "psql" || d.program ? "command" : std::string()});
                continue;
            }
            // A selection whose files run unread (a desired-state folder): named in the note, not analysed as migrations.
            if (!d.loads_unread.empty()) continue;
            const std::string& folder = d.folder;
            // One SQL file psql runs (tools/psql_files.hpp): analysed as SQL.
            if (d.tool == "psql") {
                note_effect(rel, *text, d.line);
                out.psql_runs.push_back(PsqlRun{folder, d.psql_constants});
                if (fs::is_regular_file(folder, ec) && !fs::is_symlink(folder, ec)) scripts.push_back(folder);
                continue;
            }
            if (fs::is_symlink(folder, ec) && link_loads(folder, [&](const std::string& f) { return tool_loads(f, d); })) {
                scripts.push_back(folder);  // a link the tool loads files through: analyze_file reports it (red team R82b B9)
            }
            if (!fs::is_directory(folder, ec) || fs::is_symlink(folder, ec)) continue;
            if (std::find(folders.begin(), folders.end(), folder) == folders.end()) note_effect(rel, *text, d.line);
            folders.push_back(folder);
            if (d.tool == "sqlx") out.sqlx_folders.push_back(folder);
            // (And the script tools': a script there whose own words name no tool is that tool's
            // migration, analyzer_text.cpp; the stranger review 84, Unleash's db-migrate folder.)
            if (d.tool == "node-pg-migrate" || d.tool == "dbmate" || d.tool == "goose" || d.tool == "db-migrate" || d.tool == "knex" ||
                d.tool == "sequelize") {
                std::error_code e;
                out.tool_folders.emplace_back(fs::absolute(folder, e).lexically_normal().generic_string(), d.tool + "\n" + d.tool + " runs this folder (" +
                                                                                                         describe(rel, d) + ")");
            }
            // The scripts the tool runs from it, which no "migrations" in their path marks as such.
            if (d.scripts && options.input_format != orm::InputFormat::Sql) {
                std::size_t seen = 0;
                for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
                     !ec && it != fs::recursive_directory_iterator() && ++seen <= k_most_entries; it.increment(ec)) {
                    ToolDir here = d;
                    here.folder = ".";
                    // TypeORM loads only what its glob matches (typeorm_glob_files.hpp).
                    if (!typeorm_glob_loads(it->path().lexically_relative(folder).generic_string(), d.typeorm_glob)) continue;
                    if (it->is_symlink(ec) && in_tool_dir(it->path().filename().string(), here)) {
                        scripts.push_back(it->path().generic_string());  // a link the tool loads: analyze_file reports it
                        continue;
                    }
                    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
                    if (in_tool_dir(it->path().filename().string(), here)) {
                        scripts.push_back(it->path().generic_string());
                    } else if (it.depth() == 0) {
                        // A file the tool loads that pgfence does not read: unknown at its line 1.
                        if (unread_loaded_file(it->path().filename().string(), here).empty()) continue;
                        std::string why = unread_loaded_file(it->path().generic_string(), d);
                        if (why.empty()) why = unread_loaded_file(it->path().filename().string(), here);
                        auto t = read_regular_file(it->path().generic_string(), options.max_file_bytes, "a migration");
                        out.unknown.push_back(analyze_tool_settings(it->path().generic_string(), {}, options,
                                                                    t ? std::string_view(*t) : std::string_view(),
                                                                    {SettingUnknown{1, why, "a file the migration tool loads"}}));
                    }
                }
            }
        }
        if (!unknown.empty()) note_effect(rel, *text, unknown.front().line);
        if (!unknown.empty()) out.unknown.push_back(analyze_tool_settings(path, {}, options, *text, unknown));
    };
    std::size_t at = 0;
    for (; at < settings.size(); ++at) read_one(at);
    // Then the compose files no command pgfence recognises reaches, read as if one did: what they
    // would change is unknown at their lines, and kept out of the run.
    std::map<std::string, std::vector<SettingUnknown>> unreached_report;  // by compose file
    std::set<std::size_t> followed;
    std::set<std::string> reached;  // the compose files read as one (extends, include, COMPOSE_FILE, -f)
    for (const auto& [i, f] : compose_followed) {
        followed.insert(i);
        std::error_code ec;
        reached.insert(fs::absolute(settings[i].first, ec).lexically_normal().generic_string());
    }
    for (const auto& [i, f] : compose_env_read) followed.insert(i);
    compose_limit = compose_followed.size() + 8 * k_most_compose_files;
    std::set<std::string> unreached_files;
    add_unreached_compose(settings, followed, reached, options, maybe_compose, [&](const std::string& file, const fs::path& root, const std::string& project) {
        // At most 256 such files, and 1024 folders they are read from (a hostile repository's deep
        // folders cost no more).
        if ((unreached_files.size() >= k_most_compose_files && !unreached_files.contains(file)) || unreached.size() >= 4 * k_most_compose_files) {
            auto& lines = unreached_report[file];
            if (lines.empty()) {
                lines.push_back(SettingUnknown{1, "this compose file is past pgfence's limit of " + std::to_string(k_most_compose_files) +
                                                      " compose files: an env_file it loads may set how migrations run, unread", "env_file"});
            }
            return;
        }
        unreached_files.insert(file);
        unreached.emplace(settings.size(), UnreachedFrom{file, 0});
        compose_followed.emplace(settings.size(), ComposeFollow{project, 1});
        settings.emplace_back(file, root);
    }, [&](const std::string& file) {
        auto& lines = unreached_report[file];
        if (lines.empty()) {
            lines.push_back(SettingUnknown{1, "this file is a compose file by its content (a top-level services key) in a form pgfence's compose "
                                              "readers do not read (JSON, a flow mapping, a quoted key or a byte-order mark), and no command "
                                              "pgfence recognises runs it: an env_file or include there may set how migrations run, unread",
                                           "env_file"});
        }
    });
    for (; at < settings.size(); ++at) {
        const auto it = unreached.find(at);
        if (it == unreached.end()) continue;
        const UnreachedFrom origin = it->second;
        from = &origin;
        effect = Effect{};
        unreached_key.clear();
        // Read into the run as any entry, then taken back out: only what it would set is kept.
        const std::size_t notes = out.notes.size(), reports = out.unknown.size(), runs = out.psql_runs.size(), sqlx = out.sqlx_folders.size(),
                          tool_folders = out.tool_folders.size(),
                          n_folders = folders.size(), n_scripts = scripts.size();
        const std::string multi_on = out.golang_multi_statement, computed = multi_computed;
        const bool off = multi_off;
        read_one(at);
        out.notes.resize(notes);
        out.unknown.resize(reports);
        out.psql_runs.resize(runs);
        out.sqlx_folders.resize(sqlx);
        out.tool_folders.resize(tool_folders);
        folders.resize(n_folders);
        scripts.resize(n_scripts);
        out.golang_multi_statement = multi_on;
        multi_computed = computed;
        multi_off = off;
        from = nullptr;
        if (!unreached_key.empty()) read_unreached.emplace(unreached_key, effect);
        if (effect.line == 0) continue;
        auto& lines = unreached_report[origin.file];
        const int line = origin.line != 0 ? origin.line : effect.line;
        if (std::any_of(lines.begin(), lines.end(), [&](const SettingUnknown& u) { return u.line == line; })) continue;
        lines.push_back(SettingUnknown{line, unreached_why(effect, origin.line != 0), "env_file"});
    }
    for (auto& [file, found] : unreached_report) {
        // Read before, so readable; the unknowns stand without its text all the same.
        auto text = read_regular_file(file, std::min<std::uint64_t>(options.max_file_bytes, k_most_settings_bytes), "a compose file");
        const std::string_view shown = text ? std::string_view(*text) : std::string_view();
        for (auto& u : found) {
            const std::string service = compose_service_at(shown, u.line);
            if (!service.empty()) u.why = "service " + service + ": " + u.why;
        }
        out.unknown.push_back(analyze_tool_settings(file, {}, options, shown, std::move(found)));
    }
    std::vector<Error> ignored;
    if (!folders.empty()) {
        for (auto& f : expand_inputs(folders, ignored, options.input_format)) scripts.push_back(std::move(f));
    }
    out.golang_multi_statement_off = out.golang_multi_statement.empty() && multi_off && multi_computed.empty();
    if (out.golang_multi_statement.empty() && !multi_computed.empty()) out.golang_multi_statement = "?" + multi_computed;
    add_psql_includes(files, scripts, options, out.notes, out.psql_runs);
    if (scripts.empty()) return out;
    std::set<std::string> have;
    std::error_code ec;
    for (const auto& f : scripts) out.named_files.push_back(fs::absolute(f, ec).lexically_normal().generic_string());
    for (const auto& f : files) have.insert(fs::absolute(f, ec).lexically_normal().generic_string());
    for (auto& f : scripts) {
        if (have.insert(fs::absolute(f, ec).lexically_normal().generic_string()).second) files.push_back(std::move(f));
    }
    std::sort(files.begin(), files.end());
    return out;
}

}  // namespace pgfence::analyze::tools
