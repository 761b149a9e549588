#include "bot/unselected_migrations.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/migration_look.hpp"
#include "analyze/migrations/unrun_scripts.hpp"
#include "bot/changed_texts.hpp"

namespace pgfence::bot {
namespace {

bool vendored(std::string_view p) {
    return p.find("node_modules/") != std::string_view::npos || p.starts_with("vendor/") || p.find("/vendor/") != std::string_view::npos ||
           p.starts_with("target/") || p.find("/target/") != std::string_view::npos;
}

bool script_file(std::string_view n) {
    for (std::string_view ext : {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (n.ends_with(ext)) return !n.ends_with(".d.ts");
    }
    return false;
}

}  // namespace

analyze::Result<bool> add_unselected_migration_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                       const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                       std::vector<analyze::FileReport>& added) {
    const auto select = [](std::string_view p) {
        const std::string_view n = analyze::path_name(p);
        return !vendored(p) && (n.ends_with(".sql") || (n.size() > 4 && analyze::tools::sql_in_another_case(n.substr(n.size() - 4))) || script_file(n) || n.find(".up.") != std::string_view::npos || n.ends_with(".py") || n.ends_with(".rb") || n.ends_with(".exs") ||
                                n.ends_with(".ex") || n.ends_with(".php") || n.ends_with(".cs"));
    };
    std::optional<analyze::Error> failed;
    std::size_t prisma_looked = 0;  // Prisma folders listed: each lists the head's tree once
    // A script in a Prisma migration folder (the parent holds migration_lock.toml), which `prisma
    // migrate deploy` does not run (analyze/migrations/unrun_scripts.hpp): the project's own runner
    // does, as analyze reports it. The message, or nothing.
    const auto prisma_script = [&](std::string_view path) -> std::string {
        const std::string_view folder = analyze::path_folder(path);
        if (folder.empty() || failed) return "";
        const std::string_view top = analyze::path_folder(folder);
        const std::string lock = top.empty() ? "migration_lock.toml" : std::string(top) + "/migration_lock.toml";
        auto entry = repo.entry_at(changes.head_sha, lock);
        if (!entry) return failed = entry.error(), "";
        if (!*entry || (*entry)->kind != diff::TreeEntryInfo::Kind::file) return "";
        std::vector<std::string> names;
        if (++prisma_looked <= 64) {
            const std::string under = std::string(folder) + "/";
            auto files = repo.list_files(changes.head_sha, [&](std::string_view p) {
                return p.starts_with(under) && p.find('/', under.size()) == std::string_view::npos;
            });
            if (!files) return failed = files.error(), "";
            for (const auto& f : *files) names.emplace_back(analyze::path_name(f));
        }
        const std::string_view name = analyze::path_name(path);
        if (analyze::tools::prisma_folder_script(name, names)) return analyze::tools::prisma_folder_why(analyze::path_name(folder));
        if (!analyze::tools::prisma_folder_helper(name, names)) return "";
        // A module of the folder's data migration: unknown unless its migration.* is in the pull request too.
        const std::string under = std::string(folder) + "/";
        auto files = repo.changed_files(changes.merge_base_sha, changes.head_sha, [&](std::string_view p) {
            return p.starts_with(under) && p.find('/', under.size()) == std::string_view::npos;
        });
        if (!files) return failed = files.error(), "";
        for (const auto& f : *files) {
            if (f.status != diff::ChangeStatus::Deleted && analyze::tools::prisma_folder_script(analyze::path_name(f.path), names)) return "";
        }
        return "this module of the data migration beside it changed: " + analyze::tools::prisma_folder_why(analyze::path_name(folder));
    };
    auto done = each_changed_text(repo, changes, select, options.max_file_bytes, listed, [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
        const bool too_large = !read;
        const std::string_view text = read.value_or(std::string_view());
        if (std::string why = prisma_script(file.path); !why.empty()) {
            listed.insert(file.path);
            added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text,
                                                           {analyze::SettingUnknown{1, std::move(why), "a script the migration tool does not run"}}));
            return;
        }
        std::string look = analyze::tools::migration_look(file.path, text);
        if (look.empty() && too_large && !analyze::path_name(file.path).ends_with(".sql")) {
            look = "it is too large for pgfence to read, so whether it is a migration is not known";
        }
        if (look.empty()) return;
        listed.insert(file.path);
        added.push_back(analyze::analyze_tool_settings(
            file.path, {}, options, text,
            {analyze::SettingUnknown{1,
                                     "this file looks like a migration (" + look +
                                         ") but no setting pgfence read makes a migration tool run it from here (the application's own "
                                         "code may: knex.migrate.latest({ directory }), Umzug, Django's MIGRATION_MODULES, a tool's API "
                                         "called from Go or Java): review it, or name its folder in pgfence's configuration (migrations)",
                                     "a file that looks like a migration"}}));
    });
    if (failed) return *failed;
    return done;
}

}  // namespace pgfence::bot
