// What lies beside a file (its folder's tool, settings, sqlx and pgmi projects) and analyzing a file by path (split from analyzer.cpp).
#include "analyze/analyzer_parts.hpp"
#include "analyze/migrations/psql_files.hpp"

namespace pgfence::analyze {

namespace analyzer_detail {
// `catalog`: what the file starts from; the analysis changes it.
FileReport analyze_text_from(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment) {
    FileReport report;
    if (text.size() > options.max_file_bytes) {
        report.path = path;
        report.error = Error{file_too_large(text.size(), options.max_file_bytes), path, std::nullopt};
        return report;
    }
    // Parsing, the ORM reader and every walker over their trees recurse once per nesting level.
    run_on_large_stack([&] { report = analyze_text_here(path, text, options, sibling_metadata, catalog, deployment); });
    return report;
}

// Whether a file of `folder` named as sqlx names its migrations starts with sqlx's
// `-- no-transaction` (source.rs reads the file's first bytes): then the folder is sqlx's, without
// the Cargo.toml beside it (a workspace's migrations/, `sqlx::migrate!("../migrations")`). Only
// the first bytes of each regular file are read, of at most 10,000 names; links are not followed.
bool sqlx_folder(const std::string& folder, const AnalyzeOptions& options) {
    constexpr std::string_view k_marker = "-- no-transaction";
    std::error_code ec;
    fs::directory_iterator it(folder.empty() ? fs::path(".") : fs::path(folder), ec), end;
    for (int seen = 0; !ec && it != end && seen < 10000; it.increment(ec), ++seen) {
        const fs::path& p = it->path();
        if (!sqlx_name(p.filename().string())) continue;
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        if (!options.confine_to.empty() && !path_inside(p.string(), options.confine_to)) continue;
        std::ifstream in(p, std::ios::binary);
        std::string head(k_marker.size(), '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        if (in.gcount() == static_cast<std::streamsize>(head.size()) && head == k_marker) return true;
    }
    return false;
}

// pgmi (github.com/vvka-141/pgmi): deploy.sql, at the project's root beside pgmi.yaml, opens
// the transaction and EXECUTEs every project file inside it, so all of them share it. deploy.sql
// itself is read as written.
bool in_pgmi_project(const std::string& path, const std::string& confine_to, FolderFacts* folders) {
    if (path_name(path) == "deploy.sql") return false;
    // Most files share their folder with the file before them: answered without a path split.
    std::string spelling(path_folder(path));
    if (folders) {
        std::lock_guard lock(folders->mutex);
        if (auto hit = folders->by_spelling.find(spelling); hit != folders->by_spelling.end()) return hit->second;
    }
    std::error_code ec;
    fs::path dir = absolute_path(fs::path(path)).parent_path();
    std::vector<std::string> walked;
    bool found = false;
    for (int depth = 0; depth < 16 && !dir.empty(); ++depth) {
        if (folders) {
            std::lock_guard lock(folders->mutex);
            if (auto hit = folders->in_pgmi_project.find(dir.string()); hit != folders->in_pgmi_project.end()) {
                found = hit->second;
                break;
            }
        }
        walked.push_back(dir.string());
        if (!confine_to.empty() && !path_inside(dir.string(), confine_to)) break;
        // A missing file sets ec (not found): only the answers count.
        if (fs::is_regular_file(dir / "pgmi.yaml", ec) && fs::is_regular_file(dir / "deploy.sql", ec)) {
            found = true;
            break;
        }
        if (dir == dir.root_path()) break;
        dir = dir.parent_path();
    }
    if (folders) {
        std::lock_guard lock(folders->mutex);
        for (const auto& w : walked) folders->in_pgmi_project.emplace(w, found);
        folders->by_spelling.emplace(std::move(spelling), found);
    }
    return found;
}

// The link's own text (readlink), as bytes: never followed. An Error when it cannot be read.
std::string link_text(const std::string& path) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    target.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    return target;
}

// A Flyway migration's settings files (tools/flyway_settings.hpp): flyway.conf, flyway.toml
// and flyway.user.toml in its folder and each folder above it (and their conf/), packed for
// prepare_source. Regular files only, within confine_to: a link's target is not the
// repository's to choose.
FolderFacts::PathKind FolderFacts::kind_of(const std::string& path) {
    std::lock_guard lock(path_mutex);
    auto hit = path_kind.find(path);
    if (hit != path_kind.end()) return hit->second;
    PathKind kind;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        kind.exists = true;
        kind.link = S_ISLNK(st.st_mode);
        kind.regular = kind.link ? ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) : S_ISREG(st.st_mode);
    }
    return path_kind.emplace(path, kind).first->second;
}

