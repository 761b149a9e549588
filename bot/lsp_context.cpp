#include "bot/lsp_context.hpp"

#include <filesystem>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "bot/cli_args.hpp"
#include "bot/config.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot::lsp {

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

std::string normal(const std::string& path) { return absolute_path(fs::path(path)).lexically_normal().generic_string(); }

bool is_sql_path(const std::string& path) { return path.ends_with(".sql") || path.ends_with(".sql.postgres"); }

// The files of the set before `path` that are replayed as its history: committed ones as HEAD
// holds them, the others as on disk; what is not a migration pgfence reads is left out.
std::vector<std::pair<std::string, std::string>> history_files(const FileContext& c) {
    std::unordered_map<std::string, const std::string*> at_head;
    for (const auto& [p, text] : c.committed.before) at_head.emplace(p, &text);
    const std::unordered_set<std::string> committed(c.committed.paths.begin(), c.committed.paths.end());
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : history_before(c.known.paths(), {c.path})) {
        if (auto head = at_head.find(p); head != at_head.end()) {
            out.emplace_back(p, *head->second);
            continue;
        }
        // Committed but not replayed by analyze (a copy of this file, over the size limit).
        if (committed.count(p) > 0 || excluded(c.settings.exclude, p)) continue;
        if (!is_sql_path(p) && !orm::looks_like_migration(p)) continue;
        std::error_code ec;
        if (!fs::is_regular_file(fs::symlink_status(p, ec))) continue;
        auto text = read_regular_file(p, c.settings.options.max_file_bytes, "a migration");
        if (text) out.emplace_back(p, std::move(*text));
    }
    return out;
}

}  // namespace

bool FileContext::reads(const std::string& text) const {
    if (is_sql_path(path)) return true;
    if (!orm::is_script_path(path)) return false;
    if (orm::looks_like_migration(path, text)) return true;
    std::vector<std::string> patterns;
    for (const auto& p : settings.paths) patterns.push_back(normal(p));
    return !patterns.empty() && diff::selects(patterns, path);
}

PlanHint FileContext::plan_hint() const { return PlanHint(settings.options.pg_version, {}, replayed, {path}); }

std::unique_ptr<FileContext> make_context(const std::string& path, const ClientSettings& client, const std::string& root) {
    auto c = std::make_unique<FileContext>();
    c->path = normal(path);
    Settings& s = c->settings;
    if (auto config = find_config(fs::path(c->path).parent_path())) {
        c->config_path = config->string();
        auto loaded = load_config(*config);
        if (loaded) apply_config(s, *loaded, config->parent_path(), config->parent_path());
        else c->error = loaded.error().describe();
    }
    try {
        apply_args(s, AnalyzeArgs{});
    } catch (const UsageError& e) {
        c->error = e.message;
    }
    if (!client.stats_file.empty()) {
        fs::path stats(client.stats_file);
        s.stats_file = (stats.is_absolute() || root.empty() ? stats : fs::path(root) / stats).lexically_normal().string();
    }
    std::ostringstream stats_error;
    if (!load_stats(s, stats_error)) {
        std::string message = stats_error.str();
        if (message.starts_with("error: ")) message.erase(0, 7);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        c->error = message;
    }
    c->excluded = excluded(s.exclude, c->path);
    c->committed = committed_migrations({c->path}, s.paths, s.options);
    c->known = analyze::KnownMigrations(known_migrations({c->path}, {}, c->committed, s.options.input_format, s.options.confine_to));
    CommittedMigrations history;
    history.before = history_files(*c);
    for (const auto& [p, text] : history.before) c->replayed.push_back(p);
    std::vector<std::string> files{c->path};
    std::vector<Error> errors, schema_errors;
    SchemaContext schema;
    if (s.stats) schema.snapshot_sql = &s.stats->schema_sql();
    c->history = start_history({}, false, schema, files, s.options, errors, schema_errors, &history);
    s.options.known_migrations = &c->known;
    s.options.merged = &c->committed.merged;
    s.options.merged_in = c->committed.merged_in;
    s.options.threads = 1;
    c->metadata = sibling_metadata(c->path, s.options);
    return c;
}

}  // namespace pgfence::bot::lsp
