#include "bot/tool_settings_review.hpp"
#include "bot/changed_texts.hpp"
#include "bot/command_value_changes.hpp"
#include "bot/psql_includes_review.hpp"
#include "bot/psql_script_review.hpp"
#include "annotate/printable.hpp"
#include "bot/shell_script_files.hpp"
#include "bot/value_sources.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/orm/module_writes.hpp"
#include "analyze/orm/reach.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/settings_module.hpp"
#include "analyze/migrations/session_setup.hpp"
#include "analyze/orm/project_tool.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/code_migrations.hpp"
#include "analyze/migrations/config_dirs.hpp"
#include "analyze/migrations/flyway_script_config.hpp"
#include "analyze/migrations/foreign_migrations.hpp"
#include "analyze/migrations/golang_migrate_split.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/spliced_settings.hpp"
#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/shell_scripts.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/manifest_templates.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "bot/schema_sync_review.hpp"
#include "bot/session_setup_review.hpp"
#include "bot/tool_settings_surface.hpp"
#include "diff/link_targets.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

bool settings_name(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    const auto& names = tools::flyway_settings_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool sql_migration(std::string_view path) { return path.ends_with(".sql") || path.ends_with(".sql.postgres"); }

// The folder a settings file speaks for: its own, or the one above its conf/ folder ("" is the top).
std::string scope_of(std::string_view settings_path) {
    std::string_view base = analyze::path_folder(settings_path);
    if (analyze::path_name(base) == "conf") base = analyze::path_folder(base);
    return std::string(base);
}

bool inside(std::string_view path, std::string_view folder) {
    return folder.empty() || folder == "." || (path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/');
}

// A file's text at a commit, when it is a regular file within the limit.
analyze::Result<std::optional<std::string>> text_at(const diff::Repository& repo, const std::string& commit,
                                                    const std::string& path, std::uint64_t max_bytes) {
    auto stored = repo.read_file_bounded(commit, path, max_bytes);
    if (!stored) return stored.error();
    if (!*stored || !(*stored)->text) return std::optional<std::string>{};
    return std::move((*stored)->text);
}

// The files of `commit`, for a setting that names another file (TypeORM's -d data source).
tools::ReadFile reader_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes) {
    auto listed = std::make_shared<std::optional<std::string>>();
    return [&repo, commit, max_bytes, listed](const std::string& path) -> std::optional<std::string> {
        // The commit's package.json and project.json files, listed once (tools::k_package_files).
        if (path == tools::k_package_files) {
            if (!*listed) {
                std::string out;
                if (auto files = repo.list_files(commit, [](std::string_view p) { return tools::package_file_listed(p); })) {
                    for (std::size_t i = 0; i < files->size() && i < 4096; ++i) {
                        if ((*files)[i].find('\n') == std::string::npos) out += (*files)[i] + "\n";
                    }
                    *listed = std::move(out);
                } else {
                    *listed = std::string("\x01");  // not listed
                }
            }
            if (**listed == "\x01") return std::nullopt;
            return **listed;
        }
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text || !*text) return std::nullopt;
        return std::move(**text);
    };
}

std::set<std::string> folders_of(const std::string& settings_path, const tools::FlywaySettings& s) {
    std::set<std::string> out;
    for (const auto& location : s.locations) {
        std::string folder = tools::location_folder(settings_path, location);
        if (!folder.empty()) out.insert(folder);
    }
    return out;
}

// 1-based numbers of the lines of `text` that hold one of `needles` (lower-cased), as ranges.
std::vector<diff::LineRange> lines_holding(std::string_view text, const std::vector<std::string>& needles) {
    std::vector<diff::LineRange> out;
    int line = 1;
    for (std::size_t at = 0; at <= text.size(); ++line) {
        std::size_t nl = text.find('\n', at);
        std::string lowered(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const auto& n : needles) {
            if (lowered.find(n) == std::string::npos) continue;
            if (!out.empty() && out.back().last == line - 1) out.back().last = line;
            else out.push_back(diff::LineRange{line, line});
            break;
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

// A Flyway repeatable migration (R__x.sql, in any case as flyway_name takes it).
bool repeatable_name(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return name.size() > 3 && (name[0] == 'R' || name[0] == 'r') && name.substr(1, 2) == "__" &&
           (analyze::flyway_name(name) || analyze::flyway_name_with_suffix(name));
}

// What Flyway's checksum of a migration covers: CRC-32 over each line's UTF-8 bytes, read with
// readLine (the line breaks \n, \r\n and \r dropped) and a leading byte-order mark removed
// (flyway/flyway flyway-core src/main/java/org/flywaydb/core/internal/resolver/ChecksumCalculator.java
// calculateChecksumForResource). Comments and spaces count; line endings and empty lines do not.
std::string checksummed(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c != '\n' && c != '\r') out += c;
    }
    return out;
}

bool not_vendored(std::string_view p) {
    return p.find("node_modules/") == std::string_view::npos && !p.starts_with("target/") && p.find("/target/") == std::string_view::npos;
}

// Why a change to `p` changes the code a package's name or yarn loads (red team R82a B2, B15), or "".
std::string load_override(std::string_view p) {
    const std::string_view name = analyze::path_name(p);
    const auto under = [&](std::string_view folder) {
        return p.starts_with(std::string(folder) + "/") || p.find("/" + std::string(folder) + "/") != std::string_view::npos;
    };
    if (under("node_modules")) {
        return "this pull request changes a file under a node_modules folder of the repository: Node loads a package from the "
               "nearest one before the installed package, so the code that runs under an allowlisted name is not what pgfence reads";
    }
    if (under("patches") || under(".yarn/patches") || name.ends_with(".patch")) {
        return "this pull request changes a patch a package manager applies to a package at install (patch-package, yarn's "
               "patch: protocol, pnpm's patchedDependencies): the code that loads under the package's name is not what pgfence allowlists";
    }
    if (name == ".yarnrc.yml" || name == ".yarnrc" || name == ".env.yarn" || name.starts_with(".env.yarn.") || under(".yarn/releases") ||
        under(".yarn/plugins") || name == ".pnp.cjs" || name == ".pnp.js" || name == ".pnp.loader.mjs") {
        return "this pull request changes yarn's settings or a file yarn runs (yarnPath's release, plugins, the PnP resolver, "
               ".env.yarn's environment): what `yarn <script>` runs the migration tool with is not read by pgfence";
    }
    return {};
}

// The migration folders the other tools' settings files of `commit` name (tools/tool_dirs.hpp),
// each with the settings file that names it.
analyze::Result<std::vector<std::pair<std::string, tools::ToolDir>>> tool_dirs_at(const diff::Repository& repo,
                                                                                 const std::string& commit,
                                                                                 std::uint64_t max_bytes) {
    std::vector<std::pair<std::string, tools::ToolDir>> out;
    auto files = repo.list_files(commit, [](std::string_view p) { return tools::tool_settings_file(p) && not_vendored(p); });
    if (!files) return files.error();
    // Scripts that may run psql (Ruby, Python, #! scripts: tools/psql_scripts.hpp), Liquibase's XML
    // and JSON changelogs and sqitch.conf (tools/changelog_dirs.hpp) are read too: their stored
    // bytes first (a Python project has thousands of modules; reading each as a checkout writes it
    // costs milliseconds), as a checkout writes them only those that name a runner.
    auto more = repo.list_blobs(commit, [](std::string_view p) {
        return !tools::tool_settings_file(p) && (tools::psql_script_name(p) || tools::changelog_file_name(p)) && not_vendored(p);
    });
    if (!more) return more.error();
    for (const auto& f : *more) {
        auto blob = repo.read_blob(f.id, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!blob) return blob.error();
        if (blob->text && !tools::may_run_sql(f.path, *blob->text)) continue;
        files->push_back(f.path);
    }
    for (const auto& path : *files) {
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text) continue;
        for (auto& d : tools::read_tool_dirs(path, **text, reader_at(repo, commit, max_bytes))) out.emplace_back(path, std::move(d));
    }
    // The files the command files run as shell scripts whatever their names (tools/shell_scripts.hpp,
    // red team R88c F1), read as command files; what a `#!` script's own reading found is not said twice.
    auto shell = shell_scripts_at(repo, commit, max_bytes);
    if (!shell) return shell.error();
    const std::size_t plain = out.size();
    for (const auto& [path, view] : *shell) {
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text) continue;
        for (auto& d : tools::read_tool_dirs(view, **text, reader_at(repo, commit, max_bytes))) {
            const auto same = [&](const auto& o) {
                return o.first == path && o.second.line == d.line && o.second.tool == d.tool && o.second.setting == d.setting &&
                       o.second.folder == d.folder && o.second.unknown == d.unknown;
            };
            if (std::none_of(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(plain), same)) out.emplace_back(path, std::move(d));
        }
    }
    // A module a knexfile loads may hold its migrations.directory (`module.exports =
    // require('./config/knex')`), relative to the knexfile's folder.
    auto surface = settings_surface_at(repo, commit, max_bytes);
    if (!surface) return surface.error();
    for (const auto& [path, f] : surface->files) {
        // An environment file a compose service, docker --env-file, a systemd unit or a
        // kustomization loads (tools/env_files.hpp): Spring's settings there, as a dotenv file's.
        if (f.environment && !tools::tool_settings_file(path)) {
            auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
            if (!text) return text.error();
            if (*text) {
                for (auto& d : tools::read_changelog_dirs(path, **text)) out.emplace_back(path, std::move(d));
            }
            continue;
        }
        if (f.knexfile.empty()) continue;
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text) continue;
        for (auto& d : tools::read_knex_module(path, **text, f.knexfile)) out.emplace_back(path, std::move(d));
    }
    // The files the migrations include with psql's \i / \ir (bot/psql_includes_review.hpp).
    if (auto included = add_psql_includes(repo, commit, max_bytes, out); !included) return included.error();
    return out;
}