std::string flyway_settings_beside(const std::string& path, const AnalyzeOptions& options, FolderFacts* folders) {
    std::vector<std::pair<std::string, std::string>> found;
    // A relative path is walked up from where it really is (`analyze .` inside db/migration finds
    // the project's flyway.conf above), up to the repository's top: the folder holding .git.
    std::error_code ec;
    fs::path where = fs::path(path).is_absolute() ? fs::path(path) : (fs::current_path(ec) / path).lexically_normal();
    fs::path top;
    for (fs::path up = where.parent_path(); !up.empty(); up = up.parent_path()) {
        if (folders ? folders->kind_of((up / ".git").string()).exists : fs::exists(fs::symlink_status(up / ".git", ec))) {
            top = up;
            break;
        }
        if (up == up.root_path()) break;
    }
    // No repository: no higher than where the migrations run from (pgfence's working directory,
    // or the run folder: `pr --trace`'s copy of the head commit has no .git).
    if (top.empty()) top = options.run_folder.empty() ? fs::current_path(ec) : fs::path(options.run_folder);
    for (const std::string& candidate : tools::flyway_settings_candidates(fs::path(path).is_absolute() ? path : where.string())) {
        // Whether it is there first (one stat; most candidates are not), then where it really is
        // (a real-path question per component of its path, 12% of a corpus run when asked first).
        if (folders) {
            const FolderFacts::PathKind kind = folders->kind_of(candidate);
            if (kind.link || !kind.regular) continue;
        } else if (fs::is_symlink(candidate, ec) || !fs::is_regular_file(candidate, ec)) {
            continue;
        }
        if (!top.empty() && !path_inside(candidate, top.string())) continue;
        if (!options.confine_to.empty() && !path_inside(candidate, options.confine_to)) continue;
        bool ok = false;
        std::uint64_t size = 0;
        std::string text = read_whole(candidate, ok, tools::k_most_settings_bytes, &size);
        if (ok && size <= tools::k_most_settings_bytes) found.emplace_back(candidate, std::move(text));
    }
    return tools::pack_flyway_files(found);
}

// A Flyway script's own configuration (`V2__x.sql.conf`, tools/flyway_script_config.hpp) added to
// its packed settings: one that exists but is not a regular file within the limit is unreadable,
// and the script unknown.
void add_script_config(std::string& packed, const std::string& path, const AnalyzeOptions& options) {
    const std::string conf = tools::flyway_script_config_path(path);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(conf, ec))) return;
    if (!options.confine_to.empty() && !path_inside(conf, options.confine_to)) return;
    bool ok = false;
    std::uint64_t size = 0;
    std::string text;
    if (!fs::is_symlink(conf, ec) && fs::is_regular_file(conf, ec)) text = read_whole(conf, ok, tools::k_most_settings_bytes, &size);
    if (!ok || size > tools::k_most_settings_bytes) text = std::string(tools::k_unreadable_script_config);
    tools::add_flyway_file(packed, conf, text);
}

}  // namespace analyzer_detail

