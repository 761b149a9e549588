#include "bot/session_setup_review.hpp"

#include "analyze/path_parts.hpp"
#include "analyze/tools/session_setup.hpp"

namespace pgfence::bot {
namespace {

// Files a project configures its tools, its application or its deploys in: scripts, settings,
// CI and container files. Not SQL (a migration's own SET is analysed as SQL) nor documentation.
bool settings_like(std::string_view p) {
    if (p.find("node_modules/") != std::string_view::npos || p.starts_with("vendor/") || p.find("/vendor/") != std::string_view::npos) {
        return false;
    }
    const std::string_view n = analyze::path_name(p);
    if (n.ends_with(".d.ts")) return false;
    for (std::string_view name : {"Dockerfile", "Procfile", "Makefile", "Jenkinsfile", "Containerfile"}) {
        if (n == name || (n.starts_with(name) && n.size() > name.size() && n[name.size()] == '.')) return true;
    }
    if (n.starts_with(".env")) return true;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json", ".yml", ".yaml", ".properties", ".env", ".toml",
                                 ".conf", ".ini", ".cfg", ".py", ".rb", ".exs", ".ex", ".xml", ".gradle", ".kts", ".sh", ".go", ".rs",
                                 ".java", ".kt", ".cs", ".php"}) {
        if (n.ends_with(ext)) return true;
    }
    return false;
}

}  // namespace

analyze::Result<bool> add_session_setup_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                std::vector<analyze::FileReport>& added) {
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, settings_like, {}, options.max_file_bytes);
    if (!changed) return changed.error();
    for (const auto& file : *changed) {
        if (file.status == diff::ChangeStatus::Deleted || listed.contains(file.path)) continue;
        auto stored = repo.read_file_bounded(changes.head_sha, file.path, options.max_file_bytes);
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) continue;
        const std::string& text = *(*stored)->text;
        std::vector<analyze::SettingUnknown> unknown;
        for (auto& s : analyze::tools::session_setup_settings(text)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "connection setup"});
        }
        if (unknown.empty()) continue;
        listed.insert(file.path);
        added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text, std::move(unknown)));
    }
    return true;
}

}  // namespace pgfence::bot