bool in_followed_dir(const std::vector<std::pair<std::string, tools::ToolDir>>& dirs, std::string_view path) {
    return std::any_of(dirs.begin(), dirs.end(), [&](const auto& d) { return tools::in_tool_dir(path, d.second); });
}

}  // namespace

analyze::Result<std::vector<std::string>> followed_tool_dirs(const diff::Repository& repo, const std::string& commit,
                                                             std::uint64_t max_bytes) {
    auto dirs = tool_dirs_at(repo, commit, max_bytes);
    if (!dirs) return dirs.error();
    std::vector<std::string> out;
    for (const auto& [path, d] : *dirs) out.push_back(tools::describe(path, d));
    return out;
}

analyze::Result<std::vector<std::string>> sqlx_folders_at(const diff::Repository& repo, const std::string& commit,
                                                          std::uint64_t max_bytes) {
    auto dirs = tool_dirs_at(repo, commit, max_bytes);
    if (!dirs) return dirs.error();
    std::vector<std::string> out;
    // A Cargo.toml's default (sqlx-cli's ./migrations) only where no migrate!() names a folder.
    const bool macro = std::any_of(dirs->begin(), dirs->end(), [](const auto& d) { return d.second.tool == "sqlx" && d.second.setting == "migrate!"; });
    for (const auto& [path, d] : *dirs) {
        if (d.tool == "sqlx" && !d.folder.empty() && !(macro && d.setting == tools::k_cargo_sqlx_default)) out.push_back(d.folder);
    }
    return out;
}

analyze::Result<std::vector<analyze::PsqlRun>> psql_runs_at(const diff::Repository& repo, const std::string& commit,
                                                            std::uint64_t max_bytes) {
    auto dirs = tool_dirs_at(repo, commit, max_bytes);
    if (!dirs) return dirs.error();
    std::vector<analyze::PsqlRun> out;
    for (const auto& [path, d] : *dirs) {
        if (d.tool == "psql" && !d.folder.empty() && d.unknown.empty() && d.loads_unread.empty()) out.push_back(analyze::PsqlRun{d.folder, d.psql_constants});
    }
    return out;
}

analyze::Result<bool> golang_multi_statement_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                                std::string& on, bool& off) {
    using Line = tools::MultiStatementLine;
    auto files = repo.list_files(commit, [](std::string_view p) {
        return (tools::tool_settings_file(p) || analyze::path_name(p).starts_with(".env")) && not_vendored(p);
    });
    if (!files) return files.error();
    bool any_off = false;
    std::string computed;  // where a URL is only known at run time
    for (const auto& path : *files) {
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text || ((*text)->find("x-multi-statement") == std::string::npos && (*text)->find("migrate") == std::string::npos)) continue;
        for (const Line& l : tools::golang_multi_statement_lines(**text)) {
            if (l.state == Line::State::On && on.empty()) on = path + ":" + std::to_string(l.line);
            any_off = any_off || l.state == Line::State::Off;
            if (l.state == Line::State::Computed && computed.empty()) computed = path + ":" + std::to_string(l.line);
        }
    }
    off = on.empty() && any_off && computed.empty();
    // May be on: "?<where>" (AnalyzeOptions::golang_multi_statement).
    if (on.empty() && !computed.empty()) on = "?" + computed;
    return true;
}

analyze::Result<std::vector<std::pair<std::string, std::string>>> marker_tools_at(const diff::Repository& repo, const std::string& commit,
                                                                                   std::uint64_t max_bytes) {
    std::vector<std::pair<std::string, std::string>> out;
    auto files = repo.list_files(commit, [](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        return (tools::tool_settings_file(p) || name.starts_with(".env") || name == "go.mod") && not_vendored(p);
    });
    if (!files) return files.error();
    for (const auto& path : *files) {
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text) continue;
        std::string lower = std::move(**text);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // goose: pressly/goose in go.mod or an import, the goose command, GOOSE_* variables.
        for (std::string_view tool : {"goose", "dbmate", "node-pg-migrate"}) {
            if (lower.find(tool) == std::string::npos) continue;
            if (std::none_of(out.begin(), out.end(), [&](const auto& t) { return t.first == tool; })) out.emplace_back(tool, path);
        }
    }
    return out;
}

