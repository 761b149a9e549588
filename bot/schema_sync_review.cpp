#include "bot/schema_sync_review.hpp"

#include <map>
#include <optional>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/flyway_settings.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

bool script(std::string_view p) {
    const std::string_view n = analyze::path_name(p);
    if (n.ends_with(".d.ts") || p.find("node_modules/") != std::string_view::npos) return false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json"}) {
        if (n.ends_with(ext)) return ext != ".json" || n.starts_with("ormconfig") || n == "package.json";
    }
    // A Prisma schema, and the files that run commands at deploy (schema_sync_commands): CI
    // workflows and compose files, Procfile, Dockerfiles, shell scripts, Makefiles, fly.toml's
    // release_command and the like.
    if (n.ends_with(".prisma")) return true;
    // Hibernate's settings (application*.properties, persistence.xml, hibernate.cfg.xml) and the
    // JPA entities they synchronise.
    for (std::string_view ext : {".yml", ".yaml", ".sh", ".toml", ".dockerfile", ".properties", ".java", ".kt"}) {
        if (n.ends_with(ext)) return true;
    }
    if (n == "persistence.xml" || n == "hibernate.cfg.xml") return true;
    // Spring's settings as variables in a dotenv file (tools/env_files.hpp; red team R71 F6).
    if (tools::dotenv_name(p)) return true;
    return n == "Procfile" || n.starts_with("Dockerfile") || n == "Containerfile" || n == "Makefile" || n == "justfile";
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
    std::vector<std::pair<std::string, tools::ModelDecl>> models;
    for (const auto& file : *changed) {
        if (file.status == diff::ChangeStatus::Deleted || listed.contains(file.path)) continue;
        auto text = text_at(repo, changes.head_sha, file.path, options.max_file_bytes);
        if (!text) return text.error();
        if (!*text) continue;
        // A changed line that turns schema synchronisation on.
        for (auto& s : tools::schema_sync_settings(**text)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) found[file.path].push_back(analyze::SettingUnknown{s.line, s.why, "schema sync"});
        }
        if (auto model = tools::model_declaration(file.path, **text); model.line > 0) models.emplace_back(file.path, model);
        texts[file.path] = std::move(**text);
    }
    if (!models.empty()) {
        // Whether the head turns it on anywhere, for each tool: the first setting or command found
        // names it. An entity or model is synchronised by its own tool's setting or command.
        auto scripts = repo.list_files(changes.head_sha, script);
        if (!scripts) return scripts.error();
        std::map<std::string, std::string> on;  // tool: where it is turned on
        for (const auto& path : *scripts) {
            auto text = text_at(repo, changes.head_sha, path, std::min(options.max_file_bytes, tools::k_most_settings_bytes));
            if (!text) return text.error();
            if (!*text) continue;
            for (const auto& setting : tools::schema_sync_settings(**text)) {
                if (on.contains(setting.tool)) continue;
                std::string shown;
                for (char c : std::string_view(path).substr(0, 200)) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
                on[setting.tool] = shown + ":" + std::to_string(setting.line) + ": " + setting.why;
            }
        }
        for (const auto& [path, model] : models) {
            auto it = on.find(model.tool);
            if (it == on.end()) continue;
            found[path].push_back(analyze::SettingUnknown{
                model.line,
                "this entity or model is synchronised into the schema (" + it->second +
                    "): the DDL this change makes is computed at run time, a dropped or changed column included; review it, or "
                    "write the change as a migration",
                "schema sync"});
        }
    }
    for (auto& [path, unknown] : found) {
        if (!listed.insert(path).second) continue;
        added.push_back(analyze::analyze_tool_settings(path, {}, options, texts[path], std::move(unknown)));
    }
    return true;
}

}  // namespace pgfence::bot
