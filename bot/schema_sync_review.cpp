#include "bot/schema_sync_review.hpp"

#include <map>
#include <optional>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/flyway_settings.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

bool script(std::string_view p) {
    const std::string_view n = analyze::path_name(p);
    if (n.ends_with(".d.ts") || p.find("node_modules/") != std::string_view::npos) return false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json"}) {
        if (n.ends_with(ext)) return ext != ".json" || n.starts_with("ormconfig");
    }
    return false;
}

analyze::Result<std::optional<std::string>> text_at(const diff::Repository& repo, const std::string& commit, const std::string& path,
                                                    std::uint64_t max_bytes) {
    auto stored = repo.read_file_bounded(commit, path, max_bytes);
    if (!stored) return stored.error();
    if (!*stored || !(*stored)->text) return std::optional<std::string>{};
    return std::move((*stored)->text);
}

}  // namespace

analyze::Result<bool> add_schema_sync_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                              const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                              std::vector<analyze::FileReport>& added) {
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, script, {}, options.max_file_bytes);
    if (!changed) return changed.error();
    std::map<std::string, std::vector<analyze::SettingUnknown>> found;  // path: its unknown lines
    std::map<std::string, std::string> texts;
    std::vector<std::pair<std::string, int>> models;
    for (const auto& file : *changed) {
        if (file.status == diff::ChangeStatus::Deleted || listed.contains(file.path)) continue;
        auto text = text_at(repo, changes.head_sha, file.path, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        // A changed line that turns schema synchronisation on.
        for (auto& s : tools::schema_sync_settings(**text)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) found[file.path].push_back(analyze::SettingUnknown{s.line, s.why, "schema sync"});
        }
        if (int line = tools::model_line(**text)) models.emplace_back(file.path, line);
        texts[file.path] = std::move(**text);
    }
    if (!models.empty()) {
        // Whether the head turns it on anywhere: the first setting found names it.
        auto scripts = repo.list_files(changes.head_sha, script);
        if (!scripts) return scripts.error();
        std::string on;
        for (const auto& path : *scripts) {
            auto text = text_at(repo, changes.head_sha, path, std::min(options.max_file_bytes, tools::k_most_settings_bytes));
            if (!text) return text.error();
            if (!*text) continue;
            auto settings = tools::schema_sync_settings(**text);
            if (settings.empty()) continue;
            std::string shown;
            for (char c : std::string_view(path).substr(0, 200)) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
            on = shown + ":" + std::to_string(settings.front().line) + ": " + settings.front().why;
            break;
        }
        if (!on.empty()) {
            for (const auto& [path, line] : models) {
                found[path].push_back(analyze::SettingUnknown{
                    line,
                    "this entity or model is synchronised into the schema when the application starts (" + on +
                        "): the DDL this change makes is computed at run time, a dropped or changed column included; review it, or "
                        "write the change as a migration",
                    "schema sync"});
            }
        }
    }
    for (auto& [path, unknown] : found) {
        if (!listed.insert(path).second) continue;
        added.push_back(analyze::analyze_tool_settings(path, {}, options, texts[path], std::move(unknown)));
    }
    return true;
}

}  // namespace pgfence::bot