bool in_sqlx_folder(std::string_view path, const AnalyzeOptions& options) {
    if (options.sqlx_folders == nullptr) return false;
    const std::string folder = fs::path(std::string(path_folder(path))).lexically_normal().generic_string();
    return std::any_of(options.sqlx_folders->begin(), options.sqlx_folders->end(), [&](const std::string& f) {
        const std::string normal = fs::path(f).lexically_normal().generic_string();
        return folder == normal || (folder.size() > normal.size() && folder.starts_with(normal) && folder[normal.size()] == '/');
    });
}

namespace analyzer_detail {
Beside beside_facts(const std::string& path, const AnalyzeOptions& options, FolderFacts* folders) {
    std::string metadata;
    // diesel's metadata.toml, or the Cargo.toml of a crate's migrations/ (sqlx)
    std::string beside;
    std::string_view name = path_name(path), folder = path_folder(path);
    auto join = [](std::string_view dir, std::string_view file) {
        return dir.empty() ? std::string(file) : std::string(dir) + "/" + std::string(file);
    };
    if (name == "up.sql" || name == "down.sql") {
        beside = join(folder, "metadata.toml");
    } else if (path_name(folder) == "migrations" && name.ends_with(".sql") && name != ".sql") {
        beside = join(path_folder(folder), "Cargo.toml");
    }
    if (!beside.empty() && (options.confine_to.empty() || path_inside(beside, options.confine_to))) {
        bool meta_ok = false;
        if (folders) {
            // Read under the lock: up.sql and down.sql go to different threads at once, and
            // the second must find what the first read rather than open the file again.
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->beside.find(beside);
            if (hit == folders->beside.end()) {
                hit = folders->beside.emplace(beside, read_whole(beside, meta_ok, options.max_file_bytes)).first;
            }
            metadata = hit->second;
        } else {
            metadata = read_whole(beside, meta_ok, options.max_file_bytes);
        }
    }
    auto flyway_settings = [&] {
        if (!folders) return flyway_settings_beside(path, options);
        std::lock_guard guard(folders->beside_mutex);
        auto hit = folders->flyway_settings.find(std::string(folder));
        if (hit == folders->flyway_settings.end()) {
            hit = folders->flyway_settings.emplace(std::string(folder), flyway_settings_beside(path, options, folders)).first;
        }
        return hit->second;
    };
    if (flyway_name(name) || flyway_name_with_suffix(name)) {
        metadata = flyway_settings();
        add_script_config(metadata, path, options);
    } else if (metadata.empty() && name.ends_with(".sql") && name != "migration.sql") {
        // Any other SQL file under Flyway settings that rename its migrations (conventions.cpp).
        std::string settings = flyway_settings();
        if (auto read = tools::unpack_flyway_files(settings); read && !read->naming.empty()) metadata = std::move(settings);
    }
    // The configuration's `tool` says which tool runs the project's versioned files.
    const bool golang_migrate = options.tool == "golang-migrate";
    if (options.tool == "sqlx" && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        metadata = std::string(tools::k_sqlx_crate) + "tool = \"sqlx\" in the configuration";
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        auto crate = [&] {
            tools::CrateTool c = tools::sqlx_crate_for(std::string(folder), options.confine_to);
            return c.reading == tools::CrateTool::Reading::None ? std::string() : std::string(tools::k_sqlx_crate) + c.why;
        };
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->sqlx_crate.find(std::string(folder));
            if (hit == folders->sqlx_crate.end()) hit = folders->sqlx_crate.emplace(std::string(folder), crate()).first;
            if (!hit->second.empty()) metadata = hit->second;
        } else if (std::string c = crate(); !c.empty()) {
            metadata = std::move(c);
        }
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name) && in_sqlx_folder(path, options)) {
        metadata = std::string(k_sqlx_folder);
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        bool sqlx = false;
        std::string key(folder);
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->sqlx_folder.find(key);
            if (hit == folders->sqlx_folder.end()) hit = folders->sqlx_folder.emplace(key, sqlx_folder(key, options)).first;
            sqlx = hit->second;
        } else {
            sqlx = sqlx_folder(key, options);
        }
        if (sqlx) metadata = std::string(k_sqlx_folder);
    }
    // The tool the project's own files say runs the folder (supabase/config.toml, a package.json
    // or .env naming it): only its markers mark (conventions.cpp).
    // A settings file or an up half beside it counts only as a regular file (no link) inside the run.
    auto plain_file = [&](const std::string& file) {
        if (!options.confine_to.empty() && !path_inside(file, options.confine_to)) return false;
        std::error_code ec;
        if (folders) {
            const FolderFacts::PathKind kind = folders->kind_of(file);
            return !kind.link && kind.regular;
        }
        return !fs::is_symlink(file, ec) && fs::is_regular_file(file, ec);
    };
    const bool tool_configured = options.tool == "supabase" || options.tool == "node-pg-migrate" || options.tool == "goose" || options.tool == "dbmate";
    if (metadata.empty() && name.ends_with(".sql") && tool_configured) {
        metadata = std::string(tools::k_folder_tool) + options.tool + "\ntool = \"" + options.tool + "\" in the configuration says " + options.tool + " runs it";
    } else if (metadata.empty() && name.ends_with(".sql")) {
        auto said = [&] {
            auto read = [&](const std::string& file) -> std::optional<std::string> {
                if (!plain_file(file)) return std::nullopt;
                bool ok = false;
                std::string text = read_whole(file, ok, tools::k_most_settings_bytes);
                return ok ? std::optional<std::string>(std::move(text)) : std::nullopt;
            };
            return tools::folder_tool_metadata(path, [&](const std::string& file) -> std::optional<std::string> {
                if (!folders) return read(file);
                // The same package.json or .env above many migration folders: read once a run.
                {
                    std::lock_guard lock(folders->path_mutex);
                    if (auto hit = folders->settings_text.find(file); hit != folders->settings_text.end()) return hit->second;
                }
                std::optional<std::string> text = read(file);
                std::lock_guard lock(folders->path_mutex);
                return folders->settings_text.emplace(file, std::move(text)).first->second;
            });
        };
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->folder_tool.find(std::string(folder));
            if (hit == folders->folder_tool.end()) hit = folders->folder_tool.emplace(std::string(folder), said()).first;
            metadata = hit->second;
        } else {
            metadata = said();
        }
        // The tools the project's other files name for this folder (a workflow, a Procfile,
        // node-config: AnalyzeOptions::tool_folders), where the folder's own settings say none.
        if (metadata.empty() && options.tool_folders != nullptr && !options.tool_folders->empty()) {
            std::error_code ec;
            const std::string self = fs::absolute(std::string(folder).empty() ? fs::path(".") : fs::path(std::string(folder)), ec).lexically_normal().generic_string();
            std::string tool, why;
            for (const auto& [f, said_by] : *options.tool_folders) {
                if (f != self && f + "/" != self && f != self + "/") continue;
                const std::string_view t = std::string_view(said_by).substr(0, said_by.find('\n'));
                if (t != "node-pg-migrate" && t != "dbmate" && t != "goose") continue;  // a script tool's: its .sql files are not its
                if (tool.empty()) {
                    tool = std::string(t);
                    why = said_by.substr(said_by.find('\n') + 1);
                } else if (tool != t) {
                    why = std::string(tools::k_several_tools) + " " + tool + ", " + std::string(t);
                    tool = "\x01";
                }
            }
            if (tool == "\x01") metadata = std::string(tools::k_folder_tool) + "\n" + why;
            else if (!tool.empty()) metadata = std::string(tools::k_folder_tool) + tool + "\n" + why;
        }
    }
    // A Temporal version folder's file: its manifest.json decides whether and how it runs. Not a
    // file Flyway would take (V9__x.sql: Flyway scans its locations recursively, whatever
    // manifest.json lies beside), nor one a psql command runs: a marker the analysed tree adds
    // never hides what another runner sends (red team R78a B7).
    const auto psql_run = [&] {
        if (options.psql_runs == nullptr) return false;
        std::error_code ec;
        const std::string self = fs::absolute(path, ec).lexically_normal().generic_string();
        return std::any_of(options.psql_runs->begin(), options.psql_runs->end(), [&](const PsqlRun& r) {
            return tools::psql_runs_file(self, fs::absolute(r.file, ec).lexically_normal().generic_string());
        });
    };
    if (tools::temporal_version_file(path) && name.ends_with(".sql") && !flyway_name(name) && !psql_run()) {
        const std::string manifest = join(folder, "manifest.json");
        if (options.confine_to.empty() || path_inside(manifest, options.confine_to)) {
            std::string text;
            if (folders) {
                std::lock_guard guard(folders->beside_mutex);
                auto hit = folders->beside.find(manifest);
                if (hit == folders->beside.end()) {
                    hit = folders->beside.emplace(manifest, tools::read_temporal_manifest(std::string(folder)).value_or("")).first;
                }
                text = hit->second;
            } else {
                text = tools::read_temporal_manifest(std::string(folder)).value_or("");
            }
            if (!text.empty()) metadata = std::string(tools::k_temporal_manifest) + text;
        }
    }
    // A down half by its name whose up half lies beside it, or golang-migrate configured: the
    // name may then be a direction (tools::k_down_pair). Its up half only as a regular file.
    if (name.find(".down.") != std::string_view::npos && !flyway_name(name) && !flyway_name_with_suffix(name) &&
        !metadata.starts_with(tools::k_temporal_manifest)) {
        const bool pair = golang_migrate || tools::down_pair(path, [&](const std::string& file) -> std::optional<std::string> {
            return plain_file(file) ? std::optional<std::string>(std::string()) : std::nullopt;
        });
        if (pair) metadata = std::string(tools::k_down_pair) + metadata;
    }
    std::string deployment = options.single_transaction ? "--single-transaction"
                             : in_pgmi_project(path, options.confine_to, folders) ? "pgmi"
                                                                      : "";
    return Beside{std::move(metadata), std::move(deployment)};
}