analyze::Result<bool> one_transaction_settings_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                                  analyze::AnalyzeOptions& options) {
    // salsita/node-pg-migrate src/cli/options.ts `--no-single-transaction`, RunnerOption singleTransaction.
    static const std::regex k_npm_off(R"((--no-single-transaction|singleTransaction["']?\s*[:=]\s*false|single-transaction["']?\s*[:=]\s*false))");
    // Flyway's group: flyway.group=true, FLYWAY_GROUP=true, spring.flyway.group: true, -group=true, TOML `group = true`.
    static const std::regex k_flyway_group(R"((flyway\.group|flyway_group|-group|^\s*group)["']?\s*[:=]\s*["']?true)",
                                           std::regex::icase | std::regex::multiline);
    // Flyway's mixed (flyway-core ParserSqlScript.parse): flyway.mixed=true, FLYWAY_MIXED=true,
    // spring.flyway.mixed / SPRING_FLYWAY_MIXED (Spring Boot's FlywayProperties.mixed), -mixed=true,
    // TOML / YAML `mixed = true` (red team r71).
    static const std::regex k_flyway_mixed(R"((flyway\.mixed|flyway_mixed|-mixed|^\s*mixed)["']?\s*[:=]\s*["']?true)",
                                           std::regex::icase | std::regex::multiline);
    // typeorm DataSourceOptions.migrationsTransactionMode, `typeorm migration:run -t each` / --transaction.
    static const std::regex k_typeorm_each(R"((migrationsTransactionMode["']?\s*[:=]\s*["'](each|none)|migration:run[^\n]*(-t|--transaction)[ =]+(each|none)))");
    auto files = repo.list_files(commit, [](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        return (tools::tool_settings_file(p) || name.starts_with(".env") || name.ends_with(".conf") || name.ends_with(".toml") ||
                name.ends_with(".properties")) && not_vendored(p);
    });
    if (!files) return files.error();
    for (const auto& path : *files) {
        auto text = text_at(repo, commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (!*text) continue;
        const std::string& t = **text;
        if (t.find("ingle") != std::string::npos && std::regex_search(t, k_npm_off)) options.npm_single_transaction = false;
        if ((t.find("roup") != std::string::npos || t.find("ROUP") != std::string::npos) && std::regex_search(t, k_flyway_group)) {
            // A TOML `group = true` counts in a Flyway settings file only.
            const std::string_view name = analyze::path_name(path);
            if (t.find("lyway") != std::string::npos || t.find("LYWAY") != std::string::npos || name.starts_with("flyway")) options.flyway_group = true;
        }
        if ((t.find("ixed") != std::string::npos || t.find("IXED") != std::string::npos) && std::regex_search(t, k_flyway_mixed)) {
            const std::string_view name = analyze::path_name(path);
            if (t.find("lyway") != std::string::npos || t.find("LYWAY") != std::string::npos || name.starts_with("flyway")) options.flyway_mixed = true;
        }
        if (t.find("each") != std::string::npos || t.find("none") != std::string::npos) {
            if (std::regex_search(t, k_typeorm_each)) options.typeorm_transaction_all = false;
        }
    }
    return true;
}

analyze::Result<std::function<bool(std::string_view)>> tool_dir_selector(const diff::Repository& repo, const std::string& commit,
                                                                         std::uint64_t max_bytes) {
    auto dirs = tool_dirs_at(repo, commit, max_bytes);
    if (!dirs) return dirs.error();
    auto shared = std::make_shared<std::vector<std::pair<std::string, tools::ToolDir>>>(std::move(*dirs));
    return std::function<bool(std::string_view)>([shared](std::string_view p) { return in_followed_dir(*shared, p); });
}

