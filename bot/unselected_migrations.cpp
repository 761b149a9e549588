#include "bot/unselected_migrations.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/migration_look.hpp"
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
    return each_changed_text(repo, changes, select, options.max_file_bytes, listed, [&](const diff::ChangedFile& file, std::optional<std::string_view> read) {
        const bool too_large = !read;
        const std::string_view text = read.value_or(std::string_view());
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
}

}  // namespace pgfence::bot