FileReport analyze_file_from(const std::string& path, const AnalyzeOptions& options, Catalog& catalog,
                             FolderFacts* folders) {
    // A link is reported, not read: what it points at is not the migration's to choose (a
    // committed link could name a file of the runner, or one the review never shows).
    struct stat link_stat {};
    if (::lstat(path.c_str(), &link_stat) == 0 && S_ISLNK(link_stat.st_mode)) {
        return analyze_not_a_file(path, NotAFile{NotAFile::Kind::link, link_text(path)}, options);
    }
    const bool own = !options.own_folder.empty() && path_inside(path, options.own_folder);
    if (!options.confine_to.empty() && !own && !path_inside(path, options.confine_to)) {
        FileReport report;
        report.path = path;
        report.error = Error{"is a link to a file outside " + options.confine_to + ": not read", path, std::nullopt};
        return report;
    }
    bool ok = false;
    std::uint64_t size = 0;
    std::string text = read_whole(path, ok, options.max_file_bytes, &size);
    if (ok && size > options.max_file_bytes) {
        FileReport report;
        report.path = path;
        report.error = Error{file_too_large(size, options.max_file_bytes), path, std::nullopt};
        return report;
    }
    if (!ok) {
        FileReport report;
        report.path = path;
        report.error = Error{"cannot read file: " + std::string(std::strerror(errno)), path, std::nullopt};
        return report;
    }
    Beside beside = beside_facts(path, options, folders);
    return analyze_text_from(path, text, options, beside.metadata, catalog, beside.deployment);
}

}  // namespace analyzer_detail

}  // namespace pgfence::analyze