analyze::Result<std::string> flyway_settings_at(const diff::Repository& repo, const std::string& commit, const std::string& path,
                                                std::uint64_t max_bytes, bool any_name) {
    if (!any_name && !analyze::flyway_name(analyze::path_name(path)) && !analyze::flyway_name_with_suffix(analyze::path_name(path))) {
        return std::string();
    }
    std::vector<std::pair<std::string, std::string>> found;
    for (const std::string& candidate : tools::flyway_settings_candidates(path)) {
        auto text = text_at(repo, commit, candidate, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (*text) found.emplace_back(candidate, std::move(**text));
    }
    std::string packed = tools::pack_flyway_files(found);
    // The script's own configuration (V2__x.sql.conf), at the same commit: one that is there but
    // not a regular file within the limit makes the script unknown.
    const std::string conf = tools::flyway_script_config_path(path);
    auto stored = repo.read_file_bounded(commit, conf, std::min(max_bytes, tools::k_most_settings_bytes));
    if (!stored) return stored.error();
    if (*stored && (*stored)->text && !(*stored)->unapplied) tools::add_flyway_file(packed, conf, *(*stored)->text);
    else if (*stored) tools::add_flyway_file(packed, conf, tools::k_unreadable_script_config);
    return packed;
}

analyze::Result<bool> add_settings_migrations(const diff::Repository& repo, diff::ChangeSet& changes, std::uint64_t max_bytes) {
    auto changed_settings = repo.changed_files(changes.merge_base_sha, changes.head_sha, settings_name, {}, max_bytes);
    if (!changed_settings) return changed_settings.error();
    std::set<std::string> have;
    for (const auto& c : changes.files) have.insert(c.path);
    // Every settings file of the head: its locations hold migrations whatever the globs say.
    auto head_settings = repo.list_files(changes.head_sha, settings_name);
    if (!head_settings) return head_settings.error();
    std::set<std::string> head_folders;
    // Where flyway.sqlMigrationSuffixes makes other endings migrations (V2__drop.pgsql): the folder
    // each such settings file speaks for, with its endings.
    std::vector<std::pair<std::string, std::vector<std::string>>> suffix_scopes;
    for (const auto& path : *head_settings) {
        auto text = text_at(repo, changes.head_sha, path, max_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        tools::FlywaySettings read = tools::read_flyway_settings(analyze::path_name(path), **text);
        for (auto& f : folders_of(path, read)) head_folders.insert(f);
        if (!read.migration_suffixes.empty()) suffix_scopes.emplace_back(scope_of(path), read.migration_suffixes);
    }
    auto configured_suffix = [&](std::string_view p) {
        if (!analyze::flyway_name_with_suffix(analyze::path_name(p))) return false;
        std::string name(analyze::path_name(p));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return std::any_of(suffix_scopes.begin(), suffix_scopes.end(), [&](const auto& scope) {
            return inside(p, scope.first) && std::any_of(scope.second.begin(), scope.second.end(), [&](const std::string& x) {
                       return x == "*" || name.ends_with(x);
                   });
        });
    };
    // The other tools' folders, as their settings in the head name them.
    auto head_dirs = tool_dirs_at(repo, changes.head_sha, max_bytes);
    if (!head_dirs) return head_dirs.error();
    // The migrations the pull request changed in those folders, which no glob may have picked, and
    // those the settings' suffixes make migrations. A file is matched at its own path and at each
    // path it is reached by through a link inside the repository (as the default globs are,
    // diff/changes.cpp): `db -> vendor/schema`, unchanged, with the knexfile naming `db/changes`,
    // puts a file added under vendor/schema/changes among knex's (red team R88 F6).
    auto links = diff::links_of(repo, changes.merge_base_sha, changes.head_sha);
    if (!links) return links.error();
    auto located = [&](std::string_view p) {
        if (configured_suffix(p)) return true;
        if (in_followed_dir(*head_dirs, p)) return true;
        if (!sql_migration(p)) return false;
        return std::any_of(head_folders.begin(), head_folders.end(), [&](const std::string& f) { return inside(p, f); });
    };
    auto in_locations = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [&](std::string_view p) {
            if (located(p)) return true;
            for (const auto& alias : diff::paths_through_links_deep(*links, p)) {
                if (located(alias)) return true;
            }
            return false;
        },
        // A submodule or a link at, in or above one of those folders is listed too (then judged
        // migration-not-a-file, as at a glob's folder): the tool reads through it, and a bump of
        // the submodule is the whole change (red team R87 F1: knex's `vendor/schema`).
        [&](std::string_view p) {
            auto near_of = [&](std::string_view q, std::string_view folder) {
                if (folder == ".") return q.find('/') == std::string_view::npos;  // the top folder's own entries
                return !folder.empty() && (q == folder || inside(q, folder) || inside(folder, q));
            };
            auto listed = [&](std::string_view q) {
                return std::any_of(head_dirs->begin(), head_dirs->end(),
                                   [&](const auto& d) { return d.second.loads_unread.empty() && d.second.tool != "psql" && near_of(q, d.second.folder); }) ||
                       std::any_of(head_folders.begin(), head_folders.end(), [&](const std::string& f) { return near_of(q, f); });
            };
            if (listed(p)) return true;
            for (const auto& alias : diff::paths_through_links_deep(*links, p)) {
                if (listed(alias)) return true;
            }
            return false;
        },
        max_bytes);
    if (!in_locations) return in_locations.error();
    for (auto& c : *in_locations) {
        if (have.insert(c.path).second) changes.files.push_back(std::move(c));
    }
    // A Flyway script whose own configuration (V2__x.sql.conf) the pull request added, changed or
    // removed runs differently (in or out of a transaction, its placeholders replaced or not): all
    // of it is judged again, as the pull request's.
    auto confs = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [](std::string_view p) { return tools::flyway_script_config_name(analyze::path_name(p)); }, {}, max_bytes);
    if (!confs) return confs.error();
    for (const auto& c : *confs) {
        for (const std::string* conf : {&c.path, &c.old_path}) {
            const std::string script = conf->substr(0, conf->size() - 5);
            const std::string_view name = analyze::path_name(script);
            if (!analyze::flyway_name(name) && !analyze::flyway_name_with_suffix(name)) continue;
            auto it = std::find_if(changes.files.begin(), changes.files.end(), [&](const diff::ChangedFile& f) { return f.path == script; });
            if (it != changes.files.end()) {
                if (it->status != diff::ChangeStatus::Deleted) it->all_lines_new = true;
                continue;
            }
            auto at_head = repo.read_file_bounded(changes.head_sha, script, max_bytes);
            if (!at_head) return at_head.error();
            if (!*at_head || !have.insert(script).second) continue;
            diff::ChangedFile change;
            change.path = change.old_path = script;
            change.status = diff::ChangeStatus::Modified;
            change.all_lines_new = true;
            changes.files.push_back(std::move(change));
        }
    }
    // A folder the pull request's settings name that the base's did not: every migration in it
    // runs for the first time (as a Flyway location the pull request adds).
    auto base_dirs = tool_dirs_at(repo, changes.merge_base_sha, max_bytes);
    if (!base_dirs) return base_dirs.error();
    std::vector<std::pair<std::string, tools::ToolDir>> new_dirs;
    for (const auto& d : *head_dirs) {
        if (d.second.folder.empty()) continue;
        const bool had = std::any_of(base_dirs->begin(), base_dirs->end(), [&](const auto& b) {
            return b.second.tool == d.second.tool && b.second.folder == d.second.folder;
        });
        if (!had) new_dirs.push_back(d);
    }
    if (!new_dirs.empty()) {
        auto brought = repo.list_files(changes.head_sha, [&](std::string_view p) { return in_followed_dir(new_dirs, p); });
        if (!brought) return brought.error();
        for (const auto& path : *brought) {
            if (!have.insert(path).second) continue;
            diff::ChangedFile change;
            change.path = change.old_path = path;
            change.status = diff::ChangeStatus::Added;
            change.all_lines_new = true;
            changes.files.push_back(std::move(change));
        }
    }
    for (const auto& settings : *changed_settings) {
        if (settings.status == diff::ChangeStatus::Deleted) continue;
        auto head_text = text_at(repo, changes.head_sha, settings.path, max_bytes);
        if (!head_text) return head_text.error();
        auto base_text = settings.all_lines_new ? analyze::Result<std::optional<std::string>>(std::optional<std::string>{})
                                                : text_at(repo, changes.merge_base_sha, settings.old_path, max_bytes);
        if (!base_text) return base_text.error();
        const std::string name(analyze::path_name(settings.path));
        tools::FlywaySettings head = tools::read_flyway_settings(name, head_text->value_or(""));
        tools::FlywaySettings base = tools::read_flyway_settings(name, base_text->value_or(""));
        // Folders the pull request made locations: all of their migrations are brought in.
        std::set<std::string> old_folders = folders_of(settings.old_path, base);
        std::set<std::string> new_folders;
        for (const auto& f : folders_of(settings.path, head)) {
            if (!old_folders.contains(f)) new_folders.insert(f);
        }
        // Placeholders whose value changed (or the syntax changed: then every Flyway migration's
        // lines are new), read by the Flyway migrations the settings file speaks for.
        const bool syntax = head.prefix != base.prefix || head.suffix != base.suffix || head.replacement != base.replacement ||
                            head.syntax_unknown != base.syntax_unknown;
        std::vector<std::string> needles;
        std::set<std::string> names;
        for (const auto& [n, v] : head.placeholders) names.insert(n);
        for (const auto& [n, v] : base.placeholders) names.insert(n);
        for (const auto& n : names) {
            auto h = head.placeholders.find(n), b = base.placeholders.find(n);
            bool same = h != head.placeholders.end() && b != base.placeholders.end() && h->second == b->second;
            if (!same) needles.push_back(head.prefix + n + head.suffix);
        }
        for (auto& needle : needles) {
            for (char& c : needle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (new_folders.empty() && needles.empty() && !syntax) continue;
        // Many changed values: every line of the Flyway migrations counts, rather than a search per
        // value and line (which would grow with their product).
        const bool all_lines = syntax || needles.size() > 64;
        const std::string scope = scope_of(settings.path);
        auto migrations = repo.list_files(changes.head_sha, [&](std::string_view p) {
            return sql_migration(p) && inside(p, scope);
        });
        if (!migrations) return migrations.error();
        for (const auto& path : *migrations) {
            if (have.contains(path)) continue;
            const bool brought = std::any_of(new_folders.begin(), new_folders.end(), [&](const std::string& f) { return inside(path, f); });
            const bool flyway = analyze::flyway_name(analyze::path_name(path));
            if (!brought && !flyway) continue;
            diff::ChangedFile change;
            change.path = change.old_path = path;
            change.status = brought ? diff::ChangeStatus::Added : diff::ChangeStatus::Modified;
            if (brought || all_lines) {
                change.all_lines_new = true;
            } else {
                auto text = text_at(repo, changes.head_sha, path, max_bytes);
                if (!text) return text.error();
                if (!*text) continue;
                change.added = lines_holding(**text, needles);
                if (change.added.empty()) continue;
                // A repeatable migration's checksum covers its replaced text: it runs again whole.
                if (repeatable_name(path)) change.all_lines_new = true;
            }
            have.insert(path);
            changes.files.push_back(std::move(change));
        }
    }
    // Flyway runs a repeatable migration again, whole, whenever its checksum changes
    // (documentation "Repeatable migrations"; SqlMigrationResolver takes the checksum of the
    // placeholder-replaced text: a changed placeholder value re-runs it too, handled above): a
    // comment or a space changed in R__x.sql runs every statement of it again, none pre-existing.
    // A renamed one is another repeatable migration, run in full.
    for (auto& c : changes.files) {
        if (c.all_lines_new || c.status == diff::ChangeStatus::Deleted || !repeatable_name(c.path)) continue;
        if (c.old_path != c.path) {
            c.all_lines_new = true;
            continue;
        }
        auto head_text = text_at(repo, changes.head_sha, c.path, max_bytes);
        if (!head_text) return head_text.error();
        auto base_text = text_at(repo, changes.merge_base_sha, c.old_path, max_bytes);
        if (!base_text) return base_text.error();
        if (!*head_text || !*base_text || checksummed(**head_text) != checksummed(**base_text)) c.all_lines_new = true;
    }
    std::sort(changes.files.begin(), changes.files.end(),
              [](const diff::ChangedFile& a, const diff::ChangedFile& b) { return a.path < b.path; });
    return true;
}

analyze::Result<bool> add_settings_reports(const diff::Repository& repo, const diff::ChangeSet& changes, analyze::Report& report,
                                           const analyze::AnalyzeOptions& options) {
    auto changed_settings = repo.changed_files(changes.merge_base_sha, changes.head_sha, settings_name, {}, options.max_file_bytes);
    if (!changed_settings) return changed_settings.error();
    std::set<std::string> listed;
    for (const auto& f : report.files) listed.insert(f.path);
    std::vector<analyze::FileReport> added;
    for (const auto& settings : *changed_settings) {
        auto head_text = text_at(repo, changes.head_sha, settings.path, options.max_file_bytes);
        if (!head_text) return head_text.error();
        std::optional<std::string> base_text;
        if (!settings.all_lines_new) {
            auto old = text_at(repo, changes.merge_base_sha, settings.old_path, options.max_file_bytes);
            if (!old) return old.error();
            base_text = std::move(*old);
        }
        const std::string name(analyze::path_name(settings.path));
        auto found = tools::flyway_setting_changes(name, base_text, head_text->value_or(""));
        if (listed.insert(settings.path).second) added.push_back(analyze::analyze_tool_settings(settings.path, std::move(found), options));
    }
    // The files a command file of the base or the head runs as a shell script, and the files the pull
    // request changes that start with a shell's `#!`: reviewed as command files whatever their names
    // (tools/shell_scripts.hpp, red team R88c F1).
    std::map<std::string, std::string> shell;
    for (const std::string* commit : {&changes.merge_base_sha, &changes.head_sha}) {
        auto run = shell_scripts_at(repo, *commit, options.max_file_bytes);
        if (!run) return run.error();
        shell.insert(run->begin(), run->end());
    }
    auto unnamed = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [&](std::string_view p) { return not_vendored(p) && !tools::command_file(p) && !shell.contains(std::string(p)); }, {},
        options.max_file_bytes);
    if (!unnamed) return unnamed.error();
    for (const auto& f : *unnamed) {
        if (f.status == diff::ChangeStatus::Deleted) continue;
        auto text = text_at(repo, changes.head_sha, f.path, std::min(options.max_file_bytes, tools::k_most_settings_bytes));
        if (!text) return text.error();
        if (*text && tools::shell_shebang(**text)) shell.emplace(f.path, tools::shell_view(f.path));
    }
    // The name a changed file is read under.
    const auto view_of = [&](const std::string& p) {
        const auto v = shell.find(p);
        return v != shell.end() ? v->second : p;
    };
    auto others = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [&](std::string_view p) {
            return static_cast<bool>(other_tool_lines(p)) || shell.contains(std::string(p)) || (tools::psql_script_name(p) && not_vendored(p));
        },
        {}, options.max_file_bytes);
    if (!others) return others.error();
    // node-config's files speak for node-pg-migrate only in a project that runs it.
    std::optional<bool> runs_node_pg_migrate;
    // The MikroORM configuration files another setting names (package.json's configPaths, a .env's
    // MIKRO_ORM_CLI_CONFIG, `mikro-orm --config`), in the base or the head: every line of one
    // counts, as a mikro-orm.config.*'s does. Read once, when a changed script may be one.
    std::optional<std::set<std::string>> mikro_named;
    const auto mikro_config = [&](const std::string& path) -> analyze::Result<bool> {
        if (!mikro_named) {
            mikro_named.emplace();
            for (const std::string* commit : {&changes.merge_base_sha, &changes.head_sha}) {
                auto dirs = tool_dirs_at(repo, *commit, options.max_file_bytes);
                if (!dirs) return dirs.error();
                for (const auto& [settings, d] : *dirs) {
                    if (!d.named_file.empty()) mikro_named->insert(d.named_file);
                }
            }
        }
        return mikro_named->contains(path);
    };
    // The inputs changed workflows give the local actions and reusable workflows they call (red team R89 F4).
    CallerValues callers;
    for (const auto& changed : *others) {
        const std::string_view n = analyze::path_name(changed.path);
        const bool npm = n == "package.json";
        if (changed.status == diff::ChangeStatus::Deleted || (!npm && (!changed.path.starts_with(".github/") || !(n.ends_with(".yml") || n.ends_with(".yaml"))))) {
            continue;
        }
        auto text = text_at(repo, changes.head_sha, changed.path, options.max_file_bytes);
        if (!text) return text.error();
        if (*text) (npm ? add_npm_config_values : add_caller_values)(changed, **text, callers);
    }
    // The command files that read values from a file the pull request changes (bot/value_sources.hpp,
    // red team R89b F1): an included makefile, a .env, a sourced file, `$(cat F)`, a GitLab include.
    std::vector<std::string> unread_commands;
    std::map<std::string, std::set<std::string>> npm_runs;
    auto value_read = value_file_readers(repo, changes, shell, options.max_file_bytes, unread_commands, npm_runs);
    if (!value_read) return value_read.error();
    // A changed package.json `config` key's `npm_package_config_<key>` goes to the command files
    // that run its scripts (`npm run db`; red team R90 F2).
    for (const auto& [pkg, runs] : npm_runs) {
        const auto names = callers.find(pkg);
        if (names == callers.end()) continue;
        const std::set<std::string> given = names->second;
        for (const auto& r : runs) callers[r].insert(given.begin(), given.end());
    }
    // A command file pgfence did not read for its values (past the bound, too large): any file the
    // pull request changes may feed its commands, so that is unknown at it (issue #53: never silent).
    if (!unread_commands.empty() && (!unnamed->empty() || !others->empty()) && listed.insert(unread_commands.front()).second) {
        const std::string& first = unread_commands.front();
        std::string why = "pgfence did not read " + annotate::printable(first) +
                          (unread_commands.size() > 1 ? " and " + std::to_string(unread_commands.size() - 1) + " other command files" : std::string()) +
                          " for the files their commands take values from (too many command files, or too large), so whether this pull "
                          "request's changed files change what they run is not known";
        added.push_back(analyze::analyze_tool_settings(first, {}, options, "", {analyze::SettingUnknown{1, std::move(why), "deploy command"}}));
    }
    const auto no_names = std::set<std::string>();
    for (const auto& changed : *others) {
        if (listed.contains(changed.path)) continue;
        // A Python or Ruby script whose psql runs analyze reads (tools/psql_scripts.hpp; red team R89b F3).
        if (!other_tool_lines(view_of(changed.path)) && !shell.contains(changed.path)) {
            if (changed.status == diff::ChangeStatus::Deleted) continue;
            auto text = text_at(repo, changes.head_sha, changed.path, options.max_file_bytes);
            if (!text) return text.error();
            if (!*text) continue;
            auto psql = psql_script_report(changed, **text, reader_at(repo, changes.head_sha, options.max_file_bytes), options);
            if (!psql) continue;
            listed.insert(changed.path);
            added.push_back(std::move(*psql));
            continue;
        }
        diff::ChangedFile file = changed;
        // A rename (red team R88 F3, S1): a settings file moved to a name no tool reads is that
        // settings file removed; a file moved to a settings path (a docs/releaserc.example.json made
        // .releaserc.json, a .env.example made .env, a docs/deploy.yml made a workflow, a knexfile
        // moved to the folder a tool runs in) is read there in full for the first time, so every
        // line of it is new: which tool reads a file, and from where, depends on its whole path.
        const std::string view = view_of(file.path);
        if (!file.old_path.empty() && file.old_path != file.path) {
            if (!other_tool_lines(view)) {
                file.status = diff::ChangeStatus::Deleted;
            } else {
                file.all_lines_new = true;
            }
        }
        bool named = false;  // a MikroORM configuration another setting names
        if (node_config_only(file.path)) {
            if (!runs_node_pg_migrate) {
                auto runs = uses_node_pg_migrate(repo, changes, options.max_file_bytes);
                if (!runs) return runs.error();
                runs_node_pg_migrate = *runs;
            }
            if (!*runs_node_pg_migrate) {
                auto is_named = mikro_config(file.path);
                if (!is_named) return is_named.error();
                if (!*is_named) continue;
                named = true;
            }
        }
        // The settings lines the pull request removed (a table or a folder back to its default), a
        // removed file's included.
        std::optional<std::string> base_text;
        if (!file.all_lines_new || file.status == diff::ChangeStatus::Deleted) {
            auto old = text_at(repo, changes.merge_base_sha, file.old_path, options.max_file_bytes);
            if (!old) return old.error();
            base_text = std::move(*old);
        }
        if (file.status == diff::ChangeStatus::Deleted) {
            auto gone = removed_tool_settings(file.old_path, base_text.value_or(""), "", other_tool_lines(view_of(file.old_path)));
            if (!gone.empty() && listed.insert(file.old_path).second) {
                added.push_back(analyze::analyze_tool_settings(file.old_path, std::move(gone), options, "", {}));
            }
            continue;
        }
        auto text = text_at(repo, changes.head_sha, file.path, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        const std::string_view name = analyze::path_name(view);
        const bool script = !name.starts_with("ormconfig.") && (name.ends_with(".ts") || name.ends_with(".js") || name.ends_with(".mjs") ||
                                                                 name.ends_with(".cjs") || name.ends_with(".mts") || name.ends_with(".cts"));
        if (!named && script && !tools::command_file(view) && !name.starts_with("knexfile.") && !name.starts_with("mikro-orm.config.") && !sequelize_config_name(file.path) &&
            !release_config_path(file.path) && !tools::node_config_file(file.path) &&
            !tools::data_source_text(**text) && !tools::drizzle_config_name(name) &&
            !tools::prisma_config_path(file.path) && !tools::drizzle_migrate_text(**text)) {
            auto is_named = mikro_config(file.path);
            if (!is_named) return is_named.error();
            if (!*is_named) continue;
            named = true;
        }
        std::function<bool(std::string_view)> counts = other_tool_lines(view);
        if (named) counts = [](std::string_view line) { return !line.empty() && !line.starts_with("//"); };
        auto found = other_tool_changes(file, **text, counts);
        // A container's or a build step's command that now runs other words (red team R89 F3).
        for (auto& e : changed_exec_commands(file.path, **text, base_text)) {
            if (std::none_of(found.begin(), found.end(), [&](const analyze::SettingChange& f) { return f.line == e.line; })) found.push_back(std::move(e));
        }
        // A removed setting, when no added line already says the settings changed.
        if (base_text && found.empty()) {
            for (auto& g : removed_tool_settings(file.path, *base_text, **text, counts)) found.push_back(std::move(g));
        }
        // A folder the changed settings compute: where the tool reads its migrations is not known.
        std::vector<analyze::SettingUnknown> unknown;
        for (const auto& d : tools::read_tool_dirs(view, **text, reader_at(repo, changes.head_sha, options.max_file_bytes))) {
            if (!d.unknown.empty()) unknown.push_back(analyze::SettingUnknown{d.line, tools::describe(file.path, d), {}});
        }
        // A changed line of a settings script the tool runs in its own process that writes another
        // module's value (analyze/orm/module_writes.hpp, red team R77 K2), as `analyze` reports it.
        if (analyze::orm::runs_in_tool_process(file.path)) {
            auto changed = [&](int line) { return file.all_lines_new || file.touches(line, line); };
            for (auto& [line, why] : analyze::orm::settings_module_writes(file.path, **text, changed)) {
                if (changed(line)) unknown.push_back(analyze::SettingUnknown{line, std::move(why), "module write"});
            }
        }
        // What the tool writes into its SQL from a changed line, and a configuration module's code
        // (tools/spliced_settings.hpp): listed here, the file is not read again for them.
        for (auto& s : tools::spliced_settings(file.path, **text)) {
            if (s.unknown && (file.all_lines_new || file.touches(s.line, s.line))) unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "SQL the tool writes"});
        }
        for (auto& s : tools::config_module_code(file.path, **text)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "a configuration module's code"});
        }
        // Its statements, read default-deny (analyze/orm/settings_module.hpp), as analyze reads them.
        if (const std::string tool = tools::settings_module_tool(file.path, **text); !tool.empty()) {
            auto touched = [&](int line) { return file.all_lines_new || file.touches(line, line); };
            auto add_unknown = [&](int line, std::string why, const char* what) {
                if (touched(line) && std::none_of(unknown.begin(), unknown.end(), [&](const analyze::SettingUnknown& u) { return u.line == line; })) {
                    unknown.push_back(analyze::SettingUnknown{line, std::move(why), what});
                }
            };
            auto unread = analyze::orm::settings_module_unread(file.path, **text, tool);
            const bool mine = std::any_of(unread.begin(), unread.end(), [&](const auto& u) { return touched(u.first); });
            // Listed here because of these, the file is not read again by add_session_setup_reports: its checks first.
            if (mine && found.empty() && unknown.empty()) {
                for (auto& sp : tools::session_setup_settings(**text)) add_unknown(sp.line, std::move(sp.why), "connection setup");
            }
            for (auto& [line, why] : unread) add_unknown(line, std::move(why), "a settings module's code");
        }
        // Code node preloads into the tool's process (tools::preload_lines), as `analyze` reports it.
        for (auto& [line, why] : tools::preload_lines(file.path, **text)) {
            if (file.all_lines_new || file.touches(line, line)) unknown.push_back(analyze::SettingUnknown{line, std::move(why), "preloaded code"});
        }
        // A changed deploy command, with the repository scripts it runs read as command lines
        // (tools/deploy_commands.hpp): `run: ./scripts/reset.sh` names no tool itself, the script
        // runs `knex migrate:rollback` (left81's gap; analyze reported it, pr did not).
        // The commands as analyze reads them, in the base and the head (bot/command_value_changes.hpp):
        // the line, a value it is read with (a workflow's env, matrix, working-directory: red team
        // R81a B4), a command that resolves to other words, a value a changed line or a caller sets
        // (red team R89 F3, F4). A YAML manifest's container commands too (`args:` apart from `command:`).
        if (tools::command_file(view) || name == "package.json" || name.ends_with(".yml") || name.ends_with(".yaml") || tools::manifest_template_name(name)) {
            const auto given = callers.find(file.path);
            for (auto& c : changed_command_unknowns(file, view, **text, base_text, reader_at(repo, changes.head_sha, options.max_file_bytes),
                                                    reader_at(repo, changes.merge_base_sha, options.max_file_bytes),
                                                    given == callers.end() ? no_names : given->second, value_read->contains(file.path))) {
                if (std::none_of(unknown.begin(), unknown.end(), [&](const analyze::SettingUnknown& u) { return u.line == c.line; })) {
                    unknown.push_back(analyze::SettingUnknown{c.line, std::move(c.why), "deploy command"});
                }
            }
        }
        if (found.empty() && unknown.empty()) continue;
        listed.insert(file.path);
        added.push_back(analyze::analyze_tool_settings(file.path, std::move(found), options, **text, unknown));
    }
    // A local action or reusable workflow the pull request does not change, whose input a caller's
    // changed `with:` gives: its commands that read the input run otherwise (red team R89 F4).
    std::set<std::string> reviewed;
    for (const auto& f : *others) reviewed.insert(f.path);
    for (const auto& [callee, names] : callers) {
        if (listed.contains(callee) || reviewed.contains(callee)) continue;
        auto text = text_at(repo, changes.head_sha, callee, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        diff::ChangedFile same;
        same.path = callee;
        const auto read = reader_at(repo, changes.head_sha, options.max_file_bytes);
        std::vector<analyze::SettingUnknown> unknown;
        for (auto& c : changed_command_unknowns(same, callee, **text, *text, read, read, names)) {
            unknown.push_back(analyze::SettingUnknown{c.line, std::move(c.why), "deploy command"});
        }
        if (unknown.empty()) continue;
        listed.insert(callee);
        added.push_back(analyze::analyze_tool_settings(callee, {}, options, **text, unknown));
    }
    // A command file the pull request does not change whose value file it changes: its unknowns that
    // read a computed word run with other values (red team R89b F1).
    for (const auto& reader : *value_read) {
        if (listed.contains(reader) || reviewed.contains(reader)) continue;
        auto text = text_at(repo, changes.head_sha, reader, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        diff::ChangedFile same;
        same.path = reader;
        const auto read = reader_at(repo, changes.head_sha, options.max_file_bytes);
        std::vector<analyze::SettingUnknown> unknown;
        for (auto& c : changed_command_unknowns(same, view_of(reader), **text, *text, read, read, no_names, true)) {
            unknown.push_back(analyze::SettingUnknown{c.line, std::move(c.why), "deploy command"});
        }
        if (unknown.empty()) continue;
        listed.insert(reader);
        added.push_back(analyze::analyze_tool_settings(reader, {}, options, **text, unknown));
    }
    // The files another settings file makes part of what the tool reads (bot/tool_settings_surface.hpp):
    // a module a knexfile requires, the config file .sequelizerc names, the toml DIESEL_CONFIG_FILE
    // names. In the base's or the head's surface: a change to it is a change to the settings.
    if (auto added_lines = add_surface_reports(repo, changes, options, listed, added); !added_lines) return added_lines.error();
    // A TypeORM -d data source whose migrations are not known (tools/typeorm_data_source.hpp):
    // any script the pull request adds or changes that defines an up() may be one TypeORM runs, so
    // the script line that names the data source is unknown, even when package.json is unchanged.
    // The same for MikroORM's migrations folder when a setting computes it (a spread of a required
    // file, `path: process.env.X`): MikroORM runs the scripts of that folder (issue #53 cfg88).
    auto head_dirs_now = tool_dirs_at(repo, changes.head_sha, options.max_file_bytes);
    if (!head_dirs_now) return head_dirs_now.error();
    std::map<std::string, std::vector<analyze::SettingUnknown>> unknown_sources;
    for (const auto& [settings, d] : *head_dirs_now) {
        const bool computed_folder = (d.tool == "typeorm" && d.setting.starts_with("typeorm -")) || (d.tool == "mikro-orm" && d.scripts);
        if (computed_folder && !d.unknown.empty() && !listed.contains(settings)) {
            unknown_sources[settings].push_back(analyze::SettingUnknown{d.line, tools::describe(settings, d), {}});
        }
    }
    if (!unknown_sources.empty()) {
        auto scripts = repo.changed_files(
            changes.merge_base_sha, changes.head_sha,
            [](std::string_view p) {
                const std::string_view n = analyze::path_name(p);
                return not_vendored(p) && !n.ends_with(".d.ts") &&
                       (n.ends_with(".ts") || n.ends_with(".js") || n.ends_with(".mjs") || n.ends_with(".cjs") || n.ends_with(".mts") ||
                        n.ends_with(".cts"));
            },
            {}, options.max_file_bytes);
        if (!scripts) return scripts.error();
        bool any_up = false;
        for (const auto& file : *scripts) {
            if (file.status == diff::ChangeStatus::Deleted) continue;
            auto text = text_at(repo, changes.head_sha, file.path, options.max_file_bytes);
            if (!text) return text.error();
            // Too large to read: it may define one.
            if (!*text || analyze::orm::defines_up(**text)) {
                any_up = true;
                break;
            }
        }
        for (auto& [settings, unknown] : unknown_sources) {
            if (!any_up) break;
            auto text = text_at(repo, changes.head_sha, settings, options.max_file_bytes);
            if (!text) return text.error();
            listed.insert(settings);
            added.push_back(analyze::analyze_tool_settings(settings, {}, options, text->value_or(""), std::move(unknown)));
        }
    }
    // Migrations written as code the pull request adds or changes (a goose .go, a Flyway .java):
    // pgfence does not read them, so each is an unknown statement (tools/code_migrations.hpp).
    auto code = each_changed_text(
        repo, changes, [](std::string_view p) { return tools::code_migration_candidate(p) && not_vendored(p); }, options.max_file_bytes,
        listed, [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
            const std::string_view text = read.value_or(std::string_view());
            auto found = tools::read_code_migration(file.path, text, !read);
            if (!found) return;
            listed.insert(file.path);
            added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text,
                                                           {analyze::SettingUnknown{found->line, found->why, found->tool + " migration in code"}}));
        });
    if (!code) return code.error();
    // Migrations of tools pgfence does not read (Liquibase, Sqitch, Atlas, pgroll, Rails, Alembic,
    // Django) the pull request adds or changes: each an unknown statement (tools/foreign_migrations.hpp).
    auto foreign = each_changed_text(
        repo, changes, [](std::string_view p) { return tools::foreign_migration_candidate(p) && not_vendored(p); }, options.max_file_bytes,
        listed, [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
            const std::string_view text = read.value_or(std::string_view());
            auto found = tools::read_foreign_migration(file.path, text, !read, reader_at(repo, changes.head_sha, options.max_file_bytes));
            if (!found) return;
            listed.insert(file.path);
            added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text,
                                                           {analyze::SettingUnknown{found->line, found->why, found->tool + " migration"}}));
        });
    if (!foreign) return foreign.error();
    // Files that decide what code loads under a package's name or what `yarn <script>` runs: a
    // node_modules folder committed to the repository (Node looks in every ancestor folder's), a
    // patch applied at install (patch-package, yarn's patch: protocol), yarn's settings, the yarn
    // release and plugins it runs, its PnP resolver and .env.yarn (red team R82a B2, B15).
    auto loaders = each_changed_text(
        repo, changes, [](std::string_view p) { return !load_override(p).empty(); }, options.max_file_bytes, listed,
        [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
            listed.insert(file.path);
            added.push_back(analyze::analyze_tool_settings(file.path, {}, options, read.value_or(std::string_view()),
                                                           {analyze::SettingUnknown{1, load_override(file.path), "what loads under a name"}}));
        });
    if (!loaders) return loaders.error();
    // A module of a package named after an allowlisted one (its nearest package.json's "name"):
    // Node's self-reference loads it for that name (red team R82a B2 selfref), so a change to it is
    // a change to what a migration's `require("dayjs")` runs.
    std::map<std::string, std::string> scope_name;  // a folder: the name of the package.json there, "" none
    auto self_named = each_changed_text(
        repo, changes,
        [](std::string_view p) {
            const std::string_view n = analyze::path_name(p);
            return not_vendored(p) && (n.ends_with(".js") || n.ends_with(".cjs") || n.ends_with(".mjs") || n.ends_with(".ts") ||
                                       n.ends_with(".cts") || n.ends_with(".mts") || n.ends_with(".json") || n.ends_with(".node"));
        },
        options.max_file_bytes, listed, [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
            for (std::string folder(analyze::path_folder(file.path)); scope_name.size() < 65536;) {
                auto known = scope_name.find(folder);
                if (known == scope_name.end()) {
                    const std::string manifest = folder.empty() ? std::string("package.json") : folder + "/package.json";
                    auto text = text_at(repo, changes.head_sha, manifest, tools::k_most_settings_bytes);
                    std::string name = text && !*text ? std::string() : std::string("\n");  // "\n": unreadable, a scope of unknown name
                    if (text && *text) {
                        const std::vector<analyze::orm::Token> t = analyze::orm::lex_js(**text);
                        name = "\n";
                        for (std::size_t i = 1; i + 1 < t.size(); ++i) {  // the top object's "name"
                            if (t[i].kind == analyze::orm::TokenKind::String && t[i].string.value == "name" && t[i + 1].text == ":" &&
                                i + 2 < t.size() && t[i + 2].kind == analyze::orm::TokenKind::String) {
                                name = t[i + 2].string.value;
                                break;
                            }
                        }
                    }
                    known = scope_name.emplace(folder, name).first;
                }
                if (!known->second.empty()) {
                    const std::string& name = known->second;
                    if (name != "\n" && analyze::orm::allowed_module(name) && !name.starts_with("node:")) {
                        listed.insert(file.path);
                        added.push_back(analyze::analyze_tool_settings(
                            file.path, {}, options, read.value_or(std::string_view()),
                            {analyze::SettingUnknown{1, "this file is in a package named '" + name + "', a name pgfence allowlists: Node loads the "
                                                        "package's own files for that name (a self-reference), so a migration's load of it runs this code",
                                                     "what loads under a name"}}));
                    }
                    return;
                }
                if (folder.empty()) return;
                folder = std::string(analyze::path_folder(folder));
            }
        });
    if (!self_named) return self_named.error();
    // Entity and model files a schema synchronisation turns into DDL at start (bot/schema_sync_review.hpp).
    if (auto synced = add_schema_sync_reports(repo, changes, options, listed, added); !synced) return synced.error();
    // Lines that give the tool's connections session settings or SQL (bot/session_setup_review.hpp).
    if (auto setup = add_session_setup_reports(repo, changes, options, listed, added); !setup) return setup.error();
    // The settings file that decided a migration's folder is part of what it was read with.
    auto head_dirs = tool_dirs_at(repo, changes.head_sha, options.max_file_bytes);
    if (!head_dirs) return head_dirs.error();
    // Files the pull request adds or changes in a folder a tool loads wholesale that pgfence does
    // not read (a node-pg-migrate 1_x.tsx or 1_x.txt, loaded through jiti): unknown at line 1.
    // Also where the folder is a link to theirs (knex's loadExtensions [".md"] through `db/migrations
    // -> ../docs/notes`, red team R82b B9): judged at each path the tool reaches them by.
    auto links = diff::links_of(repo, changes.merge_base_sha, changes.head_sha);
    if (!links) return links.error();
    auto unread_why = [&](std::string_view p, const tools::ToolDir& d) {
        std::string w = tools::unread_loaded_file(p, d);
        for (const auto& alias : diff::paths_through_links(*links, p)) {
            if (w.empty()) w = tools::unread_loaded_file(alias, d);
        }
        return w;
    };
    auto loaded = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [&](std::string_view p) {
            return not_vendored(p) && std::any_of(head_dirs->begin(), head_dirs->end(), [&](const auto& d) {
                       return !unread_why(p, d.second).empty();
                   });
        },
        {}, options.max_file_bytes);
    if (!loaded) return loaded.error();
    for (const auto& file : *loaded) {
        if (file.status == diff::ChangeStatus::Deleted || listed.contains(file.path)) continue;
        std::string why;
        std::string by_content;  // the why of a "**" selection: any file psql would run as SQL
        for (const auto& [settings, d] : *head_dirs) {
            std::string w = unread_why(file.path, d);
            if (d.folder == "**") {
                if (by_content.empty()) by_content = std::move(w);
            } else if (why.empty()) {
                why = std::move(w);
            }
        }
        auto text = text_at(repo, changes.head_sha, file.path, options.max_file_bytes);
        if (!text) return text.error();
        // Chosen only because a command computes the name of a file psql runs: one whose text psql
        // would not run as SQL (a Dockerfile, a shell script, a CSV) is not it (red team R71 N1); one
        // too large to read, or of SQL whatever its name (R71 F1), is.
        if (why.empty()) {
            if (*text && !tools::psql_runs_text(**text)) continue;
            why = by_content;
        }
        listed.insert(file.path);
        added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text->value_or(""),
                                                       {analyze::SettingUnknown{1, why, "a file the migration tool loads"}}));
    }
    for (auto& f : report.files) {
        for (const auto& [settings, d] : *head_dirs) {
            if (!tools::in_tool_dir(f.path, d)) continue;
            if (std::find(f.settings_files.begin(), f.settings_files.end(), settings) == f.settings_files.end()) {
                f.settings_files.push_back(settings);
            }
        }
    }
    // A settings script that loads dotenv (`require('dotenv').config()`, `import 'dotenv/config'`)
    // takes values from the .env of the folder the tool runs in (motdotla/dotenv lib/main.js:
    // path.resolve(process.cwd(), '.env')): a TypeORM DataSource's migrationsTableName, a
    // knexfile's tableName. Each .env of the script's folder and the folders above it is a file
    // the migrations it configures were read with.
    std::map<std::string, bool> has_env;  // a .env's path: whether the head has it
    std::map<std::string, std::vector<std::string>> env_files;  // a settings script: the .env files it may load
    for (auto& f : report.files) {
        std::vector<std::string> more;
        for (const auto& settings : f.settings_files) {
            const std::string_view name = analyze::path_name(settings);
            if (name.starts_with(".env") || name == "package.json" || name.ends_with(".json") || name.ends_with(".toml")) continue;
            if (!env_files.contains(settings)) {
                auto& found = env_files[settings];
                auto text = text_at(repo, changes.head_sha, settings, std::min(options.max_file_bytes, tools::k_most_settings_bytes));
                if (!text) return text.error();
                if (!*text || (*text)->find("dotenv") == std::string::npos) continue;
                for (std::string_view folder = analyze::path_folder(settings);; folder = analyze::path_folder(folder)) {
                    const std::string candidate = folder.empty() ? std::string(".env") : std::string(folder) + "/.env";
                    if (!has_env.contains(candidate)) {
                        auto stored = repo.read_file_bounded(changes.head_sha, candidate, 0);
                        if (!stored) return stored.error();
                        has_env[candidate] = stored->has_value();
                    }
                    if (has_env[candidate]) found.push_back(candidate);
                    if (folder.empty()) break;
                }
            }
            for (const auto& env : env_files[settings]) more.push_back(env);
        }
        for (auto& env : more) {
            if (std::find(f.settings_files.begin(), f.settings_files.end(), env) == f.settings_files.end()) f.settings_files.push_back(std::move(env));
        }
    }
    // sequelize-cli runs from the project's folder and reads which migrations ran from the config
    // file there (see sequelize_config_name): each config/config.{json,js} of a folder above a
    // Sequelize migration is a file it was read with.
    std::map<std::string, bool> present;  // a config file's path: whether the head has it
    for (auto& f : report.files) {
        const std::string_view name = analyze::path_name(f.path);
        if (!name.ends_with(".js") && !name.ends_with(".ts") && !name.ends_with(".cjs") && !name.ends_with(".mjs")) continue;
        auto text = text_at(repo, changes.head_sha, f.path, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text || (analyze::orm::decide_tool(f.path, **text) != analyze::orm::InputFormat::Sequelize &&
                       (*text)->find("queryInterface") == std::string::npos)) {
            continue;
        }
        for (std::string_view folder = analyze::path_folder(f.path);; folder = analyze::path_folder(folder)) {
            for (const char* config : {"config/config.json", "config/config.js"}) {
                const std::string candidate = folder.empty() ? std::string(config) : std::string(folder) + "/" + config;
                if (!present.contains(candidate)) {
                    auto stored = repo.read_file_bounded(changes.head_sha, candidate, 0);
                    if (!stored) return stored.error();
                    present[candidate] = stored->has_value();
                }
                if (present[candidate] && std::find(f.settings_files.begin(), f.settings_files.end(), candidate) == f.settings_files.end()) {
                    f.settings_files.push_back(candidate);
                }
            }
            if (folder.empty()) break;
        }
    }
    for (const auto& f : report.files) {
        for (const auto& s : f.settings_files) {
            if (!listed.insert(s).second) continue;
            // A Sequelize config the migrations run under, changed or not: what Sequelize writes
            // into its SQL from it (quoteIdentifiers false folds the migrations' names; red team R78a B4).
            if (!sequelize_config_name(s)) {
                added.push_back(analyze::analyze_tool_settings(s, {}, options));
                continue;
            }
            auto text = text_at(repo, changes.head_sha, s, options.max_file_bytes);
            if (!text) return text.error();
            std::vector<analyze::SettingUnknown> unknown;
            if (*text) {
                for (auto& u : analyze::tools::spliced_settings(s, **text)) {
                    if (u.unknown) unknown.push_back(analyze::SettingUnknown{u.line, std::move(u.why), "SQL the tool writes"});
                }
            }
            added.push_back(analyze::analyze_tool_settings(s, {}, options, *text ? std::string_view(**text) : std::string_view(), unknown));
        }
    }
    for (auto& f : added) report.files.push_back(std::move(f));
    return true;
}

}  // namespace pgfence::bot
